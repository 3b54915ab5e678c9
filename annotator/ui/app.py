"""Application start-up: paint the window and the article about to open, then open the store,
seed a new database, know who is annotating and fill the window.

The store is imported only after the first paint: SQLAlchemy and SQLModel take longer to
import than Qt takes to start, and a window that shows at once reads as a fast app.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.ui.main_window import MainWindow
from annotator.ui.preferences import Preferences
from annotator.ui.theme import keep_placeholders_readable


def application() -> QApplication:
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(sys.argv)
    app.setApplicationName("annotator")
    app.setApplicationDisplayName("annotator")
    keep_placeholders_readable(app)
    return app


def run_app(db: str | Path, annotator: str | None = None) -> int:
    app = application()
    window = MainWindow(Preferences())
    window.show()
    app.processEvents()
    _preview(window, db, annotator)
    from annotator.ui.session import open_database, start_session

    try:
        started = start_session(window, open_database(db), annotator)
    except AnnotatorError as exc:
        window.hide()
        QMessageBox.critical(None, "annotator", f"Cannot open {db}:\n{exc}")
        return 1
    if not started:
        return 0
    return app.exec()


def _preview(window: MainWindow, db: str | Path, annotator: str | None) -> None:
    """Paint the article the session will open, read without the store's libraries, while
    they load; nothing when that cannot be known for sure (no name yet, a new database)."""
    from annotator.store.glance import database_url, glance

    preferences = window.preferences
    name = annotator or preferences.annotator
    if not name:
        return
    seen = glance(db, name, preferences.last_document(database_url(db)))
    if seen is not None:
        window.preview(seen.title, seen.text, seen.spans, seen.colors)
        window.text_view.repaint()
