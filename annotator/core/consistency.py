"""Consistency checks over annotated spans (brat's "text marked with different types" and
"text marked partially", and the untagged mentions INCEpTION users hunt for):

- the same text tagged with different labels;
- a text tagged in one place and left untagged at another whole-word occurrence, in a
  document the annotator worked on;
- a span that partially overlaps another occurrence of a tagged text (crosses its edge, or
  covers only part of it with one of the labels the text has elsewhere).

Pure functions: the store gathers spans, worked documents and occurrences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class CaseKind(StrEnum):
    LABELS = "different labels"
    UNTAGGED = "untagged"
    PARTIAL = "partial"


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A stored span with the text it covers."""

    id: int
    document_id: int
    start: int
    end: int
    label: str
    annotator: str
    text: str


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """Where a case shows: a span (with its label) or an untagged occurrence (no label)."""

    document_id: int
    start: int
    end: int
    annotator: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One inconsistency about ``text``: how it is tagged elsewhere, and where it shows."""

    kind: CaseKind
    text: str
    labels: dict[str, int]
    places: tuple[Place, ...]


def _label_counts(spans: Iterable[TextSpan]) -> dict[str, int]:
    return dict(Counter(span.label for span in spans).most_common())


def label_conflicts(spans: Sequence[TextSpan]) -> list[Case]:
    """Texts tagged with more than one label."""
    by_text: dict[str, list[TextSpan]] = {}
    for span in spans:
        by_text.setdefault(span.text, []).append(span)
    return [
        Case(
            CaseKind.LABELS,
            text,
            _label_counts(group),
            tuple(
                sorted(Place(s.document_id, s.start, s.end, s.annotator, s.label) for s in group)
            ),
        )
        for text, group in sorted(by_text.items())
        if len({s.label for s in group}) > 1
    ]


def _crosses(span: TextSpan, start: int, end: int) -> bool:
    return span.start < start < span.end < end or start < span.start < end < span.end


def _covered(span: TextSpan, start: int, end: int, labels: Mapping[str, int]) -> bool:
    """The occurrence is tagged exactly, or lies inside a longer mention tagged with one of
    the text's labels (the inconsistency, if any, shows from the longer text's side)."""
    if span.start == start and span.end == end:
        return True
    return span.start <= start and end <= span.end and span.label in labels


def occurrence_cases(
    spans: Sequence[TextSpan],
    worked: Mapping[str, set[int]],
    occurrences: Mapping[str, Sequence[tuple[int, int, int]]],
) -> list[Case]:
    """Untagged and partially tagged occurrences of each tagged text.

    ``worked`` maps each annotator in scope to the documents they worked on;
    ``occurrences`` maps a tagged text to its whole-word ``(document, start, end)``.
    """
    by_text: dict[str, list[TextSpan]] = {}
    by_place: dict[tuple[int, str], list[TextSpan]] = {}
    for span in spans:
        by_text.setdefault(span.text, []).append(span)
        by_place.setdefault((span.document_id, span.annotator), []).append(span)
    cases = []
    for text, tagged in sorted(by_text.items()):
        labels = _label_counts(tagged)
        untagged: list[Place] = []
        partial: set[Place] = set()
        for document_id, start, end in occurrences.get(text, ()):
            for annotator, documents in sorted(worked.items()):
                if document_id not in documents:
                    continue
                own = by_place.get((document_id, annotator), [])
                if any(_covered(s, start, end, labels) for s in own):
                    continue
                off = [
                    s
                    for s in own
                    if _crosses(s, start, end)
                    or (start <= s.start and s.end <= end and s.label in labels)
                ]
                partial.update(
                    Place(s.document_id, s.start, s.end, s.annotator, s.label) for s in off
                )
                if not off:
                    untagged.append(Place(document_id, start, end, annotator))
        if untagged:
            cases.append(Case(CaseKind.UNTAGGED, text, labels, tuple(sorted(untagged))))
        if partial:
            cases.append(Case(CaseKind.PARTIAL, text, labels, tuple(sorted(partial))))
    return cases
