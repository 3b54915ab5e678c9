"""Agreement on links (a quote to its speaker): precision, recall and F1 per relation type.

A link of one annotator matches a link of the other when the relation types are the same and
both ends match: exactly (same offsets and label) or, in the overlap variant, by sharing a
character with the same label; overlap matches pair links one to one. Figures for a pair read
the second annotator against the first (precision over the second's links, recall over the
first's); with more annotators they are the mean over pairs, as for spans.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from annotator.core.agreement import (
    SpanKey,
    SpanTally,
    _add_tally,
    _maximum_matching,
    _mean,
    _span_figures,
)

LinkKey = tuple[SpanKey, SpanKey, str]  # (head, child, relation type)


@dataclass(frozen=True, slots=True)
class LinkFigures:
    f1_exact: float | None = None
    f1_overlap: float | None = None
    precision_exact: float | None = None
    recall_exact: float | None = None
    precision_overlap: float | None = None
    recall_overlap: float | None = None
    links: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LinkReport:
    overall: LinkFigures
    types: dict[str, LinkFigures]

    def as_dict(self) -> dict[str, Any]:
        """The ``"relations"`` entry of ``annotator agreement --json``."""
        return {
            "overall": self.overall.as_dict(),
            "types": {name: figures.as_dict() for name, figures in self.types.items()},
        }


def _figures(tally: SpanTally, links: int) -> LinkFigures:
    return LinkFigures(**_span_figures(tally), links=links)


def _ends_overlap(a: SpanKey, b: SpanKey) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def overlap_link_matches(first: Sequence[LinkKey], second: Sequence[LinkKey]) -> int:
    """Size of a maximum one-to-one pairing of links whose heads and children overlap."""
    adjacent = [
        [
            j
            for j, other in enumerate(second)
            if _ends_overlap(link[0], other[0]) and _ends_overlap(link[1], other[1])
        ]
        for link in first
    ]
    return _maximum_matching(adjacent, len(second))


class LinkAgreementCounter:
    """Accumulates link counts document by document for every pair of ``annotators``."""

    def __init__(self, annotators: Sequence[str], order: Sequence[str] = ()) -> None:
        self.annotators = tuple(dict.fromkeys(annotators))
        self._order = list(order)
        self._pairs = list(combinations(self.annotators, 2))
        self._tallies: dict[tuple[str, str], dict[str, SpanTally]] = {
            pair: defaultdict(SpanTally) for pair in self._pairs
        }
        self._links: Counter[str] = Counter()

    def merge(self, other: LinkAgreementCounter) -> None:
        """Add the counts of ``other`` (the same annotators, other documents)."""
        for pair in self._pairs:
            for name, tally in other._tallies[pair].items():
                _add_tally(self._tallies[pair][name], tally)
        self._links.update(other._links)

    def add_document(self, layers: Mapping[str, Iterable[LinkKey]]) -> None:
        """Count one document; ``layers`` maps each annotator who worked on it (even with no
        links) to their links; annotators left out did not work on it."""
        keys = {a: set(layers[a]) for a in self.annotators if a in layers}
        for links in keys.values():
            self._links.update(link[2] for link in links)
        for a, b in self._pairs:
            if a in keys and b in keys:
                self._count(self._tallies[(a, b)], keys[a], keys[b])

    @staticmethod
    def _count(tallies: dict[str, SpanTally], first: set[LinkKey], second: set[LinkKey]) -> None:
        for link in first:
            tallies[link[2]].first += 1
        for link in second:
            tallies[link[2]].second += 1
        shared = first & second
        for link in shared:
            tallies[link[2]].exact += 1
            tallies[link[2]].overlap += 1
        rest: dict[str, tuple[list[LinkKey], list[LinkKey]]] = defaultdict(lambda: ([], []))
        for link in first - shared:
            rest[link[2]][0].append(link)
        for link in second - shared:
            rest[link[2]][1].append(link)
        for name, (left, right) in rest.items():
            if left and right:
                tallies[name].overlap += overlap_link_matches(left, right)

    def report(self) -> LinkReport:
        """Figures per relation type (schema order first) and over all types."""
        names = [n for n in self._order if n in self._links] + sorted(
            set(self._links) - set(self._order)
        )
        per_pair_total = []
        per_type: dict[str, list[LinkFigures]] = {name: [] for name in names}
        for pair in self._pairs:
            total = SpanTally()
            for name in names:
                tally = self._tallies[pair].get(name, SpanTally())
                _add_tally(total, tally)
                per_type[name].append(_figures(tally, 0))
            per_pair_total.append(_figures(total, 0))

        def mean_of(figures: list[LinkFigures], links: int) -> LinkFigures:
            fields = [f for f in LinkFigures.__slots__ if f != "links"]
            return LinkFigures(
                **{f: _mean(getattr(x, f) for x in figures) for f in fields}, links=links
            )

        return LinkReport(
            overall=mean_of(per_pair_total, sum(self._links.values())),
            types={name: mean_of(per_type[name], self._links[name]) for name in names},
        )
