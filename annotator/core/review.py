"""Review: the gold layer, notes, and where annotators agree or differ on a document.

The gold layer is the spans of one reserved annotator, ``gold``, which only review commands
write. Each gold span records its provenance: the annotators who had exactly that span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from annotator.core.errors import InvalidSpan
from annotator.core.spans import Span

GOLD = "gold"
NOTE_MAX = 2000


@dataclass(frozen=True, slots=True)
class Gold:
    """A gold span and the annotators who had it (``None``: work it out when storing)."""

    span: Span
    sources: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A comment on a document (``span_id`` None) or on one span of it."""

    id: int
    document_id: int
    span_id: int | None
    annotator: str
    text: str
    created: datetime
    updated: datetime


def clean_note(text: str) -> str:
    """A note as stored: trimmed, not empty, short."""
    cleaned = str(text).strip()
    if not cleaned:
        raise InvalidSpan("a note cannot be empty")
    if len(cleaned) > NOTE_MAX:
        raise InvalidSpan(f"a note is at most {NOTE_MAX} characters (this one has {len(cleaned)})")
    return cleaned


@dataclass(frozen=True, slots=True)
class Group:
    """Spans that overlap one another (directly or through others), across annotators.

    ``versions`` holds each annotator's spans in ``[start, end)``, possibly none.
    """

    start: int
    end: int
    versions: dict[str, tuple[Span, ...]]

    @property
    def agreed(self) -> bool:
        """Every annotator has the same spans here, and there are at least two of them: what
        one annotator alone has is never agreed."""
        keys = {frozenset(s.key for s in spans) for spans in self.versions.values()}
        return len(self.versions) >= 2 and len(keys) == 1


def review_groups(layers: Mapping[str, Sequence[Span]]) -> list[Group]:
    """The document's groups in text order, every annotator of ``layers`` in each."""
    tagged = sorted((span, name) for name, spans in layers.items() for span in spans)
    groups: list[Group] = []
    members: list[tuple[Span, str]] = []
    start = end = 0

    def close() -> None:
        versions = {name: tuple(s for s, who in members if who == name) for name in layers}
        groups.append(Group(start, end, versions))

    for span, name in tagged:
        if members and span.start >= end:
            close()
            members = []
        if not members:
            start, end = span.start, span.end
        members.append((span, name))
        end = max(end, span.end)
    if members:
        close()
    return groups


def agreed_spans(layers: Mapping[str, Sequence[Span]]) -> list[Span]:
    """Spans every annotator of ``layers`` has (same start, end and label), in span order;
    none unless there are two annotators at least."""
    if len(layers) < 2:
        return []
    key_sets = [{s.key for s in spans} for spans in layers.values()]
    shared = set.intersection(*key_sets)
    return sorted(Span(*key) for key in shared)


def provenance(span: Span, layers: Mapping[str, Sequence[Span]]) -> tuple[str, ...]:
    """The annotators of ``layers`` who have exactly ``span``, by name."""
    return tuple(
        sorted(name for name, spans in layers.items() if any(s.key == span.key for s in spans))
    )
