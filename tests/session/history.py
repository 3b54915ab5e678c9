"""A plain undo history for session tests, keeping the rules ``QUndoStack`` applies to the
app's ``UndoStep``s: a pushed step runs at once, a step made obsolete (a duplicate, moves that
cancel out) or failing with a store error is dropped, a new step after undos discards what
could have been redone, and a step merges into the one before it when that one agrees."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.session.command import Command


class History:
    def __init__(self) -> None:
        self.steps: list[Command] = []
        self.index = 0
        self.errors: list[str] = []

    def push(self, command: Command | None) -> None:
        if command is None:
            return
        del self.steps[self.index :]
        if not self._run(command.do) or command.obsolete:
            return
        if self.steps and self.steps[-1].merge(command):
            if self.steps[-1].obsolete:
                self.steps.pop()
        else:
            self.steps.append(command)
        self.index = len(self.steps)

    def undo(self) -> None:
        if self.index == 0:
            return
        self.index -= 1
        command = self.steps[self.index]
        if not self._run(command.undo) or command.obsolete:
            del self.steps[self.index]

    def redo(self) -> None:
        if self.index == len(self.steps):
            return
        command = self.steps[self.index]
        if self._run(command.do) and not command.obsolete:
            self.index += 1
        else:
            del self.steps[self.index]

    def _run(self, step) -> bool:
        try:
            step()
        except AnnotatorError as exc:
            self.errors.append(str(exc))
            return False
        return True
