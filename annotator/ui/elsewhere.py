"""Noticing another program's writes: a second window on the same database, another person
on a shared server, or a command-line import. The workspace is asked to reload whenever the
app comes back to the front, and every few seconds; on PostgreSQL instead whenever the
server announces a commit (``store.listening``: this is its thin Qt side), so the open
document follows another person's edit within a second. The store's check is one tiny
read, so asking costs nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from annotator.store.listening import ChangeListener, can_listen

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace


class ElsewhereWatcher(QObject):
    INTERVAL_MS = 2000
    heard = Signal(object)  # a document id (or None) announced by the server, any thread

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._workspace = workspace
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.listener: ChangeListener | None = None
        if can_listen(workspace.engine):
            self.heard.connect(self._on_heard, Qt.ConnectionType.QueuedConnection)
            listener = self.listener = ChangeListener(workspace.engine, self.heard.emit)
            listener.start()
            workspace.destroyed.connect(lambda: listener.stop())
        else:
            self.timer.start()
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication), "a widget lives in a running QApplication"
        app.applicationStateChanged.connect(self._on_state)
        if self.listener is not None:
            app.aboutToQuit.connect(self.listener.stop)

    def _on_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()

    def _on_heard(self, _document: object) -> None:
        self.check()

    def check(self) -> bool:
        return self._workspace.reload_if_changed_elsewhere()
