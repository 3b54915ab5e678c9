"""The app paints its window before loading the database libraries (SQLAlchemy and SQLModel
take longer to import than Qt takes to start), checked in fresh processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_LIBRARIES = "('sqlalchemy', 'sqlmodel')"

FIRST_PAINT = f"""
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

app = QApplication([])


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(sorted(m for m in sys.modules if m.split(".")[0] in {DATABASE_LIBRARIES}))
            sys.stdout.flush()
            os._exit(0)
        return False


probe = FirstPaint()
app.installEventFilter(probe)
from annotator.cli import main

main(sys.argv[1:])
"""


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
    assert _run(FIRST_PAINT, "--db", database, "--annotator", "ana") == "[]"
    assert _run(FIRST_PAINT, "gui", "--db", database) == "[]"
