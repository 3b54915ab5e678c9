"""Undoable edits. Each step calls one store function, which commits before it returns;
only then is the change published for the views to show.

A store error (the span was deleted in another window, the database is locked) is reported
in words and the command marks itself obsolete, so QUndoStack drops it instead of keeping a
step that no longer matches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand
from sqlalchemy.engine import Engine

from annotator.core.errors import AnnotatorError
from annotator.core.review import Note
from annotator.core.spans import Span
from annotator.store.changes import Change
from annotator.store.notes import span_notes
from annotator.store.spans import add_span, delete_span, update_span
from annotator.store.status import Status, set_status
from annotator.ui.events import Events


@dataclass(frozen=True, slots=True)
class CommandContext:
    """What every command needs: the store, the signal, how to show a document, and whom to
    tell that a step was committed or failed."""

    engine: Engine
    events: Events
    reveal: Callable[[int], None]
    committed: Callable[[], None]
    report: Callable[[str], None]


class StoreCommand(QUndoCommand):
    def __init__(self, context: CommandContext, text: str, document_id: int, annotator: str):
        super().__init__(text)
        self.context = context
        self.document_id = document_id
        self.annotator = annotator
        self.applied = False

    def apply(self) -> Change:
        raise NotImplementedError

    def revert(self) -> Change:
        raise NotImplementedError

    def redo(self) -> None:
        self.applied = self._run(self.apply)

    def undo(self) -> None:
        self.applied = not self._run(self.revert)

    def _run(self, step: Callable[[], Change]) -> bool:
        self.context.reveal(self.document_id)
        try:
            change = step()
        except AnnotatorError as exc:
            self.setObsolete(True)
            self.context.report(f"Not saved: {exc}")
            return False
        self.context.events.publish(change)
        if change:
            self.context.committed()
        return not self.isObsolete()


class AddSpan(StoreCommand):
    """Adds a span; an exact duplicate of an existing span is dropped without a word."""

    def __init__(self, context: CommandContext, document_id: int, annotator: str, span: Span):
        super().__init__(context, f"tag {span.label}", document_id, annotator)
        self.span = span

    def apply(self) -> Change:
        stored, change = add_span(self.context.engine, self.document_id, self.annotator, self.span)
        if stored is None:
            self.setObsolete(True)
        else:
            self.span = stored
        return change

    def revert(self) -> Change:
        return delete_span(self.context.engine, self.span.id, self.annotator)[1]


class DeleteSpan(StoreCommand):
    """Deletes a span; undo brings it back with the same id and the notes it carried."""

    def __init__(self, context: CommandContext, document_id: int, annotator: str, span: Span):
        super().__init__(context, f"delete {span.label}", document_id, annotator)
        self.span = span
        self.notes: list[Note] = []

    def apply(self) -> Change:
        self.notes = span_notes(self.context.engine, self.span.id)
        self.span, change = delete_span(self.context.engine, self.span.id, self.annotator)
        return change

    def revert(self) -> Change:
        engine = self.context.engine
        return add_span(engine, self.document_id, self.annotator, self.span, self.notes)[1]


class UpdateSpan(StoreCommand):
    """Relabels a span or moves its boundaries; ``before`` and ``after`` share the span id.

    Word-by-word moves of one span merge into a single undo step.
    """

    MOVE = 1

    def __init__(
        self, context: CommandContext, document_id: int, annotator: str, before: Span, after: Span
    ):
        text = f"relabel as {after.label}" if before.label != after.label else "move boundary"
        super().__init__(context, text, document_id, annotator)
        self.before = before
        self.after = after

    def _write(self, span: Span) -> Change:
        return update_span(
            self.context.engine,
            span.id,
            self.annotator,
            start=span.start,
            end=span.end,
            label=span.label,
        )[1]

    def apply(self) -> Change:
        return self._write(self.after)

    def id(self) -> int:
        return self.MOVE if self.before.label == self.after.label else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, UpdateSpan) and other.applied and other.id() == self.MOVE):
            return False
        if other.before.id != self.after.id:
            return False
        self.after = other.after
        if self.after.key == self.before.key:
            self.setObsolete(True)
        return True

    def revert(self) -> Change:
        return self._write(self.before)


class SetStatus(StoreCommand):
    """Sets the annotator's status of a document (marking it done, for instance)."""

    def __init__(
        self,
        context: CommandContext,
        document_id: int,
        annotator: str,
        before: Status,
        after: Status,
    ):
        super().__init__(context, f"mark {after.value.replace('_', ' ')}", document_id, annotator)
        self.before = before
        self.after = after

    def apply(self) -> Change:
        return set_status(self.context.engine, self.document_id, self.annotator, self.after)

    def revert(self) -> Change:
        return set_status(self.context.engine, self.document_id, self.annotator, self.before)
