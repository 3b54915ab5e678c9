"""The annotation session: who is annotating, which document is open, its spans, and the
edits made on it. Widgets call its methods and follow its signals; it holds no widgets.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge, move_boundary
from annotator.core.documents import Document
from annotator.core.errors import StoreError
from annotator.core.labels import LabelSchema
from annotator.core.snapping import snap
from annotator.core.spans import Span
from annotator.store import changed_elsewhere
from annotator.store.annotators import clean_name
from annotator.store.changes import Change
from annotator.store.document_list import DocumentQuery, count_matching, neighbour, position_of
from annotator.store.documents import get_document
from annotator.store.labels import get_schema
from annotator.store.spans import document_spans, spans_by_id
from annotator.store.status import Status, get_status
from annotator.ui.commands import (
    AddSpan,
    CommandContext,
    DeleteSpan,
    SetStatus,
    StoreCommand,
    UpdateSpan,
)
from annotator.ui.events import Events
from annotator.ui.preferences import Preferences


class Workspace(QObject):
    """One person's session: edits go through ``undo_stack`` as store commands; what they
    change comes back on ``events.changed`` and is re-read here before the signals below."""

    documentOpened = Signal(object)  # Document
    spansUpdated = Signal(list, list)  # spans added or changed, ids removed or changed
    spansReset = Signal(list)  # every span of the open document
    currentSpanChanged = Signal(object)  # span id or None
    statusChanged = Signal(str)
    positionChanged = Signal(int, int)  # index (0-based) of the open document, how many
    annotatorChanged = Signal(str)
    labelsChanged = Signal(object)  # LabelSchema
    queryChanged = Signal(object)  # DocumentQuery
    saved = Signal()
    message = Signal(str, bool)  # text, is it an error

    def __init__(
        self,
        engine: Engine,
        events: Events,
        annotator: str,
        preferences: Preferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.events = events
        self.preferences = preferences
        self.annotator = clean_name(annotator)
        self.undo_stack = QUndoStack(self)
        self.schema: LabelSchema = get_schema(engine)
        self.query = DocumentQuery(annotator=self.annotator)
        self.document: Document | None = None
        self.spans: dict[int, Span] = {}
        self.status = Status.NEW
        self.current_span: int | None = None
        self._total: int | None = None  # how many documents, for "document i of n"
        self._context = CommandContext(engine, events, self._reveal, self.saved.emit, self._report)
        events.changed.connect(self._on_change)

    @property
    def database(self) -> str:
        return str(self.engine.url)

    @property
    def colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.schema}

    # documents

    def open_document(self, document_id: int | None) -> None:
        """Show a document (``None``: the last one used, else the first in the list)."""
        if document_id is None:
            document_id = self.preferences.last_document(self.database)
        try:
            document = get_document(self.engine, document_id) if document_id else None
        except StoreError:  # the remembered document is gone: fall back to the first
            document = None
        if document is None:
            first = neighbour(self.engine, DocumentQuery(self.annotator), None, 1)
            if first is None:
                return
            document = get_document(self.engine, first)
        self.document = document
        self.spans = {s.id: s for s in document_spans(self.engine, document.id, self.annotator)}
        self.status = get_status(self.engine, document.id, self.annotator)
        self.current_span = None
        self.preferences.set_last_document(self.database, document.id)
        self.documentOpened.emit(document)
        self.statusChanged.emit(self.status.value)
        self._emit_position()

    def _emit_position(self) -> None:
        if self.document is None:
            return
        if self._total is None:
            self._total = count_matching(self.engine, DocumentQuery())
        index = position_of(self.engine, DocumentQuery(), self.document.id, self._total)
        self.positionChanged.emit(index or 0, self._total)

    def go(self, step: int, unfinished: bool = False) -> bool:
        """Open the next or previous document of the list; False if there is none."""
        query = self.query
        if unfinished:
            query = DocumentQuery(self.annotator, text=query.text, unfinished=True)
        current = self.document.id if self.document else None
        target = neighbour(self.engine, query, current, step, wrap=unfinished)
        if target is None:
            what = "unfinished document" if unfinished else "document"
            self.message.emit(f"No {'next' if step > 0 else 'previous'} {what}", False)
            return False
        self.open_document(target)
        return True

    def mark_done_and_next(self) -> None:
        if self.document is None:
            return
        if self.status != Status.DONE:
            self._push(
                SetStatus(self._context, self.document.id, self.annotator, self.status, Status.DONE)
            )
        if not self.go(1, unfinished=True):
            self.message.emit("Every document is done", False)

    def set_query(self, query: DocumentQuery) -> None:
        self.query = query
        self.queryChanged.emit(query)

    def set_annotator(self, name: str) -> None:
        """Switch identity: later edits are stored under ``name``; undo history starts anew."""
        self.annotator = clean_name(name)
        self.undo_stack.clear()
        self.set_query(replace(self.query, annotator=self.annotator))
        self.annotatorChanged.emit(self.annotator)
        if self.document is not None:
            self.open_document(self.document.id)

    # spans

    def set_current_span(self, span_id: int | None) -> None:
        if span_id is not None and span_id not in self.spans:
            span_id = None
        if span_id != self.current_span:
            self.current_span = span_id
            self.currentSpanChanged.emit(span_id)

    def apply_label(self, label: str, selection: tuple[int, int] | None) -> None:
        """A label key: tag the selected text, or relabel the selected span."""
        if self.document is None or label not in self.schema:
            return
        if selection is not None and selection[0] != selection[1]:
            self._add(label, *selection)
        elif self.current_span is not None:
            before = self.spans[self.current_span]
            if before.label != label:
                after = Span(before.start, before.end, label, id=before.id)
                self._push(
                    UpdateSpan(self._context, self.document.id, self.annotator, before, after)
                )

    def _add(self, label: str, start: int, end: int) -> None:
        if self.preferences.snapping:
            snapped = snap(self.document.text, start, end, label)
            if snapped is None:
                self.message.emit("Nothing to tag there: the selection holds no word", False)
                return
            start, end = snapped
        command = AddSpan(self._context, self.document.id, self.annotator, Span(start, end, label))
        self._push(command)
        if command.applied:
            self.set_current_span(command.span.id)

    def delete_current(self) -> None:
        if self.document is None or self.current_span is None:
            return
        span = self.spans[self.current_span]
        self._push(DeleteSpan(self._context, self.document.id, self.annotator, span))

    def move_current(self, edge: Edge, step: int) -> None:
        if self.document is None or self.current_span is None:
            return
        before = self.spans[self.current_span]
        moved = move_boundary(self.document.text, before.start, before.end, edge, step)
        if moved is None:
            return
        after = Span(*moved, before.label, id=before.id)
        self._push(UpdateSpan(self._context, self.document.id, self.annotator, before, after))

    def _push(self, command: StoreCommand) -> None:
        self.undo_stack.push(command)

    # what the store reports back

    def _reveal(self, document_id: int) -> None:
        if self.document is None or self.document.id != document_id:
            self.open_document(document_id)

    def _report(self, text: str) -> None:
        self.message.emit(text, True)
        if self.document is not None:
            self.spans = {
                s.id: s for s in document_spans(self.engine, self.document.id, self.annotator)
            }
            self.set_current_span(self.current_span)
            self.spansReset.emit(list(self.spans.values()))

    def reload_if_changed_elsewhere(self) -> bool:
        """Bring what is shown up to date when another program (a second window, a
        command-line import) has written to the database; say so when the open document
        changed. True if the database had changed."""
        try:
            if not changed_elsewhere(self.engine):
                return False
        except StoreError:
            return False
        change = Change(labels=True, annotators=True, document_list=True)
        document = self.document
        if document is not None:
            spans = {s.id: s for s in document_spans(self.engine, document.id, self.annotator)}
            status = get_status(self.engine, document.id, self.annotator)
            if spans != self.spans or status != self.status:
                change |= Change(
                    documents=frozenset({document.id}),
                    spans=frozenset(spans) | frozenset(self.spans),
                    statuses=frozenset({document.id}),
                )
                self.message.emit("This document was changed elsewhere; reloaded", False)
        self.events.publish(change)
        return True

    def _on_change(self, change: Change) -> None:
        if change.labels:
            self.schema = get_schema(self.engine)
            self.labelsChanged.emit(self.schema)
        document = self.document
        if document is not None and document.id in change.documents and change.spans:
            fresh = spans_by_id(self.engine, document.id, self.annotator, change.spans)
            removed = [span_id for span_id in change.spans if span_id in self.spans]
            for span_id in removed:
                del self.spans[span_id]
            self.spans.update((s.id, s) for s in fresh)
            self.spansUpdated.emit(fresh, removed)
            self.set_current_span(self.current_span)
        if document is not None and document.id in change.statuses:
            self.status = get_status(self.engine, document.id, self.annotator)
            self.statusChanged.emit(self.status.value)
        if change.document_list:
            self._total = None
            self._emit_position()
