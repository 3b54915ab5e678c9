"""Attributing quotes in the annotation window, without Qt: the open document's speaker links
and the speaker proposal a person walks before linking.

A proposal starts on a quote (``S`` in the app): its candidates are the core proposal's, best
first (in the quote's sentence nearest first, then before it, then after it); Tab and
Shift+Tab walk them, Enter links the one in view, a click on a candidate links that one, and
anything else (Esc, choosing another span, selecting text, another document, the spans
changing under it) ends the proposal without a step.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.attribution import propose_speakers
from annotator.core.labels import LabelSchema, RelationType
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span


@dataclass(frozen=True, slots=True)
class SpeakerProposal:
    """The candidates proposed for ``quote`` (span ids, best first) and the one in view."""

    quote: int
    candidates: tuple[int, ...]
    index: int = 0

    @property
    def candidate(self) -> int:
        return self.candidates[self.index]

    def step(self, by: int) -> SpeakerProposal:
        """The next (``by`` > 0) or previous candidate, round the list."""
        return SpeakerProposal(
            self.quote, self.candidates, (self.index + by) % len(self.candidates)
        )


class Attribution:
    """The speaker links of one annotator's layer of the open document, and the proposal.

    ``links`` is what the store holds (``AnnotationSession`` reloads it whenever a change
    names links of the open document); ``proposal`` is ``None`` unless one is being walked.
    """

    def __init__(self) -> None:
        self.links: dict[int, Link] = {}
        self._by_quote: dict[int, Link] = {}
        self.proposal: SpeakerProposal | None = None

    def reset(self, links: list[Link]) -> None:
        """Hold ``links`` as the store holds them now; any proposal ends."""
        self.links = {link.stored_id: link for link in links}
        self._by_quote = {link.head_id: link for link in links if link.label == SPEAKER}
        self.proposal = None

    def link_of(self, quote_id: int) -> Link | None:
        """The speaker link of ``quote_id`` (a quote has one: linking replaces it)."""
        return self._by_quote.get(quote_id)

    def speaker_of(self, quote_id: int) -> int | None:
        """The span ``quote_id`` is linked to as its speaker."""
        link = self._by_quote.get(quote_id)
        return None if link is None else link.child_id

    def speakers(self) -> dict[int, int]:
        """Each linked quote's speaker, by span id."""
        return {quote: link.child_id for quote, link in self._by_quote.items()}


def speaker_relation(schema: LabelSchema) -> RelationType | None:
    return schema.relations.get(SPEAKER)


def propose(
    text: str, spans: dict[int, Span], quote: Span, relation: RelationType
) -> SpeakerProposal | None:
    """A proposal for ``quote`` among ``spans``; ``None`` when no span can be its speaker."""
    ranked = propose_speakers(text, quote, spans.values(), relation.children)
    ids = tuple(span.id for span in ranked if span.id is not None)
    return SpeakerProposal(quote.id, ids) if ids and quote.id is not None else None


def why_no_proposal(quote: Span | None, relation: RelationType | None) -> str | None:
    """What to tell a person whose ``S`` cannot start a proposal, or ``None`` if it can."""
    if relation is None:
        return f"The label schema has no {SPEAKER!r} relation"
    if quote is None:
        return "Select a quote first, then press S to propose its speaker"
    if quote.label not in relation.heads:
        return f"A {quote.label} has no speaker: select a {' or '.join(relation.heads)}"
    return None
