"""Proposing a quote's speaker: the tagged actor or agency nearest to the quote, first in its
own sentence, then before it, then after it.

Sentences are found around the quote only, by a light rule (a full stop, question or
exclamation mark before a space, or a line break, that does not close a title such as "Ms."
or an initial), so proposing stays fast on a long article.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from annotator.core.spans import Span

_REACH = 2000  # how far from the quote a sentence end is looked for
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_NOT_AN_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|St|Jr|Sr|No|vs)|\b[A-Z])\.$"
)


def _ends(text: str, low: int, high: int) -> Iterable[int]:
    """Where sentences end in ``text[low:high]`` (the offset after the end mark)."""
    for match in _SENTENCE_END.finditer(text, low, high):
        if match.group() != "\n" and _NOT_AN_END.search(
            text, max(0, match.start() - 8), match.start() + 1
        ):
            continue
        yield match.end()


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or sentences) holding ``text[start:end]``, as ``(start, end)``."""
    low = max(0, start - _REACH)
    before = [*_ends(text, low, start)]
    begin = before[-1] if before else low
    after = next(iter(_ends(text, end, min(len(text), end + _REACH))), min(len(text), end + _REACH))
    return begin, after


def propose_speakers(
    text: str, quote: Span, spans: Iterable[Span], speaker_labels: Collection[str]
) -> list[Span]:
    """The spans labelled one of ``speaker_labels`` that may have said ``quote``, best first:
    those in the quote's sentence, then those before the quote, then those after, each group
    nearest first. A span overlapping the quote (a name quoted inside it) is not proposed."""
    begin, finish = sentence_around(text, quote.start, quote.end)
    labels = frozenset(speaker_labels)
    low, high = quote.start, quote.end
    ranked = []
    for span in spans:
        if span.label not in labels:
            continue
        start, end = span.start, span.end
        if end <= low:
            ranked.append((0 if start >= begin else 1, low - end, start, end, span))
        elif start >= high:
            ranked.append((0 if end <= finish else 2, start - high, start, end, span))
    ranked.sort()
    return [entry[4] for entry in ranked]


@dataclass(slots=True)
class ProposalScore:
    """How the speaker proposal did against a layer's links.

    ``quotes``: quotes in the layer; ``attributed``: those with a speaker link; ``proposed``:
    those the proposal names someone for; ``first_right``: those whose first proposal is one
    of their speakers; ``reached``: attributed quotes whose speaker is among the candidates
    (Tab reaches it), at ``ranks`` (1 = the first proposal)."""

    documents: int = 0
    quotes: int = 0
    attributed: int = 0
    proposed: int = 0
    first_right: int = 0
    reached: int = 0
    ranks: int = 0

    def add(self, proposals: list[Span], speakers: Collection[tuple[int, int, str]]) -> None:
        """Count one quote: the proposals made for it and the keys of its true speakers."""
        self.quotes += 1
        self.attributed += bool(speakers)
        self.proposed += bool(proposals)
        rank = next((n for n, span in enumerate(proposals, 1) if span.key in speakers), None)
        if rank is not None:
            self.first_right += rank == 1
            self.reached += 1
            self.ranks += rank

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "documents": self.documents,
            "quotes": self.quotes,
            "attributed": self.attributed,
            "precision": _share(self.first_right, self.proposed),
            "recall": _share(self.first_right, self.attributed),
            "first_proposal_right": _share(self.first_right, self.quotes),
            "speaker_among_candidates": _share(self.reached, self.attributed),
            "mean_rank": _share(self.ranks, self.reached),
        }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
