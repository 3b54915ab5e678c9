"""Spans: labelled character ranges in a document's text, and how they relate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from annotator.core.errors import InvalidSpan


class Origin(StrEnum):
    """Where a span came from."""

    MANUAL = "manual"
    IMPORTED = "imported"
    SUGGESTED = "suggested"
    REVIEW = "review"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled range ``text[start:end]``: code-point offsets, end exclusive.

    Ordering is by (start, end, label), the order exports and lists use.
    """

    start: int
    end: int
    label: str
    id: int | None = field(default=None, compare=False)
    annotator: str | None = field(default=None, compare=False)
    origin: Origin = field(default=Origin.MANUAL, compare=False)

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity of a span's content, ignoring who made it and its database id."""
        return (self.start, self.end, self.label)

    @property
    def stored_id(self) -> int:
        """The database id of a span read from the store, which gives every span it returns
        one (a span read from a file or typed has none until it is stored)."""
        if self.id is None:
            raise ValueError(f"the span {self.key} is not stored")
        return self.id

    @property
    def owner(self) -> str:
        """The annotator of a span read from the store, which names every span's layer."""
        if self.annotator is None:
            raise ValueError(f"the span {self.key} has no annotator")
        return self.annotator

    def covers(self, other: Span) -> bool:
        """True if ``other`` lies inside this span (equal ranges count)."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        """True if the two ranges share at least one character."""
        return self.start < other.end and other.start < self.end


def range_problem(start: object, end: object, text_length: int) -> str | None:
    """What is wrong with the offsets ``[start, end)`` in a text of ``text_length`` code
    points, or ``None`` when they make a span: the one rule for the app, the store and every
    reader. Plain values in, no ``Span`` built, so a million-span import can afford it."""
    if type(start) is not int or type(end) is not int:
        name, value = ("start", start) if type(start) is not int else ("end", end)
        return f"{name!r} must be int, got {type(value).__name__}"
    if start < 0:
        return f"start {start} is negative"
    if end <= start:
        return f"end {end} must be greater than start {start}"
    if end > text_length:
        return f"end {end} is past the end of the text (length {text_length})"
    return None


def check_span(span: Span, text_length: int, labels: Iterable[str] | None = None) -> None:
    """Raise ``InvalidSpan`` saying exactly which invariant ``span`` breaks."""
    problem = range_problem(span.start, span.end, text_length)
    if problem:
        raise InvalidSpan(problem)
    if labels is not None:
        known = set(labels)
        if span.label not in known:
            raise InvalidSpan(
                f"unknown label {span.label!r} (known: {', '.join(sorted(known)) or 'none'})"
            )


def overlapping(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans sharing at least one character with ``[start, end)``, in span order."""
    return sorted(s for s in spans if s.start < end and start < s.end)


def at_offset(spans: Sequence[Span], offset: int) -> list[Span]:
    """The spans containing character ``offset``, innermost (shortest) first."""
    hits = [s for s in spans if s.start <= offset < s.end]
    return sorted(hits, key=lambda s: (s.end - s.start, s.start, s.label))


def nesting_depths(spans: Sequence[Span]) -> dict[Span, int]:
    """Depth of each span: 0 when no other span covers it, 1 inside one, and so on.

    Two spans with identical ranges nest by label order so that both stay visible.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.label))
    depths: dict[Span, int] = {}
    open_spans: list[Span] = []
    for span in ordered:
        open_spans = [o for o in open_spans if o.end > span.start and o.covers(span)]
        depths[span] = len(open_spans)
        open_spans.append(span)
    return depths


def crossing_pairs(spans: Sequence[Span]) -> list[tuple[Span, Span]]:
    """Pairs that overlap without one containing the other (neither nests)."""
    ordered = sorted(spans)
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            if not a.covers(b) and not b.covers(a):
                pairs.append((a, b))
    return pairs
