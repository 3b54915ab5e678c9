"""The one application-level signal: what a committed store command changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.store.changes import Change


class Events(QObject):
    """Carries each committed ``Change``; every view refreshes only what it names."""

    changed = Signal(object)

    def publish(self, change: Change) -> None:
        if change:
            self.changed.emit(change)
