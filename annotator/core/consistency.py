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


MAX_PLACES = 200
"""Places a case lists: the first, in document order; ``Case.total`` counts them all. A
common word tagged somewhere is untagged in nearly every document: listing every place
held millions of them (4.7 GB at 10,000 generated articles) for a list nobody reads to the
end."""


@dataclass(frozen=True, slots=True)
class Case:
    """One inconsistency about ``text``: how it is tagged elsewhere, where it shows (the
    first ``MAX_PLACES`` places) and in how many places in all."""

    kind: CaseKind
    text: str
    labels: dict[str, int]
    places: tuple[Place, ...]
    total: int


def _case(kind: CaseKind, text: str, labels: dict[str, int], ordered: Sequence[Place]) -> Case:
    return Case(kind, text, labels, tuple(ordered[:MAX_PLACES]), len(ordered))


def _label_counts(spans: Iterable[TextSpan]) -> dict[str, int]:
    return dict(Counter(span.label for span in spans).most_common())


def label_conflicts(spans: Sequence[TextSpan]) -> list[Case]:
    """Texts tagged with more than one label."""
    by_text: dict[str, list[TextSpan]] = {}
    for span in spans:
        by_text.setdefault(span.text, []).append(span)
    return [
        _case(
            CaseKind.LABELS,
            text,
            _label_counts(group),
            sorted(Place(s.document_id, s.start, s.end, s.annotator, s.label) for s in group),
        )
        for text, group in sorted(by_text.items())
        if len({s.label for s in group}) > 1
    ]


def _crosses(span: TextSpan, start: int, end: int) -> bool:
    return span.start < start < span.end < end or start < span.start < end < span.end


def _covered(own: Sequence[TextSpan], start: int, end: int, labels: Mapping[str, int]) -> bool:
    """The occurrence is tagged exactly, or lies inside a longer mention tagged with one of
    the text's labels (the inconsistency, if any, shows from the longer text's side)."""
    return any(
        (s.start == start and s.end == end)
        or (s.start <= start and end <= s.end and s.label in labels)
        for s in own
    )


Occurrences = Iterable[tuple[int, Mapping[str, Sequence[tuple[int, int]]]]]
"""Per document, in id order: the whole-word ``(start, end)`` of each tagged text it holds,
in offset order."""


def occurrence_cases(
    spans: Sequence[TextSpan], worked: Mapping[str, set[int]], occurrences: Occurrences
) -> list[Case]:
    """Untagged and partially tagged occurrences of each tagged text.

    ``worked`` maps each annotator in scope to the documents they worked on. The
    occurrences are taken one document at a time and only the first ``MAX_PLACES`` untagged
    ones of a text are kept, so memory holds the spans, not every occurrence.
    """
    by_text: dict[str, list[TextSpan]] = {}
    by_place: dict[tuple[int, str], list[TextSpan]] = {}
    for span in spans:
        by_text.setdefault(span.text, []).append(span)
        by_place.setdefault((span.document_id, span.annotator), []).append(span)
    labels_of = {text: _label_counts(tagged) for text, tagged in by_text.items()}
    annotators = sorted(worked.items())
    untagged: dict[str, list[Place]] = {}
    untagged_total: Counter[str] = Counter()
    partial: dict[str, set[Place]] = {}
    for document_id, held in occurrences:
        workers = [
            (name, by_place.get((document_id, name), []))
            for name, documents in annotators
            if document_id in documents
        ]
        for text, places in held.items():
            labels = labels_of[text]
            for start, end in places:
                for annotator, own in workers:
                    near = [s for s in own if s.start <= end and start <= s.end]
                    if near and _covered(near, start, end, labels):
                        continue
                    off = [
                        s
                        for s in near
                        if _crosses(s, start, end)
                        or (start <= s.start and s.end <= end and s.label in labels)
                    ]
                    if off:
                        partial.setdefault(text, set()).update(
                            Place(s.document_id, s.start, s.end, s.annotator, s.label) for s in off
                        )
                        continue
                    untagged_total[text] += 1
                    first = untagged.setdefault(text, [])
                    if len(first) < MAX_PLACES:
                        first.append(Place(document_id, start, end, annotator))
    cases = []
    for text in sorted(by_text):
        if untagged_total[text]:
            case = Case(
                CaseKind.UNTAGGED,
                text,
                labels_of[text],
                tuple(untagged[text]),
                untagged_total[text],
            )
            cases.append(case)
        if text in partial:
            cases.append(_case(CaseKind.PARTIAL, text, labels_of[text], sorted(partial[text])))
    return cases
