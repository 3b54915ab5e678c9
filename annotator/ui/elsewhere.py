"""Noticing another program's writes: a second window on the same database, or a
command-line import. The workspace is asked to reload every few seconds and whenever the
app comes back to the front; the store's check is one tiny read, so this costs nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace


class ElsewhereWatcher(QObject):
    INTERVAL_MS = 2000

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._workspace = workspace
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication), "a widget lives in a running QApplication"
        app.applicationStateChanged.connect(self._on_state)

    def _on_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()

    def check(self) -> bool:
        return self._workspace.reload_if_changed_elsewhere()
