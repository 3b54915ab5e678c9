"""Agreement counted in bulk over a corpus: the figures of ``AgreementCounter``, with the
work per span and per offset done by C loops (set operations, ``map``, ``Counter.update``).

Per document it keeps only what a corpus-wide sum needs: how many spans each coder drew per
label, the exact and overlap matches of each pair, and the token runs as tuples of labels
(one per coder) with their width in tokens. Runs with the same labels and width are counted
together and turned into the confusion and coincidence tables once, at the end, so a
document costs a few dozen C calls instead of a Python step per span, per token run and per
pair. ``AgreementCounter.add_document`` stays the reference: it spells the rules out one
document at a time, and tests hold the two to the same figures.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import cache
from itertools import accumulate, chain, combinations, repeat
from operator import add, itemgetter, sub
from typing import Any

from annotator.core.agreement import (
    _INSIDE_WORD,
    OUTSIDE,
    TOKEN,
    AgreementCounter,
    AgreementReport,
    SpanKey,
    SpanTally,
    cluster_pairs,
)
from annotator.core.link_agreement import (
    LinkAgreementCounter,
    LinkKey,
    LinkReport,
    overlap_link_matches,
)

_START, _END, _LABEL = itemgetter(0), itemgetter(1), itemgetter(2)
_BY_LABEL = itemgetter(2, 0, 1)

Coders = tuple[str, ...]
Pair = tuple[str, str]


class _PairCounts:
    """What the documents add up per pair of coders and per kind (a span's label, a link's
    relation type): how many each drew, and how many matched exactly and by overlap."""

    def __init__(
        self,
        kind: Callable[[Any], str],
        overlaps: Callable[[set, set], Counter[str]],
    ) -> None:
        self._kind, self._overlaps = kind, overlaps
        self._drawn: defaultdict[tuple[Coders, str], Counter[str]] = defaultdict(Counter)
        self._exact: defaultdict[Pair, Counter[str]] = defaultdict(Counter)
        self._overlap: defaultdict[Pair, Counter[str]] = defaultdict(Counter)

    def add(self, coders: Coders, keys: list[set]) -> None:
        """Count one document's ``keys``, one set per coder of ``coders``."""
        kind = self._kind
        for a, drawn in zip(coders, keys, strict=True):
            self._drawn[(coders, a)].update(map(kind, drawn))
        for (a, first), (b, second) in combinations(zip(coders, keys, strict=True), 2):
            shared = first & second
            self._exact[(a, b)].update(map(kind, shared))
            if len(shared) < len(first) and len(shared) < len(second):
                self._overlap[(a, b)].update(self._overlaps(first - shared, second - shared))

    def fold(
        self, tallies: Mapping[Pair, dict[str, SpanTally]], rank: Mapping[str, int]
    ) -> Counter[str]:
        """Add the counts to ``tallies`` (pairs in ``rank`` order) and forget them; return
        how many of each kind the coders drew."""
        drawn_by_kind: Counter[str] = Counter()
        for (coders, a), drawn in self._drawn.items():
            drawn_by_kind.update(drawn)
            for kind, n in drawn.items():
                for b in coders:
                    if rank[a] < rank[b]:
                        tallies[(a, b)].setdefault(kind, SpanTally()).first += n
                    elif rank[b] < rank[a]:
                        tallies[(b, a)].setdefault(kind, SpanTally()).second += n
        for pair, exact in self._exact.items():
            for kind, n in exact.items():
                tally = tallies[pair].setdefault(kind, SpanTally())
                tally.exact += n
                tally.overlap += n
        for pair, overlap in self._overlap.items():
            for kind, n in overlap.items():
                tallies[pair].setdefault(kind, SpanTally()).overlap += n
        self._drawn.clear()
        self._exact.clear()
        self._overlap.clear()
        return drawn_by_kind


class BulkAgreementCounter(AgreementCounter):
    """``AgreementCounter`` for a corpus: the same figures from the same documents."""

    def __init__(
        self,
        annotators: Sequence[str],
        labels: Sequence[str] | None = None,
        order: Sequence[str] = (),
    ) -> None:
        super().__init__(annotators, labels, order)
        self._counts = _PairCounts(_LABEL, _overlap_matches)
        self._runs: defaultdict[Coders, Counter[tuple]] = defaultdict(Counter)

    def add_document(self, text: str, layers: Mapping[str, Iterable[SpanKey]]) -> None:
        """Count one document, as ``AgreementCounter.add_document`` does."""
        order = self._order
        coders = tuple(sorted((a for a in layers if a in order), key=order.__getitem__))
        if len(coders) < 2:
            return
        self.documents += 1
        only = self._only
        keys = [
            set(layers[a]) if only is None else {k for k in layers[a] if k[2] in only}
            for a in coders
        ]
        self._counts.add(coders, keys)
        offsets = {0, len(text)}
        for spans in keys:
            offsets.update(map(_START, spans), map(_END, spans))
        runs = _token_runs(text, sorted(offsets))
        if runs is None:
            return
        starts, ends, widths = runs
        columns = []
        for spans in keys:
            labels = [OUTSIDE] * len(widths)
            # Longest first, so inner spans overwrite outer ones; between equal lengths the
            # label first by name last (as ``Tokens`` paints). Spans of one length and label
            # paint alike, in whatever order.
            lengths = map(sub, map(_END, spans), map(_START, spans))
            for _, _, (start, end, label) in sorted(
                zip(lengths, map(_LABEL, spans), spans, strict=True), reverse=True
            ):
                low, high = starts[start], ends[end]
                if high > low:
                    labels[low:high] = [label] * (high - low)
            columns.append(labels)
        self._runs[coders].update(zip(*columns, widths, strict=True))

    def _fold(self) -> None:
        """Move what documents added into the tables ``AgreementCounter`` reports from."""
        self._spans.update(self._counts.fold(self._tallies, self._order))
        for coders, runs in self._runs.items():
            pairs = list(combinations(enumerate(coders), 2))
            for key, n in runs.items():
                tokens = key[-1] * n
                if not tokens:
                    continue
                values = key[:-1]
                self._units[tuple(sorted(values))] += tokens
                for (i, a), (j, b) in pairs:
                    self._confusion[(a, b)][(values[i], values[j])] += tokens
        self._runs.clear()

    def merge(self, other: AgreementCounter) -> None:
        self._fold()
        if isinstance(other, BulkAgreementCounter):
            other._fold()
        super().merge(other)

    def report(self) -> AgreementReport:
        self._fold()
        return super().report()


class BulkLinkAgreementCounter(LinkAgreementCounter):
    """``LinkAgreementCounter`` for a corpus: the same figures from the same documents."""

    def __init__(self, annotators: Sequence[str], order: Sequence[str] = ()) -> None:
        super().__init__(annotators, order)
        self._rank = {name: i for i, name in enumerate(self.annotators)}
        self._counts = _PairCounts(_LABEL, _overlap_link_matches)

    def add_document(self, layers: Mapping[str, Iterable[LinkKey]]) -> None:
        """Count one document, as ``LinkAgreementCounter.add_document`` does."""
        coders = tuple(a for a in self.annotators if a in layers)
        self._counts.add(coders, [set(layers[a]) for a in coders])

    def _fold(self) -> None:
        self._links.update(self._counts.fold(self._tallies, self._rank))

    def merge(self, other: LinkAgreementCounter) -> None:
        self._fold()
        if isinstance(other, BulkLinkAgreementCounter):
            other._fold()
        super().merge(other)

    def report(self) -> LinkReport:
        self._fold()
        return super().report()


def _token_runs(
    text: str, cuts: list[int]
) -> tuple[dict[int, int], dict[int, int], list[int]] | None:
    """For the sorted offsets ``cuts`` (0 and ``len(text)`` among them): the run a span
    starting at each offset begins with, the run one ending there stops before, and each
    run's width in tokens; runs cut the tokens wherever a span edge does, as ``Tokens.runs``
    does. None when the text holds no token."""
    starts, inside = _token_starts(text, cuts)
    before = list(accumulate(starts, initial=0))
    if not before[-1]:
        return None
    if any(inside):
        first = list(map(sub, before, inside))
        runs = sorted({*first, *before})
    else:
        first, runs = before, list(dict.fromkeys(before))
    index = dict(zip(runs, range(len(runs)), strict=True))
    ends = dict(zip(cuts, map(index.__getitem__, before), strict=True))
    if first is before:
        return ends, ends, list(map(sub, runs[1:], runs))
    starts_at = dict(zip(cuts, map(index.__getitem__, first), strict=True))
    return starts_at, ends, list(map(sub, runs[1:], runs))


_WORD, _SPACE, _MARK = ord("w"), ord(" "), ord("p")
_WORD_CHAR, _SPACE_CHAR = re.compile(r"\w"), re.compile(r"\s")
_WIDE = re.compile(r"[^\x00-\xff]")


@cache
def _char_class(char: str) -> int:
    """What ``TOKEN`` makes of ``char``: part of a word, space, or a token of its own."""
    return _WORD if _WORD_CHAR.match(char) else _SPACE if _SPACE_CHAR.match(char) else _MARK


_CLASSES = bytes(_char_class(chr(code)) for code in range(256))


def _token_starts(text: str, cuts: list[int]) -> tuple[list[int], list[bool]]:
    """How many tokens start between each two consecutive ``cuts``, and whether each cut
    falls inside a word.

    The text is read as one byte per character, its class (``w``, space or ``p``), so
    that counting is ``bytes.count`` over a range, not a match per token: a token starts at
    each ``p`` and at each ``w`` after a space or a ``p``. Characters past Latin-1 become
    ``p`` and those that are word or space characters are put right one by one; a text
    mostly past Latin-1 is counted with ``TOKEN`` instead."""
    encoded = text.encode("latin-1", "replace")
    wide = encoded.count(b"?") - text.count("?")
    if wide * 8 > len(text):
        return _token_starts_by_pattern(text, cuts)
    classes = bytearray(encoded.translate(_CLASSES))
    if wide:
        for match in _WIDE.finditer(text):
            kind = _char_class(match.group())
            if kind != _MARK:
                classes[match.start()] = kind
    # One space in front: a word starts where a space (or a mark) meets a word character.
    words = b" " + classes.replace(b"p", b" ")
    after = list(map(add, cuts[1:], repeat(1)))
    marks = map(classes.count, repeat(b"p"), cuts, cuts[1:])
    starts = list(map(add, marks, map(words.count, repeat(b" w"), cuts, after)))
    return starts, list(map(words.startswith, repeat(b"ww"), cuts))


def _token_starts_by_pattern(text: str, cuts: list[int]) -> tuple[list[int], list[bool]]:
    """``_token_starts`` by matching ``TOKEN`` between each two cuts: a word a cut splits
    is matched on both sides of it, and only its first piece starts a token."""
    found = map(len, map(TOKEN.findall, repeat(text), cuts, cuts[1:]))
    inside = [
        False,
        *map(bool, map(_INSIDE_WORD.match, repeat(text), map(sub, cuts[1:], repeat(1)))),
    ]
    return list(map(sub, found, inside)), inside


def _overlap_matches(left: Collection[SpanKey], right: Collection[SpanKey]) -> Counter[str]:
    """Per label, the size of a maximum one-to-one pairing of ``left``'s and ``right``'s
    spans of that label sharing a character (the two sides hold no span in common).

    One sort by (label, start) lays the spans out in clusters that overlap nothing outside
    themselves; most hold one span of a side, or one of each (a pair), and only the rest need
    a search."""
    found: Counter[str] = Counter()
    cluster: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    label, reach = "", 0  # no label is empty: the first span opens a cluster
    for key in sorted(chain(left, right), key=_BY_LABEL):
        start, end, name = key
        if name != label or start >= reach:
            if cluster[0] and cluster[1]:
                found[label] += cluster_pairs(*cluster)
            cluster, label, reach = ([], []), name, end
        elif end > reach:
            reach = end
        cluster[key not in left].append((start, end))
    if cluster[0] and cluster[1]:
        found[label] += cluster_pairs(*cluster)
    return found


def _overlap_link_matches(left: set[LinkKey], right: set[LinkKey]) -> Counter[str]:
    """Per relation type, the size of a maximum one-to-one pairing of ``left``'s and
    ``right``'s links of that type whose two ends overlap."""
    by_type: defaultdict[str, tuple[list[LinkKey], list[LinkKey]]] = defaultdict(lambda: ([], []))
    for link in left:
        by_type[link[2]][0].append(link)
    for link in right:
        by_type[link[2]][1].append(link)
    return Counter(
        {name: overlap_link_matches(*sides) for name, sides in by_type.items() if all(sides)}
    )
