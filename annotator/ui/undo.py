"""The Qt side of undo: a thin ``QUndoCommand`` around a session ``Command``.

Both windows push ``UndoStep``s on their ``QUndoStack``, so the menus, shortcuts and the
stack's clean state come from Qt while what a step does stays in the Qt-free session layer.
A store error is reported in words and the step marks itself obsolete, so the stack drops it
instead of keeping a step that does not match the database.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.errors import AnnotatorError
from annotator.session.command import Command
from annotator.store.changes import Change

MERGEABLE = 1


class UndoStep(QUndoCommand):
    """Runs ``command`` for a ``QUndoStack``: ``before`` is called with it ahead of every run
    (to show the document it edits), ``publish`` with each committed ``Change``, ``report``
    with the words of a failure."""

    def __init__(
        self,
        command: Command,
        publish: Callable[[Change], None],
        report: Callable[[str], None],
        before: Callable[[Command], None] | None = None,
    ) -> None:
        super().__init__(command.text)
        self.command = command
        self._publish = publish
        self._report = report
        self._before = before

    def redo(self) -> None:
        self._run(self.command.do)

    def undo(self) -> None:
        self._run(self.command.undo)

    def id(self) -> int:
        return MERGEABLE

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UndoStep) or other.isObsolete():
            return False
        try:
            if not self.command.merge(other.command):
                return False
        except AnnotatorError as exc:
            self._report(f"Not saved: {exc}")
            return False
        self.setText(self.command.text)
        self.setObsolete(self.command.obsolete)
        merged, self.command.merged = self.command.merged, None
        if merged is not None:
            self._publish(merged)
        return True

    def _run(self, step: Callable[[], Change]) -> None:
        if self._before is not None:
            self._before(self.command)
        try:
            change = step()
        except AnnotatorError as exc:
            self.setObsolete(True)
            self._report(f"Not saved: {exc}")
            return
        self.setObsolete(self.command.obsolete)
        self._publish(change)
