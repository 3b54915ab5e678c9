"""Application start-up: open the store, seed a new database, know who is annotating,
show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.engine import Engine

from annotator.core.errors import AnnotatorError
from annotator.formats.seeds import seed_once
from annotator.store import open_store
from annotator.store.annotators import list_annotators
from annotator.ui.events import Events
from annotator.ui.identity import ask_identity
from annotator.ui.main_window import MainWindow
from annotator.ui.preferences import Preferences
from annotator.ui.workspace import Workspace


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("annotator")
    app.setApplicationDisplayName("annotator")
    return app


def open_window(engine: Engine, annotator: str | None = None) -> MainWindow | None:
    """The main window on ``engine``, for ``annotator`` (else the remembered one, else asked).

    ``None`` when the person cancels the identity question.
    """
    preferences = Preferences()
    name = annotator or preferences.annotator
    if not name:
        name = ask_identity(None, list_annotators(engine))
        if not name:
            return None
        preferences.annotator = name
    events = Events()
    workspace = Workspace(engine, events, name, preferences)
    window = MainWindow(workspace)
    for owned in (preferences, events, workspace):
        owned.setParent(window)
    workspace.open_document(None)
    return window


def run_app(db: str | Path, annotator: str | None = None) -> int:
    app = application()
    try:
        engine = open_store(db)
        seed_once(engine)
        window = open_window(engine, annotator)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", f"Cannot open {db}:\n{exc}")
        return 1
    if window is None:
        return 0
    window.show()
    return app.exec()
