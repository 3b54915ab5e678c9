"""Application start-up: open the store, seed a new database, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.formats.seeds import seed_once
from annotator.store import open_store


def run_app(db: str | Path, annotator: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("annotator")
    try:
        engine = open_store(db)
        seed_once(engine)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return 1
    window = QMainWindow()
    window.setWindowTitle("annotator")
    window.resize(1280, 800)
    window.show()
    return app.exec()
