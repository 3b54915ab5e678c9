"""Undoable steps over many spans at once: tag every hit of a search, relabel or delete a
group of spans. Each is one step: undo reverts exactly what ``do`` changed, in one
transaction, and redo repeats it on the same spans (same ids, so notes and views follow)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.engine import Engine

from annotator.core.search import TextQuery
from annotator.session.command import Command
from annotator.store.bulk import (
    Deleted,
    TagAllResult,
    delete_spans,
    relabel_spans,
    restore_labels,
    restore_spans,
    tag_all,
)
from annotator.store.changes import Change
from annotator.store.relations import CarriedLink
from annotator.store.search import SearchFilter


class TagAll(Command):
    """Tag every hit of a search with one label for one annotator."""

    def __init__(
        self,
        engine: Engine,
        query: TextQuery,
        label: str,
        annotator: str,
        filters: SearchFilter | None = None,
    ) -> None:
        super().__init__(f"Tag “{query.text}” as {label}")
        self.engine, self.query, self.label, self.annotator = engine, query, label, annotator
        self.filters = filters
        self.result: TagAllResult | None = None

    def do(self) -> Change:
        if self.result is None:
            self.result = tag_all(self.engine, self.query, self.label, self.annotator, self.filters)
            self.obsolete = not self.result.added
            return self.result.change
        return restore_spans(self.engine, self.result.added)

    def undo(self) -> Change:
        assert self.result is not None
        ids = [placed.span.stored_id for placed in self.result.added]
        return delete_spans(self.engine, ids, self.annotator).change


class Relabel(Command):
    """Give a group of one annotator's spans another label (dropping the links it cannot
    have; undo brings them back)."""

    def __init__(self, engine: Engine, span_ids: Collection[int], label: str, annotator: str):
        super().__init__(f"Relabel {len(span_ids)} spans as {label}")
        self.engine, self.label, self.annotator = engine, label, annotator
        self.span_ids = sorted(span_ids)
        self.before: dict[int, str] = {}
        self.clashes: tuple[int, ...] = ()
        self.unlinked: tuple[CarriedLink, ...] = ()

    def do(self) -> Change:
        done = relabel_spans(self.engine, self.span_ids, self.label, self.annotator)
        self.before, self.clashes, self.unlinked = done.before, done.clashes, done.unlinked
        self.span_ids = sorted(done.before)
        self.obsolete = not done.before
        return done.change

    def undo(self) -> Change:
        return restore_labels(self.engine, self.before, self.annotator, self.unlinked)


class DeleteSpans(Command):
    """Delete a group of one annotator's spans (their notes and links come back on undo)."""

    def __init__(self, engine: Engine, span_ids: Collection[int], annotator: str) -> None:
        super().__init__(f"Delete {len(span_ids)} spans")
        self.engine, self.annotator = engine, annotator
        self.span_ids = sorted(span_ids)
        self.deleted: Deleted | None = None

    def do(self) -> Change:
        self.deleted = delete_spans(self.engine, self.span_ids, self.annotator)
        self.obsolete = not self.deleted.spans
        return self.deleted.change

    def undo(self) -> Change:
        assert self.deleted is not None
        deleted = self.deleted
        return restore_spans(self.engine, deleted.spans, deleted.notes, deleted.links)
