"""Undoable steps on suggestions: accept one, accept every one of a label, reject one.

An accepted suggestion is an ordinary span of the annotator with origin ``suggested``; a
rejection is remembered in the store for the document. After each step the next suggestion
is current, so Enter and Backspace walk through a document; an undo makes the suggestion it
brings back current again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.spans import Origin, Span
from annotator.session.edits import AddSpan, SessionEdit, Written
from annotator.store.bulk import PlacedSpan, delete_spans, restore_spans
from annotator.store.changes import Change
from annotator.store.suggestions import (
    accept_suggestions,
    forget_rejections,
    reject_suggestions,
)
from annotator.suggest.base import SpanKey

if TYPE_CHECKING:
    from annotator.session.annotation import AnnotationSession


class AcceptSuggestion(AddSpan):
    """Adds the suggested span (origin ``suggested``); the next suggestion becomes current."""

    def __init__(self, session: AnnotationSession, document_id: int, key: SpanKey) -> None:
        super().__init__(session, document_id, Span(*key, origin=Origin.SUGGESTED))
        self.text = f"accept suggested {key[2]}"
        self.key = key

    def chosen_after(self, done: bool) -> int | None:
        return None

    def do(self) -> Change:
        change = super().do()
        self.session.suggestions.select_after(self.key)
        return change

    def undo(self) -> Change:
        change = super().undo()
        self.session.suggestions.select(self.key)
        return change


class AcceptLabel(SessionEdit):
    """Adds every suggestion of one label in the document as spans, in one transaction."""

    def __init__(
        self, session: AnnotationSession, document_id: int, label: str, keys: list[SpanKey]
    ) -> None:
        super().__init__(session, f"accept {len(keys)} suggested {label}", document_id)
        self.keys = keys
        self.stored: list[Span] = []

    def apply(self) -> Written:
        engine = self.session.engine
        if self.stored:  # a redo: the same spans, with the same ids
            placed = [PlacedSpan(self.document_id, span) for span in self.stored]
            return restore_spans(engine, placed), list(self.stored)
        self.stored, change = accept_suggestions(
            engine, self.document_id, self.annotator, self.keys
        )
        self.obsolete = not self.stored
        return change, list(self.stored)

    def revert(self) -> Written:
        ids = [span.stored_id for span in self.stored]
        return delete_spans(self.session.engine, ids, self.annotator).change, []

    def chosen_after(self, done: bool) -> int | None:
        return None


class RejectSuggestion(SessionEdit):
    """Remembers that the annotator rejected a suggestion on this document."""

    def __init__(self, session: AnnotationSession, document_id: int, key: SpanKey) -> None:
        super().__init__(session, f"reject suggested {key[2]}", document_id)
        self.key = key

    def apply(self) -> Written:
        change = reject_suggestions(
            self.session.engine, self.document_id, self.annotator, [self.key]
        )
        suggestions = self.session.suggestions
        suggestions.rejected.add(self.key)
        suggestions.refresh()
        suggestions.select_after(self.key)
        return change, []

    def revert(self) -> Written:
        engine = self.session.engine
        change = forget_rejections(engine, self.document_id, self.annotator, [self.key])
        suggestions = self.session.suggestions
        suggestions.rejected.discard(self.key)
        suggestions.refresh()
        suggestions.select(self.key)
        return change, []
