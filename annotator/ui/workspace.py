"""The annotation window's Qt side: an ``AnnotationSession`` (the state and the edits), the
undo stack its edits run on, the document list's query, and the signals the views follow.

The session holds the open document, its spans and the one current span; this class keeps
no copy. Every gesture goes to the session, and every step's ``Change`` comes back through
``events.changed``; after either, ``currentSpanChanged`` says what the session holds, so a
view that re-sorted or lost rows in between cannot leave another span chosen.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge
from annotator.core.documents import Document, stored_id
from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import LabelSchema
from annotator.core.spans import Span
from annotator.session.annotation import AnnotationSession, Selection
from annotator.session.command import Command
from annotator.session.edits import SessionEdit
from annotator.store import changed_elsewhere
from annotator.store.assignments import claim, has_assignments, held_document
from annotator.store.changes import Change
from annotator.store.document_list import DocumentQuery, count_matching, neighbour, position_of
from annotator.store.status import Status
from annotator.ui.events import Events
from annotator.ui.preferences import Preferences
from annotator.ui.undo import UndoStep


class Workspace(QObject):
    """One person's session in a window: edits run on ``undo_stack``; what they change
    comes back on ``events.changed`` and reaches the views through the signals below."""

    documentOpened = Signal(object)  # Document
    spansUpdated = Signal(list, list)  # spans added or changed, ids removed or changed
    currentSpanChanged = Signal(object)  # span id or None: the session's current span
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
        self.session = AnnotationSession(engine, annotator)
        self.events = events
        self.preferences = preferences
        self.undo_stack = QUndoStack(self)
        self.query = DocumentQuery(annotator=self.annotator)
        self._total: int | None = None  # how many documents, for "document i of n"
        events.changed.connect(self._on_change)

    # what the session holds, read-only

    @property
    def engine(self) -> Engine:
        return self.session.engine

    @property
    def annotator(self) -> str:
        return self.session.annotator

    @property
    def schema(self) -> LabelSchema:
        return self.session.schema

    @property
    def document(self) -> Document | None:
        return self.session.document

    @property
    def spans(self) -> dict[int, Span]:
        return self.session.spans

    @property
    def status(self) -> Status:
        return self.session.status

    @property
    def current_span(self) -> int | None:
        return self.session.current

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
            document = self.session.open(document_id) if document_id else None
        except StoreError:  # the remembered document is gone: fall back to the first
            document = None
        if document is None:
            first = neighbour(self.engine, DocumentQuery(self.annotator), None, 1)
            if first is None:
                return
            document = self.session.open(first)
        self.preferences.set_last_document(self.database, stored_id(document))
        self.documentOpened.emit(document)
        self.currentSpanChanged.emit(self.session.current)
        self.statusChanged.emit(self.status.value)
        self._emit_position()

    def _emit_position(self) -> None:
        if self.document is None:
            return
        if self._total is None:
            self._total = count_matching(self.engine, DocumentQuery())
        index = position_of(self.engine, DocumentQuery(), stored_id(self.document), self._total)
        self.positionChanged.emit(index or 0, self._total)

    def go(self, step: int, unfinished: bool = False) -> bool:
        """Open the next or previous document of the list; False if there is none.

        The next unfinished document comes from the person's queue when the database has
        assignments: a claimed, unfinished document first, else a new claim."""
        if unfinished and step > 0 and has_assignments(self.engine):
            return self._next_in_queue()
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

    def _next_in_queue(self) -> bool:
        current = self.document.id if self.document else None
        try:
            target = held_document(self.engine, self.annotator, besides=current)
            if target is None:
                claimed = claim(self.engine, self.annotator)
                target = claimed.document_id if claimed else None
                self.events.publish(Change(document_list=True))
        except StoreError as exc:
            self.message.emit(str(exc), True)
            return False
        if target is None:
            self.message.emit("Nothing left in your queue", False)
            return False
        self.open_document(target)
        return True

    def mark_done_and_next(self) -> None:
        self.mark_and_next(Status.DONE)

    def skip_and_next(self) -> None:
        self.mark_and_next(Status.SKIPPED)

    def mark_and_next(self, status: Status) -> None:
        """Mark the open document done or skipped, then open the next unfinished one."""
        if self.document is None:
            return
        self._push(self.session.mark(status))
        self._next_unfinished()

    def flag_and_next(self, reason: str) -> None:
        """Flag the open document with ``reason`` (kept as a note), then move on."""
        try:
            edit = self.session.flag(reason)
        except InvalidSpan as exc:
            self.message.emit(str(exc), False)
            return
        if edit is not None:
            self._push(edit)
            self._next_unfinished()

    def _next_unfinished(self) -> None:
        if not self.go(1, unfinished=True) and not has_assignments(self.engine):
            self.message.emit("Every document is done, skipped or flagged", False)

    def set_query(self, query: DocumentQuery) -> None:
        self.query = query
        self.queryChanged.emit(query)

    def set_annotator(self, name: str) -> None:
        """Switch identity: later edits are stored under ``name``; undo history starts anew."""
        self.undo_stack.clear()
        self.session.set_annotator(name)
        self.set_query(replace(self.query, annotator=self.annotator))
        self.annotatorChanged.emit(self.annotator)
        if self.document is not None:
            self.open_document(self.document.id)

    # what the person chooses

    def set_current_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the current span (a click in the span list, Esc: ``None``)."""
        self.session.select_span(span_id)
        self.currentSpanChanged.emit(self.session.current)

    def click(self, offset: int | None) -> None:
        """A click on the text at code point ``offset``: the span there, or the next one out."""
        self.session.click(offset)
        self.currentSpanChanged.emit(self.session.current)

    def select_text(self, selection: Selection | None) -> None:
        """The text selection changed; a non-empty one leaves no span current."""
        had = self.session.current
        self.session.select_text(selection)
        if self.session.current != had:
            self.currentSpanChanged.emit(self.session.current)

    # edits

    def apply_label(self, label: str) -> None:
        """A label key: tag the selected text, or relabel the current span."""
        try:
            edit = self.session.tag(label, self.preferences.snapping)
        except InvalidSpan as exc:
            self.message.emit(str(exc), False)
            return
        if edit is None:
            self.message.emit(self._why_not_tagged(label), False)
        self._push(edit)

    def _why_not_tagged(self, label: str) -> str:
        """What to say when a label key made no edit: a key that does nothing says why."""
        session = self.session
        if session.document is None:
            return "No document is open"
        if label not in session.schema:
            return f"There is no label {label!r}"
        if session.selection is not None:
            return f"Already tagged {label} there: nothing added"
        if session.current_span is None:
            return f"Nothing selected: select text or a span, then press {label}'s key"
        return f"The span is already {label}"

    def delete_current(self) -> None:
        self._push(self.session.delete())

    def move_current(self, edge: Edge, step: int) -> None:
        self._push(self.session.move(edge, step))

    def run_command(self, command: Command) -> None:
        """Run a step made elsewhere (a bulk change from the search dock) on the undo stack."""
        self._push(command)

    def _push(self, edit: Command | None) -> None:
        if edit is not None:
            self.undo_stack.push(UndoStep(edit, self._publish, self._report, self._reveal))

    # what the store reports back

    def _reveal(self, edit: Command) -> None:
        """Before a step runs: show its document, so undo in another document goes there."""
        if isinstance(edit, SessionEdit) and edit.document_id != getattr(self.document, "id", None):
            self.open_document(edit.document_id)

    def _publish(self, change: Change) -> None:
        self.events.publish(change)
        if change:
            self.saved.emit()

    def _report(self, text: str) -> None:
        self.message.emit(text, True)
        self._on_change(self.session.stale())

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
        stale = self.session.stale()
        if stale:
            self.message.emit("This document was changed elsewhere; reloaded", False)
        self.events.publish(change | stale)
        return True

    def _on_change(self, change: Change) -> None:
        fresh, removed = self.session.absorb(change)
        if change.labels:
            self.labelsChanged.emit(self.schema)
        if fresh or removed:
            self.spansUpdated.emit(fresh, removed)
            self.currentSpanChanged.emit(self.session.current)
        document = self.document
        if document is not None and document.id in change.statuses:
            self.statusChanged.emit(self.status.value)
        if change.document_list:
            self._total = None
            self._emit_position()
