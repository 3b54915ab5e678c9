"""Undoable link edits: link a quote to its speaker (replacing the speaker it had), unlink.

Like the span edits, each runs on its own document and names the quote as the current span
afterwards, so the person can go on from the quote they were attributing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.session.edits import SessionEdit, Written
from annotator.store.changes import Change
from annotator.store.relations import add_link, delete_link, document_links, replace_links

if TYPE_CHECKING:
    from annotator.session.annotation import AnnotationSession


def _id(span: Span) -> int:
    assert span.id is not None, "only stored spans are linked"
    return span.id


class LinkSpeaker(SessionEdit):
    """Makes ``speaker`` the speaker of ``quote``: the quote's other speaker links go in the
    same step, and come back on undo. Linking the speaker the quote has already is no step."""

    def __init__(
        self, session: AnnotationSession, document_id: int, quote: Span, speaker: Span
    ) -> None:
        super().__init__(session, "link speaker", document_id)
        self.quote_id = _id(quote)
        self.link = Link(self.quote_id, _id(speaker), SPEAKER)
        self.replaced: list[Link] = []

    def apply(self) -> Written:
        engine = self.session.engine
        if self.link.id is None:  # the first run: later runs restore what it replaced
            self.replaced = [
                link
                for link in document_links(engine, self.document_id, self.annotator)
                if link.head_id == self.quote_id and link.label == SPEAKER
            ]
        if [(x.head_id, x.child_id) for x in self.replaced] == [
            (self.link.head_id, self.link.child_id)
        ]:
            self.obsolete = True
            return Change(), []
        old = [link.id for link in self.replaced if link.id is not None]
        added, _, change = replace_links(engine, self.document_id, self.annotator, old, [self.link])
        self.link = added[0]
        return change, []

    def revert(self) -> Written:
        assert self.link.id is not None, "undone after it was done"
        engine = self.session.engine
        change = replace_links(
            engine, self.document_id, self.annotator, [self.link.id], self.replaced
        )[2]
        return change, []

    def chosen_after(self, done: bool) -> int | None:
        return self.quote_id


class Unlink(SessionEdit):
    """Deletes one link; undo brings it back with its id. The link's head stays current."""

    def __init__(self, session: AnnotationSession, document_id: int, link: Link) -> None:
        super().__init__(session, f"unlink {link.label}", document_id)
        assert link.id is not None, "only a stored link can be deleted"
        self.link = link

    def apply(self) -> Written:
        assert self.link.id is not None
        self.link, change = delete_link(self.session.engine, self.link.id, self.annotator)
        return change, []

    def revert(self) -> Written:
        engine = self.session.engine
        return add_link(engine, self.document_id, self.annotator, self.link)[1], []

    def chosen_after(self, done: bool) -> int | None:
        return self.link.head_id
