"""The app paints its window before loading the database libraries (SQLAlchemy and SQLModel
take longer to import than Qt takes to start), checked in fresh processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from tests.crowded import SPANS, TEXT

ROOT = Path(__file__).resolve().parents[1]
DATABASE_LIBRARIES = "('sqlalchemy', 'sqlmodel')"

FIRST_PAINT = f"""
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

app = QApplication([])


class FirstPaint(QObject):
    # At the first paint of WAIT_FOR: the database libraries loaded, the article shown; exit.

    def eventFilter(self, obj, event):
        shown = obj.parent()
        if event.type() != QEvent.Type.Paint or type(shown).__name__ != WAIT_FOR:
            return False
        if WAIT_FOR == "MainWindow" or shown.toPlainText():
            print(sorted(m for m in sys.modules if m.split(".")[0] in {DATABASE_LIBRARIES}))
            print(repr(shown.toPlainText()) if WAIT_FOR == "AnnotatedTextView" else "")
            sys.stdout.flush()
            os._exit(0)
        return False


probe = FirstPaint()
app.installEventFilter(probe)
from annotator.cli import main

main(sys.argv[1:])
"""


def _first_paint(of: str, *args: str) -> list[str]:
    return _run(FIRST_PAINT.replace("WAIT_FOR", repr(of)), *args).splitlines()


def _run(code: str, *args: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_command_line_loads_no_database_library() -> None:
    code = (
        "import sys, annotator.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {DATABASE_LIBRARIES}))"
    )
    assert _run(code) == "[]"


def test_the_window_paints_before_the_database_libraries_load(tmp_path: Path) -> None:
    database = str(tmp_path / "first.db")
    assert _first_paint("MainWindow", "--db", database, "--annotator", "ana") == ["[]"]
    assert _first_paint("MainWindow", "gui", "--db", database) == ["[]"]


def test_the_article_paints_before_the_database_libraries_load(tmp_path: Path) -> None:
    database = tmp_path / "article.db"
    engine = open_store(database)
    (doc,) = add_documents(engine, [Document(text=TEXT, title="Crowded")]).ids
    for span in SPANS:
        add_span(engine, doc, "ana", span)
    engine.dispose()
    shown = _first_paint("AnnotatedTextView", "--db", str(database), "--annotator", "ana")
    assert shown == ["[]", repr(TEXT)]
