"""The annotation window's state, without Qt: who annotates, the open document, its spans,
the one current span and the text selection, and the edits a gesture asks for.

Rules that hold after every call and every step (the tests check them):

- There is one current span, held here by id, and at most one of "a current span" and "a
  text selection": choosing a span drops the selection, selecting text drops the span.
- A gesture edits what the person chose when they made it: a label key tags the selected text,
  else relabels the current span; Delete and the boundary keys act on the current span only.
- After a relabel or a boundary move the same span stays current; after an add the new span
  is current; after a delete none is (see ``annotator.session.edits``).
- Undoing or redoing a step made in another document opens that document.
- The open document's suggestions (``suggestions``) follow its spans; a current suggestion
  is a third thing the person may have chosen: choosing one drops the current span and the
  selection, and choosing a span or text drops it.
- A speaker proposal (``annotator.session.attribution``) lives only while its quote stays
  current and the spans stay as they were: any other choice or change ends it.
- What is shown is what the store holds: ``absorb`` takes in what a ``Change`` names (as the
  step that wrote it returned it, else read again), and a current span that no longer
  exists is dropped.

The session builds edits (``Command``s) but does not run them: the window's history does,
so that undo, redo and word-step merging live in one place (a ``QUndoStack`` in the app).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge, move_boundary
from annotator.core.documents import Document, stored_id
from annotator.core.errors import InvalidSpan
from annotator.core.labels import LabelSchema
from annotator.core.review import clean_note
from annotator.core.snapping import snap
from annotator.core.spans import Span, at_offset
from annotator.session.attribution import (
    Attribution,
    SpeakerProposal,
    propose,
    speaker_relation,
    why_no_proposal,
)
from annotator.session.edits import (
    AddSpan,
    DeleteSpan,
    FlagDocument,
    SessionEdit,
    SetStatus,
    UpdateSpan,
)
from annotator.session.links import LinkSpeaker, Unlink
from annotator.session.suggestion_edits import AcceptLabel, AcceptSuggestion, RejectSuggestion
from annotator.session.suggestions import Suggestions
from annotator.store.annotators import clean_name
from annotator.store.changes import Change
from annotator.store.documents import get_document
from annotator.store.labels import get_schema
from annotator.store.permissions import act_as
from annotator.store.relations import document_links
from annotator.store.spans import document_spans, spans_by_id
from annotator.store.status import FLAG_NOTE, Status, get_status
from annotator.store.suggestions import rejected_suggestions

Selection = tuple[int, int]


class AnnotationSession:
    """One person's editing state over ``engine``."""

    def __init__(self, engine: Engine, annotator: str) -> None:
        self.engine = engine
        self.annotator = clean_name(annotator)
        act_as(engine, self.annotator)
        self.schema: LabelSchema = get_schema(engine)
        self.document: Document | None = None
        self.spans: dict[int, Span] = {}
        self._keys: set[tuple[int, int, str]] = set()  # the spans' (start, end, label)
        self.status = Status.NEW
        self.current: int | None = None
        self.selection: Selection | None = None
        self._last_click: int | None = None
        self._absorbed: tuple[Change, list[Span], list[int]] | None = None
        self.suggestions = Suggestions()
        self.attribution = Attribution()

    # the open document

    def open(self, document_id: int) -> Document:
        """Open a document (again): its spans and status as stored, nothing chosen.

        Raises ``StoreError`` if the document does not exist.
        """
        document = get_document(self.engine, document_id)
        self.document = document
        self.spans = {}
        self._keys = set()
        self._put(document_spans(self.engine, document_id, self.annotator))
        self.status = get_status(self.engine, document_id, self.annotator)
        self.attribution.reset(document_links(self.engine, document_id, self.annotator))
        self.current = None
        self.selection = None
        self._last_click = None
        self._absorbed = None
        rejected = rejected_suggestions(self.engine, document_id, self.annotator)
        self.suggestions.open(document_id, document.text, self.spans.values(), rejected)
        return document

    def show(self, document_id: int) -> bool:
        """Open ``document_id`` unless it is open already; True if it was opened."""
        if self.document is not None and self.document.id == document_id:
            return False
        self.open(document_id)
        return True

    def set_annotator(self, name: str) -> None:
        """Later edits and the spans shown are ``name``'s; the open document is re-read."""
        self.annotator = clean_name(name)
        act_as(self.engine, self.annotator)
        if self.document is not None:
            self.open(stored_id(self.document))

    # what the person has chosen

    @property
    def current_span(self) -> Span | None:
        return self.spans.get(self.current) if self.current is not None else None

    def select_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the current span (an unknown id or ``None``: no span). Choosing a
        span drops the text selection; choosing none leaves it as it is."""
        if span_id is not None and span_id not in self.spans:
            span_id = None
        self.current = span_id
        if span_id is not None:
            self.selection = None
            self.suggestions.select(None)
        proposal = self.proposal
        if proposal is not None and proposal.quote != span_id:
            self.attribution.proposal = None

    def select_text(self, selection: Selection | None) -> None:
        """The text the person has selected (``None`` or an empty range: none). Selecting
        text drops the current span."""
        if selection is not None and selection[0] >= selection[1]:
            selection = None
        self.selection = selection
        if selection is not None:
            self.current = None
            self._last_click = None
            self.suggestions.select(None)
            self.attribution.proposal = None

    def click(self, offset: int | None) -> None:
        """A click on character ``offset`` (``None``: off the text) makes the innermost span
        there current; a second click on the same character, the next span out, and so on.

        While a speaker proposal is walked, a click on one of its candidates links it instead
        (see ``click_link``)."""
        spans = list(self.spans.values())
        hits = [s.id for s in at_offset(spans, offset)] if offset is not None else []
        if not hits:
            self._last_click = None
            self.select_span(None)
            suggestion = self.suggestions.at(offset) if offset is not None else None
            self.suggestions.select(suggestion.key if suggestion is not None else None)
            return
        chosen = hits[0]
        if offset == self._last_click and self.current in hits:
            chosen = hits[(hits.index(self.current) + 1) % len(hits)]
        self._last_click = offset
        self.select_span(chosen)

    def step_suggestion(self, delta: int) -> None:
        """Tab / Shift+Tab: the next or previous suggestion becomes current (wrapping
        round), and no span or text stays chosen."""
        self.suggestions.step(delta)
        if self.suggestions.current is not None:
            self.current = None
            self.selection = None
            self._last_click = None
            self.attribution.proposal = None

    def clear_choice(self) -> None:
        """Nothing chosen: no current span, no current suggestion."""
        self.select_span(None)
        self.suggestions.select(None)

    # attributing quotes

    @property
    def proposal(self) -> SpeakerProposal | None:
        return self.attribution.proposal

    def speaker_of(self, quote_id: int) -> Span | None:
        """The speaker ``quote_id`` is linked to, if any."""
        speaker = self.attribution.speaker_of(quote_id)
        return None if speaker is None else self.spans.get(speaker)

    def propose_speaker(self) -> str | None:
        """Start a speaker proposal for the current quote (``S``); returns why none could
        start (no quote chosen, no candidate), else ``None``."""
        quote, relation = self.current_span, speaker_relation(self.schema)
        why = why_no_proposal(quote, relation)
        if why is not None or self.document is None:
            return why
        assert quote is not None and relation is not None
        proposal = propose(self.document.text, self.spans, quote, relation)
        if proposal is None:
            names = " or ".join(relation.children)
            return f"No {names} to propose: tag the speaker first, then press S on the quote"
        self.attribution.proposal = proposal
        return None

    def cycle_speaker(self, step: int) -> None:
        """Show the next (``step`` > 0) or previous candidate of the proposal."""
        if self.proposal is not None:
            self.attribution.proposal = self.proposal.step(step)

    def cancel_proposal(self) -> None:
        self.attribution.proposal = None

    def accept_speaker(self, candidate: int | None = None) -> SessionEdit | None:
        """Link the quote to the candidate in view (or ``candidate``, one of the proposal's);
        the proposal ends either way."""
        proposal, document = self.proposal, self.document
        self.attribution.proposal = None
        if proposal is None or document is None:
            return None
        chosen = proposal.candidate if candidate is None else candidate
        quote, speaker = self.spans.get(proposal.quote), self.spans.get(chosen)
        if quote is None or speaker is None or chosen not in proposal.candidates:
            return None
        return LinkSpeaker(self, stored_id(document), quote, speaker)

    def click_link(self, offset: int | None) -> SessionEdit | None:
        """A click while a proposal is walked: on a candidate, the step linking it (the
        innermost candidate under the click); elsewhere ``None``, and the click chooses as
        ``click`` does, which ends the proposal."""
        proposal = self.proposal
        if proposal is not None and offset is not None:
            for span in at_offset(list(self.spans.values()), offset):
                if span.id in proposal.candidates:
                    return self.accept_speaker(span.id)
        self.click(offset)
        return None

    def unlink_speaker(self) -> SessionEdit | None:
        """Unlink the current quote from its speaker."""
        quote = self.current
        link = None if quote is None else self.attribution.link_of(quote)
        if link is None or self.document is None:
            return None
        return Unlink(self, stored_id(self.document), link)

    # edits: each returns the step to run, or None when the gesture has nothing to edit

    def accept_suggestion(self) -> SessionEdit | None:
        """Enter: the current suggestion becomes a span (origin ``suggested``)."""
        key = self.suggestions.current
        if self.document is None or key is None:
            return None
        return AcceptSuggestion(self, stored_id(self.document), key)

    def accept_label(self, label: str | None = None) -> SessionEdit | None:
        """Accept every suggestion of ``label`` (default: the current suggestion's)."""
        current = self.suggestions.current
        label = label or (current[2] if current is not None else None)
        if self.document is None or label is None:
            return None
        keys = self.suggestions.of_label(label)
        if not keys:
            return None
        return AcceptLabel(self, stored_id(self.document), label, keys)

    def reject_suggestion(self) -> SessionEdit | None:
        """Backspace: the current suggestion is rejected, and not offered here again."""
        key = self.suggestions.current
        if self.document is None or key is None:
            return None
        return RejectSuggestion(self, stored_id(self.document), key)

    def tag(self, label: str, snapping: bool = True) -> SessionEdit | None:
        """A label key: tag the selected text (snapped to words when ``snapping``) unless
        this very span is there already, else relabel the current span. Raises
        ``InvalidSpan`` when the selection holds no word."""
        document = self.document
        if document is None or label not in self.schema:
            return None
        if self.selection is not None:
            start, end = self.selection
            if snapping:
                snapped = snap(document.text, start, end, label)
                if snapped is None:
                    raise InvalidSpan("Nothing to tag there: the selection holds no word")
                start, end = snapped
            if (start, end, label) in self._keys:
                return None  # already tagged so: no step, and what could be redone stays
            return AddSpan(self, stored_id(document), Span(start, end, label))
        before = self.current_span
        if before is None or before.label == label:
            return None
        return UpdateSpan(self, stored_id(document), before, replace(before, label=label))

    def move(self, edge: Edge, step: int) -> SessionEdit | None:
        """Move one end of the current span a word left (``step`` < 0) or right."""
        span = self.current_span
        if self.document is None or span is None:
            return None
        moved = move_boundary(self.document.text, span.start, span.end, edge, step)
        if moved is None:
            return None
        return UpdateSpan(
            self, stored_id(self.document), span, replace(span, start=moved[0], end=moved[1])
        )

    def delete(self) -> SessionEdit | None:
        """Delete the current span."""
        span = self.current_span
        if self.document is None or span is None:
            return None
        return DeleteSpan(self, stored_id(self.document), span)

    def mark(self, status: Status) -> SessionEdit | None:
        """Set the open document's status for this annotator."""
        if self.document is None or self.status == status:
            return None
        return SetStatus(self, stored_id(self.document), self.status, status)

    def flag(self, reason: str) -> SessionEdit | None:
        """Flag the open document for this annotator, ``reason`` kept as their note on it."""
        if self.document is None:
            return None
        reason = reason.strip()
        if not reason:
            raise InvalidSpan("a flag needs a reason: irrelevant, duplicate, needs discussion…")
        clean_note(FLAG_NOTE + reason)
        return FlagDocument(self, stored_id(self.document), self.status, reason)

    # what the store reports

    def absorb(
        self, change: Change, stored: Sequence[Span] | None = None
    ) -> tuple[list[Span], list[int]]:
        """Take in what ``change`` names; returns the open document's spans that are new or
        changed, and the ids a view showing the document takes away before adding those:
        every span id the change names.

        ``stored``: the change's spans as the store returned them when it wrote them (none
        for a deletion), so they are not read back; without it they are read. Taking in the
        same change again (once by the step that made it, once from the window's event)
        reads nothing and tells the views the same.
        """
        absorbed = self._absorbed
        if absorbed is not None and absorbed[0] is change:
            return absorbed[1], absorbed[2]
        if change.labels:
            self.schema = get_schema(self.engine)
        document = self.document
        if document is None:
            return [], []
        if document.id in change.statuses:
            self.status = get_status(self.engine, document.id, self.annotator)
        if document.id in change.documents and (change.links or change.spans):
            self.attribution.proposal = None
        if document.id in change.documents and change.links:
            self.attribution.reset(document_links(self.engine, document.id, self.annotator))
        if document.id not in change.documents or not change.spans:
            return [], []
        if stored is None:
            fresh = spans_by_id(self.engine, document.id, self.annotator, change.spans)
        else:
            fresh = sorted(s for s in stored if s.id in change.spans)
        removed = sorted(change.spans)
        gone_spans = []
        for span_id in removed:
            gone = self.spans.pop(span_id, None)
            if gone is not None:
                self._keys.discard(gone.key)
                gone_spans.append(gone)
        self._put(fresh)
        self.select_span(self.current)
        self.suggestions.edit(gone_spans, fresh)
        self._absorbed = (change, fresh, removed)
        return fresh, removed

    def _put(self, spans: list[Span]) -> None:
        """Hold stored ``spans`` (every stored span has an id), replacing none."""
        for span in spans:
            if span.id is not None:
                self.spans[span.id] = span
                self._keys.add(span.key)

    def stale(self) -> Change:
        """What differs between the open document as shown and as stored (after another
        program wrote to it, say), as a ``Change`` for ``absorb``; empty if nothing does."""
        document = self.document
        if document is None:
            return Change()
        document_id = stored_id(document)
        spans = _by_id(document_spans(self.engine, document_id, self.annotator))
        status = get_status(self.engine, document_id, self.annotator)
        links = {x.stored_id: x for x in document_links(self.engine, document_id, self.annotator)}
        shown = self.attribution.links
        if spans == self.spans and status == self.status and links == shown:
            return Change()
        return Change(
            documents=frozenset({document_id}),
            spans=frozenset(spans) | frozenset(self.spans),
            statuses=frozenset({document_id}),
            links=frozenset(links) | frozenset(shown),
        )

    def take_rejections(self) -> bool:
        """Read again the suggestions rejected on the open document (another window may
        have rejected some); True if they changed."""
        document = self.document
        if document is None:
            return False
        rejected = rejected_suggestions(self.engine, stored_id(document), self.annotator)
        if rejected == self.suggestions.rejected:
            return False
        self.suggestions.rejected = rejected
        self.suggestions.refresh()
        return True


def _by_id(spans: list[Span]) -> dict[int, Span]:
    """Stored spans by their id (every stored span has one)."""
    return {s.id: s for s in spans if s.id is not None}
