"""Starting an annotation session in a main window: the database, who is annotating, and the
workspace that ties them to the window."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.formats.seeds import seed_once
from annotator.store import open_store
from annotator.store.annotators import list_annotators
from annotator.ui.dialogs.export_dialog import ExportDialog
from annotator.ui.dialogs.import_dialog import ImportDialog
from annotator.ui.elsewhere import ElsewhereWatcher
from annotator.ui.events import Events
from annotator.ui.identity import ask_identity
from annotator.ui.main_window import MainWindow
from annotator.ui.preferences import Preferences
from annotator.ui.review.install import install_review
from annotator.ui.workspace import Workspace


def open_database(db: str | Path) -> Engine:
    """Open (creating, migrating and seeding a new one as needed) the database at ``db``."""
    engine = open_store(db)
    seed_once(engine)
    return engine


def start_session(window: MainWindow, engine: Engine, annotator: str | None = None) -> bool:
    """Attach a workspace on ``engine`` for ``annotator`` (else the remembered name, else
    asked) to ``window`` and open the last document; False if the person cancels."""
    preferences = window.preferences
    name = annotator or preferences.annotator
    if not name:
        name = ask_identity(window, list_annotators(engine))
        if not name:
            return False
        preferences.annotator = name
    workspace = Workspace(engine, Events(window), name, preferences, window)
    ElsewhereWatcher(workspace)
    window.attach(workspace)
    install_review(window)
    window.add_file_action("&Import…", lambda: _show_import(workspace, window), ["Ctrl+Shift+I"])
    window.add_file_action(
        "&Export…", lambda: ExportDialog(engine, window).show_once(), ["Ctrl+Shift+E"]
    )
    workspace.open_document(None)
    return True


def _show_import(workspace: Workspace, window: MainWindow) -> None:
    """The import dialog for the current annotator; what it imports reaches every view."""
    dialog = ImportDialog(workspace.engine, workspace.annotator, window)
    dialog.imported.connect(workspace.events.publish)
    dialog.show_once()


def open_window(engine: Engine, annotator: str | None = None) -> MainWindow | None:
    """A main window with a session on ``engine``; None if the identity question is cancelled."""
    window = MainWindow(Preferences())
    if not start_session(window, engine, annotator):
        window.deleteLater()
        return None
    return window
