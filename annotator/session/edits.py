"""The annotation window's undoable edits: add, relabel, move a boundary, delete, set status.

Each edit is built by ``AnnotationSession`` from what the person has chosen at the moment of
the gesture, and carries the ids it needs, so running it later (a redo) edits the same span.
Every run goes through ``SessionEdit._run``, which holds the rules:

- the step runs on its own document: undoing or redoing a step made in another document
  opens that document first;
- the session takes in the step's ``Change`` before choosing a span, so what it shows is what
  the store holds: each step hands over the spans the store returned when it wrote them, so
  nothing is read back;
- afterwards the span the step names is the current one (``chosen_after``): the same span
  after a relabel or a boundary move, the new span after an add, none after a delete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.relations import Link
from annotator.core.review import Note
from annotator.core.spans import Span
from annotator.session.command import Command
from annotator.store.changes import Change
from annotator.store.notes import span_notes
from annotator.store.relations import CarriedLink
from annotator.store.spans import (
    add_span,
    delete_linked_span,
    delete_span,
    update_linked_span,
)
from annotator.store.status import Status, flag_document, set_status, unflag_document

if TYPE_CHECKING:
    from annotator.session.annotation import AnnotationSession

Written = tuple[Change, list[Span]]
"""What a step changed, and the spans it names as the store now holds them (none for a
deleted span)."""


class SessionEdit(Command):
    """A step on one document of ``session``, by the session's annotator at the time."""

    def __init__(self, session: AnnotationSession, text: str, document_id: int) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id
        self.annotator = session.annotator

    def do(self) -> Change:
        return self._run(self.apply, done=True)

    def undo(self) -> Change:
        return self._run(self.revert, done=False)

    def apply(self) -> Written:
        raise NotImplementedError

    def revert(self) -> Written:
        raise NotImplementedError

    def chosen_after(self, done: bool) -> int | None:
        """The span to make current once the step is done (``done``) or undone."""
        return self.session.current

    def _run(self, step: Callable[[], Written], done: bool) -> Change:
        self.session.show(self.document_id)
        change, stored = step()
        self.session.absorb(change, stored)
        if not self.obsolete:
            self.session.select_span(self.chosen_after(done))
        return change


class AddSpan(SessionEdit):
    """Adds a span and makes it current; an exact duplicate is dropped without a word."""

    def __init__(self, session: AnnotationSession, document_id: int, span: Span) -> None:
        super().__init__(session, f"tag {span.label}", document_id)
        self.span = span

    def apply(self) -> Written:
        stored, change = add_span(self.session.engine, self.document_id, self.annotator, self.span)
        if stored is None:
            self.obsolete = True
            return change, []
        self.span = stored
        return change, [stored]

    def revert(self) -> Written:
        return delete_span(self.session.engine, self._id(), self.annotator)[1], []

    def chosen_after(self, done: bool) -> int | None:
        return self._id() if done else None

    def _id(self) -> int:
        assert self.span.id is not None, "a stored span has an id"
        return self.span.id


class DeleteSpan(SessionEdit):
    """Deletes a span, leaving none current; undo brings it back, with the same id and the
    notes and links it carried, as the current span."""

    def __init__(self, session: AnnotationSession, document_id: int, span: Span) -> None:
        super().__init__(session, f"delete {span.label}", document_id)
        assert span.id is not None, "only a stored span can be deleted"
        self.span_id = span.id
        self.span = span
        self.notes: list[Note] = []
        self.links: list[Link] = []

    def apply(self) -> Written:
        self.notes = span_notes(self.session.engine, self.span_id)
        engine, span_id = self.session.engine, self.span_id
        self.span, self.links, change = delete_linked_span(engine, span_id, self.annotator)
        return change, []

    def revert(self) -> Written:
        engine = self.session.engine
        span, notes, links = self.span, self.notes, self.links
        stored, change = add_span(engine, self.document_id, self.annotator, span, notes, links)
        return change, [] if stored is None else [stored]

    def chosen_after(self, done: bool) -> int | None:
        return None if done else self.span_id


class UpdateSpan(SessionEdit):
    """Relabels a span or moves its boundaries; ``before`` and ``after`` share the span id,
    which stays current both ways. Word-by-word moves of one span merge into one step. A
    relabel drops the links the new label cannot have, and its undo brings them back."""

    def __init__(
        self, session: AnnotationSession, document_id: int, before: Span, after: Span
    ) -> None:
        text = f"relabel as {after.label}" if before.label != after.label else "move boundary"
        super().__init__(session, text, document_id)
        assert before.id is not None and before.id == after.id, "one stored span, before/after"
        self.span_id = before.id
        self.before = before
        self.after = after
        self.unlinked: list[CarriedLink] = []

    @property
    def is_move(self) -> bool:
        return self.before.label == self.after.label

    def _write(self, span: Span, links: list[CarriedLink]) -> Written:
        stored, self.unlinked, change = update_linked_span(
            self.session.engine,
            self.span_id,
            self.annotator,
            start=span.start,
            end=span.end,
            label=span.label,
            links=links,
        )
        return change, [stored]

    def apply(self) -> Written:
        """Relabels or moves the span; a relabel takes away the links the new label cannot
        have (a quote relabelled as a figure loses its speaker), kept for the undo."""
        return self._write(self.after, [])

    def revert(self) -> Written:
        return self._write(self.before, self.unlinked)

    def chosen_after(self, done: bool) -> int | None:
        return self.span_id

    def merge(self, later: Command) -> bool:
        """A move of this span that starts where this one ended joins it; a join that lands
        back where the first move started leaves an obsolete step (nothing to undo)."""
        if not (isinstance(later, UpdateSpan) and self.is_move and later.is_move):
            return False
        if later.span_id != self.span_id or later.before != self.after:
            return False
        self.after = later.after
        self.obsolete = self.after == self.before
        return True


class SetStatus(SessionEdit):
    """Sets the annotator's status of a document (marking it done, for instance)."""

    def __init__(
        self, session: AnnotationSession, document_id: int, before: Status, after: Status
    ) -> None:
        super().__init__(session, f"mark {after.value.replace('_', ' ')}", document_id)
        self.before = before
        self.after = after

    def apply(self) -> Written:
        return set_status(self.session.engine, self.document_id, self.annotator, self.after), []

    def revert(self) -> Written:
        return set_status(self.session.engine, self.document_id, self.annotator, self.before), []


class FlagDocument(SessionEdit):
    """Flags the document for the annotator with a reason (irrelevant, duplicate, needs
    discussion, or typed), kept as their note on it so reviewers see why."""

    def __init__(
        self, session: AnnotationSession, document_id: int, before: Status, reason: str
    ) -> None:
        super().__init__(session, f"flag as {reason}", document_id)
        self.before = before
        self.reason = reason
        self.note_id: int | None = None

    def apply(self) -> Written:
        engine = self.session.engine
        self.note_id, change = flag_document(engine, self.document_id, self.annotator, self.reason)
        return change, []

    def revert(self) -> Written:
        assert self.note_id is not None, "only a done flag is undone"
        engine = self.session.engine
        change = unflag_document(
            engine, self.document_id, self.annotator, self.note_id, self.before
        )
        return change, []
