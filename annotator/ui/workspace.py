"""The annotation window's Qt side: an ``AnnotationSession`` (the state and the edits), the
undo stack its edits run on, the document list's query, and the signals the views follow.

The session holds the open document, its spans and the one current span; this class keeps
no copy. Every gesture goes to the session, and every step's ``Change`` comes back through
``events.changed``; after either, ``currentSpanChanged`` says what the session holds, so a
view that re-sorted or lost rows in between cannot leave another span chosen.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge
from annotator.core.documents import Document, stored_id
from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import LabelSchema
from annotator.core.spans import Span
from annotator.session.annotation import AnnotationSession, Selection
from annotator.session.attribution import SpeakerProposal
from annotator.session.command import Command
from annotator.session.edits import SessionEdit
from annotator.session.suggestions import ModelJob
from annotator.store import changed_elsewhere
from annotator.store.assignments import claim, has_assignments, held_document
from annotator.store.changes import Change
from annotator.store.document_list import (
    DocumentQuery,
    count_matching,
    matching_ids,
    neighbour,
    position_of,
)
from annotator.store.status import Status
from annotator.suggest.base import Model
from annotator.suggest.child import ChildTraining
from annotator.suggest.live import Trained, measure_matcher, train_window_suggesters
from annotator.suggest.training import TrainingRecord
from annotator.suggest.uncertainty import by_uncertainty, tagger_of
from annotator.ui.background import MEASURING, RANKING, SUGGESTING, TRAINING, Background
from annotator.ui.children import fork_server
from annotator.ui.events import Events
from annotator.ui.preferences import Preferences
from annotator.ui.undo import UndoStep


class Workspace(QObject):
    """One person's session in a window: edits run on ``undo_stack``; what they change
    comes back on ``events.changed`` and reaches the views through the signals below."""

    MEASURE_EVERY = 10
    """Span edits after which the string matcher's held-out F1 is measured again."""

    documentOpened = Signal(object)  # Document
    spansUpdated = Signal(list, list)  # spans added or changed, ids removed or changed
    currentSpanChanged = Signal(object)  # span id or None: the session's current span
    linksChanged = Signal()  # the open document's speaker links (session.attribution)
    proposalChanged = Signal(object)  # SpeakerProposal or None: the session's proposal
    statusChanged = Signal(str)
    positionChanged = Signal(int, int)  # index (0-based) of the open document, how many
    annotatorChanged = Signal(str)
    labelsChanged = Signal(object)  # LabelSchema
    queryChanged = Signal(object)  # DocumentQuery
    saved = Signal()
    message = Signal(str, bool)  # text, is it an error
    suggestionsChanged = Signal()  # the open document's suggestions or the current one
    suggesterStateChanged = Signal(str)  # a line for the status bar

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
        self._shown_proposal: SpeakerProposal | None = None
        events.changed.connect(self._on_change)
        self.session.suggestions.threshold = preferences.suggestion_threshold
        self.training_child = ChildTraining(fork_server())
        self.trainer = Background(TRAINING, self)
        self.trainer.finished.connect(self._on_trained)
        self.trainer.failed.connect(self._on_training_failed)
        self.suggester = Background(SUGGESTING, self)
        self.suggester.finished.connect(self._on_model_suggestions)
        self.suggester.failed.connect(self._on_training_failed)
        self.measurer = Background(MEASURING, self)
        self.measurer.finished.connect(self._on_measured)
        self.measurer.failed.connect(self._on_training_failed)
        self._unmeasured = 0  # span edits since the matcher's F1 was measured
        self.ranker = Background(RANKING, self)
        self.ranker.finished.connect(self._on_ranked)
        self.ranker.failed.connect(self._on_training_failed)
        self._ranking: tuple[Model, list[int]] | None = None  # by the tagger's uncertainty
        self.train_suggesters(retrain=False)

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
    def document_text(self) -> str:
        return "" if self.document is None else self.document.text

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
        self.linksChanged.emit()
        self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        self.statusChanged.emit(self.status.value)
        self._emit_position()
        self._emit_suggestions()

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

    def go_uncertain(self) -> None:
        """Open the unfinished document after the open one in the order of the tagger's
        uncertainty (the least sure first, round again after the last); the order is
        worked out in the background once per trained model."""
        trained = self.session.suggestions.trained
        model = trained.model if trained is not None else None
        if model is None or tagger_of(model) is None:
            self.message.emit("No tagger trained yet: mark documents done, or retrain", False)
            return
        if self._ranking is not None and self._ranking[0] is model:
            self._open_next_uncertain(self._ranking[1])
            return
        self.message.emit("Ordering the unfinished documents by the tagger's uncertainty…", False)
        self.ranker.request(partial(by_uncertainty, self.engine, self.annotator, model))

    def _on_ranked(self, result: tuple[Model, list[int]]) -> None:
        trained = self.session.suggestions.trained
        if trained is None or result[0] is not trained.model:
            return  # retrained (or another annotator) meanwhile
        self._ranking = result
        self._open_next_uncertain(result[1])

    def _open_next_uncertain(self, order: list[int]) -> None:
        unfinished = set(matching_ids(self.engine, DocumentQuery(self.annotator, unfinished=True)))
        current = self.document.id if self.document is not None else None
        if current in order:  # the ones after it, then round again
            at = order.index(current)
            order = order[at + 1 :] + order[:at]
        target = next((doc_id for doc_id in order if doc_id in unfinished), None)
        if target is None:
            self.message.emit("No unfinished document left in the tagger's order", False)
            return
        self.open_document(target)

    def mark_done_and_next(self) -> None:
        self.mark_and_next(Status.DONE)

    def skip_and_next(self) -> None:
        self.mark_and_next(Status.SKIPPED)

    def mark_and_next(self, status: Status) -> None:
        """Mark the open document done or skipped, then open the next unfinished one."""
        if self.document is None:
            return
        edit = self.session.mark(status)
        self._push(edit)
        if edit is not None and status == Status.DONE:
            self.train_suggesters(retrain=True)
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
        self.session.suggestions.trained = None
        self.session.set_annotator(name)
        self.train_suggesters(retrain=False)
        self.set_query(replace(self.query, annotator=self.annotator))
        self.annotatorChanged.emit(self.annotator)
        if self.document is not None:
            self.open_document(self.document.id)

    # what the person chooses

    def set_current_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the current span (a click on a caption or in the span list);
        while a speaker proposal is walked, choosing a candidate links it."""
        had = self.session.suggestions.current
        proposal = self.session.proposal
        if proposal is not None and span_id in proposal.candidates:
            self._push(self.session.accept_speaker(span_id))
        else:
            self.session.select_span(span_id)
            self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        if self.session.suggestions.current != had:
            self._emit_suggestions()

    def clear_choice(self) -> None:
        """Esc: no current span, no current suggestion and no speaker proposal."""
        self.session.clear_choice()
        self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        self._emit_suggestions()

    def click(self, offset: int | None) -> None:
        """A click on the text at code point ``offset``: the span there, or the next one
        out; off every span, the suggestion there; while a speaker proposal is walked, a
        click on a candidate links it."""
        had = self.session.suggestions.current
        edit = self.session.click_link(offset)
        if edit is not None:
            self._push(edit)
        else:
            self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        if self.session.suggestions.current != had:
            self._emit_suggestions()

    def select_text(self, selection: Selection | None) -> None:
        """The text selection changed; a non-empty one leaves no span current."""
        had = self.session.current, self.session.suggestions.current
        self.session.select_text(selection)
        if self.session.current != had[0]:
            self.currentSpanChanged.emit(self.session.current)
        if self.session.suggestions.current != had[1]:
            self._emit_suggestions()
        self._emit_proposal()

    # suggestions

    def step_suggestion(self, delta: int) -> None:
        """Tab / Shift+Tab: the next or previous suggestion of the document."""
        had = self.session.current
        self.session.step_suggestion(delta)
        if self.session.suggestions.current is None:
            self.message.emit(self._why_no_suggestions(), False)
            return
        if self.session.current != had:
            self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        self._emit_suggestions()

    def _why_no_suggestions(self) -> str:
        suggestions = self.session.suggestions
        if not any(state.offered for state in suggestions.states()):
            return "No suggestions: " + suggestions.describe()
        return "No suggestions left in this document"

    def accept_suggestion(self) -> None:
        """Enter: the current suggestion becomes a span."""
        self._push(self.session.accept_suggestion())

    def accept_label(self) -> None:
        """Accept every suggestion of the current suggestion's label in the document."""
        edit = self.session.accept_label()
        if edit is None:
            self.message.emit(
                "Tab to a suggestion first: its label's suggestions are accepted", False
            )
        self._push(edit)

    def reject_or_delete(self) -> None:
        """Backspace: reject the current suggestion, else delete the current span."""
        edit = self.session.reject_suggestion()
        self._push(edit if edit is not None else self.session.delete())

    def train_suggesters(self, retrain: bool = True) -> None:
        """Train the suggesters in the background (``retrain``: even if a model is stored)."""
        suggestions = self.session.suggestions
        work = partial(
            train_window_suggesters,
            self.engine,
            self.annotator,
            suggestions.suggester,
            retrain,
            self.training_child,
        )
        suggestions.training = True
        self._unmeasured = 0
        self.trainer.request(work)
        self.suggesterStateChanged.emit(suggestions.describe())

    def stop_background(self) -> None:
        """The window closes: stop a training child at once (its model is not stored), then
        wait for the threads, which end as soon as their work does."""
        self.training_child.cancel()
        for background in (self.trainer, self.suggester, self.measurer, self.ranker):
            background.wait()

    def measure_matcher(self) -> None:
        """Measure the string matcher's held-out F1 again, in the background."""
        self.measurer.request(partial(measure_matcher, self.engine, self.annotator))

    def _on_measured(self, result: tuple[str, TrainingRecord | None]) -> None:
        if self.session.suggestions.measured(*result):
            self._emit_suggestions()

    def set_suggestion_threshold(self, threshold: float) -> None:
        """Offer a suggester's suggestions only when its held-out F1 reaches ``threshold``."""
        self.preferences.suggestion_threshold = threshold
        self.session.suggestions.threshold = threshold
        self.session.suggestions.refresh()
        self._emit_suggestions()

    def _on_trained(self, trained: Trained) -> None:
        if trained.annotator != self.annotator:
            return
        suggestions = self.session.suggestions
        suggestions.install(trained, self.spans.values())
        suggestions.training = self.trainer.running
        self._emit_suggestions()

    def _on_training_failed(self, text: str) -> None:
        self.session.suggestions.training = self.trainer.running
        self.message.emit(f"Suggesters not trained: {text}", True)
        self._emit_suggestions()

    def _on_model_suggestions(self, result: tuple[ModelJob, list]) -> None:
        if self.session.suggestions.set_model_suggestions(*result):
            self._emit_suggestions()

    def _emit_suggestions(self) -> None:
        """Tell the views; start working out the model's suggestions if they are due."""
        job = self.session.suggestions.model_job()
        if job is not None:
            self.suggester.request(job.run)
        self.suggestionsChanged.emit()
        self.suggesterStateChanged.emit(self.session.suggestions.describe())

    # attributing quotes

    def propose_speaker(self) -> None:
        """``S`` on a quote: propose its speaker (or say why there is none to propose)."""
        why = self.session.propose_speaker()
        if why is not None:
            self.message.emit(why, False)
        self._emit_proposal()

    def cycle_speaker(self, step: int) -> None:
        self.session.cycle_speaker(step)
        self._emit_proposal()

    def accept_speaker(self) -> None:
        self._push(self.session.accept_speaker())
        self._emit_proposal()

    def cancel_proposal(self) -> None:
        self.session.cancel_proposal()
        self._emit_proposal()

    def unlink_speaker(self) -> None:
        """Unlink the current quote from its speaker."""
        edit = self.session.unlink_speaker()
        if edit is None:
            self.message.emit("Nothing to unlink: select a quote linked to a speaker", False)
        self._push(edit)

    def _emit_proposal(self) -> None:
        proposal = self.session.proposal
        if proposal != self._shown_proposal:
            self._shown_proposal = proposal
            self.proposalChanged.emit(proposal)

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
        if change.spans:
            self._unmeasured += 1
            if self._unmeasured >= self.MEASURE_EVERY:
                self._unmeasured = 0
                self.measure_matcher()

    def _report(self, text: str) -> None:
        self.message.emit(text, True)
        self._on_change(self.session.stale())

    def reload_if_changed_elsewhere(self) -> bool:
        """Bring what is shown up to date when another program (a second window, a
        command-line import) has written to the database, suggestions rejected there
        included; say so when the open document changed. True if the database had
        changed."""
        try:
            if not changed_elsewhere(self.engine):
                return False
        except StoreError:
            return False
        change = Change(labels=True, annotators=True, document_list=True)
        stale = self.session.stale()
        rejections = self.session.take_rejections()
        if stale or rejections:
            self.message.emit("This document was changed elsewhere; reloaded", False)
        self.events.publish(change | stale)
        if rejections:
            self._emit_suggestions()
        return True

    def _on_change(self, change: Change) -> None:
        fresh, removed = self.session.absorb(change)
        document = self.document
        if change.labels:
            self.labelsChanged.emit(self.schema)
        if fresh or removed:
            self.spansUpdated.emit(fresh, removed)
        if change.links and document is not None and document.id in change.documents:
            self.linksChanged.emit()
        if fresh or removed:
            self.currentSpanChanged.emit(self.session.current)
        self._emit_proposal()
        if document is not None and document.id in change.documents:
            self._emit_suggestions()
        if document is not None and document.id in change.statuses:
            self.statusChanged.emit(self.status.value)
        if change.document_list:
            self._total = None
            self._emit_position()
