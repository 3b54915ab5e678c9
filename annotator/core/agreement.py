"""Inter-annotator agreement: span F1 (exact and overlap), Cohen's kappa, Krippendorff's alpha.

Definitions (what every figure in the app and the CLI means)
-------------------------------------------------------------
Spans, for a pair of annotators (a, b): a's spans are the reference, b's the candidates;
precision = matched / |b|, recall = matched / |a|, F1 = 2·matched / (|a| + |b|), so F1 does not
depend on which annotator is named first.

- exact match: same start, same end, same label.
- overlap match: spans with the same label paired one to one, per document: first every
  exact pair, then the largest pairing (a maximum bipartite matching) of the spans left over
  that share at least one character. Exact pairs are never broken up to make more overlap
  pairs, and overlap F1 >= exact F1.

Tokens: a document's text is cut into tokens, each a run of word characters or a single other
non-space character (``\\w+|[^\\w\\s]``). Nested spans are flattened by one rule, used for every
token figure: a token takes the label of the *innermost* span that shares a character with it
(the shortest; between equal lengths the label first in alphabetical order), and ``O`` when no
span touches it. Every token of a document counts, ``O`` included.

- kappa: Cohen's kappa over the two annotators' token labels.
- alpha: Krippendorff's alpha, nominal, with tokens as units and every annotator who worked on
  the document as a coder (so it is defined for two or more annotators, and a document only
  some of them annotated still counts for those who did).
- per label, kappa and alpha look at the same token labels as "this label" against
  "anything else".

Documents take part for the annotators who worked on them (the caller passes only those);
a document with fewer than two of the chosen annotators is left out. Corpus figures sum the
counts over documents first (micro average). With more than two annotators, ``pairs`` holds
each pair and the overall and per-label F1 and kappa are the mean over pairs; alpha is
computed over all chosen annotators at once. A figure with nothing to measure (no spans of a
label on either side, or every token in one category) is ``None``: shown as "–", never 0.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from operator import itemgetter
from statistics import fmean
from typing import TYPE_CHECKING, Any, TypeVar

from annotator.core.spans import Span

if TYPE_CHECKING:
    from annotator.core.link_agreement import LinkReport

# A coder's value in an agreement table: a label, or whether it is one label once collapsed.
_Value = TypeVar("_Value", str, bool)

OUTSIDE = "O"


SpanKey = tuple[int, int, str]  # (start, end, label), as ``Span.key``
_START, _END, _LABEL = itemgetter(0), itemgetter(1), itemgetter(2)

TOKEN = re.compile(r"\w+|[^\w\s]")

Range = tuple[int, int]


_INSIDE_WORD = re.compile(r"\w\w")  # at offset - 1: the offset splits a word token


def _length_then_label(key: SpanKey) -> tuple[int, str]:
    return (key[1] - key[0], key[2])


class Tokens:
    """The tokens of one text, located only at the offsets that spans use.

    Counting matches between consecutive span boundaries (``findall`` runs in C) avoids a
    Python step per token: a long article with a few dozen spans costs a few dozen calls.
    """

    def __init__(self, text: str, offsets: Iterable[int] = ()) -> None:
        self._before: dict[int, int] = {}
        self._first: dict[int, int] = {}
        count = previous = 0
        inside_previous = 0
        for offset in sorted({*offsets, 0, len(text)}):
            inside = 1 if offset > 0 and _INSIDE_WORD.match(text, offset - 1) else 0
            if offset > previous:
                count += len(TOKEN.findall(text, previous, offset)) - inside_previous
            self._before[offset] = count
            self._first[offset] = count - inside
            previous, inside_previous = offset, inside
        self.count = count

    def covered(self, start: int, end: int) -> range:
        """Indices of the tokens sharing a character with ``text[start:end]`` (both offsets
        must have been given to the constructor)."""
        first = self._first[start]
        return range(first, max(first, self._before[end]))

    def labels(self, spans: Iterable[SpanKey]) -> list[str]:
        """Each token's label under the innermost-span rule (``O`` outside every span)."""
        return self._paint(spans, self.count, None)

    def runs(self) -> list[int]:
        """Where the token labels can change: the first token of every run of tokens that
        share their labels in every layer (span edges cut only there), and the count."""
        return sorted({0, self.count, *self._first.values(), *self._before.values()})

    def run_labels(self, spans: Iterable[SpanKey], runs: list[int]) -> list[str]:
        """Each run's label (the label of each of its tokens), as ``labels`` gives them."""
        return self._paint(spans, len(runs) - 1, {cut: n for n, cut in enumerate(runs)})

    def _paint(
        self, spans: Iterable[SpanKey], size: int, index: dict[int, int] | None
    ) -> list[str]:
        labels = [OUTSIDE] * size
        first, before = self._first, self._before
        # Painted longest first, so inner spans overwrite outer ones; between equal lengths
        # the label first by name is painted last and wins.
        for span_start, span_end, label in sorted(spans, key=_length_then_label, reverse=True):
            start = first[span_start]
            end = before[span_end]
            if end > start:
                if index is not None:
                    start, end = index[start], index[end]
                labels[start:end] = [label] * (end - start)
        return labels


def token_labels(text: str, spans: Sequence[Span]) -> list[str]:
    """The token labels of one annotator's spans on ``text``."""
    offsets = [offset for span in spans for offset in (span.start, span.end)]
    return Tokens(text, offsets).labels(span.key for span in spans)


def overlap_matches(first: Iterable[Range], second: Iterable[Range]) -> int:
    """Size of a maximum one-to-one pairing of ranges that share at least one character.

    The ranges fall apart into clusters that overlap nothing outside themselves; most hold
    one range from each side (a pair) or one side only, and only the rest need a search.
    """
    tagged = sorted([(s, e, 0) for s, e in first] + [(s, e, 1) for s, e in second])
    total = 0
    cluster: list[tuple[int, int, int]] = []
    reach = 0
    for item in tagged:
        if cluster and item[0] >= reach:
            total += _cluster_matches(cluster)
            cluster = []
        if not cluster:
            reach = item[1]
        cluster.append(item)
        reach = max(reach, item[1])
    if cluster:
        total += _cluster_matches(cluster)
    return total


def _cluster_matches(cluster: list[tuple[int, int, int]]) -> int:
    left = [(s, e) for s, e, side in cluster if side == 0]
    right = [(s, e) for s, e, side in cluster if side == 1]
    return cluster_pairs(left, right) if left and right else 0


def cluster_pairs(left: list[Range], right: list[Range]) -> int:
    """Size of a maximum one-to-one pairing of a cluster's ranges (each side non-empty)."""
    if len(left) == 1 and len(right) == 1:
        return 1
    adjacent = [[j for j, (rs, re_) in enumerate(right) if rs < e and s < re_] for s, e in left]
    return _maximum_matching(adjacent, len(right))


def _maximum_matching(adjacent: list[list[int]], right_size: int) -> int:
    """Maximum bipartite matching by augmenting paths (iterative, no recursion limit)."""
    match_left = [-1] * len(adjacent)
    match_right = [-1] * right_size
    size = 0
    for root, neighbours in enumerate(adjacent):
        free = next((j for j in neighbours if match_right[j] < 0), None)
        if free is not None:
            match_left[root], match_right[free] = free, root
            size += 1
        elif neighbours and _augment(root, adjacent, match_left, match_right):
            size += 1
    return size


def _augment(root: int, adjacent: list[list[int]], match_left: list[int], match_right: list[int]):
    reached_from: dict[int, int] = {}
    stack = [root]
    while stack:
        i = stack.pop()
        for j in adjacent[i]:
            if j in reached_from:
                continue
            reached_from[j] = i
            if match_right[j] < 0:
                while True:
                    owner = reached_from[j]
                    previous = match_left[owner]
                    match_left[owner], match_right[j] = j, owner
                    if owner == root:
                        return True
                    j = previous
            stack.append(match_right[j])
    return False


@dataclass(slots=True)
class SpanTally:
    """Span counts for one pair and one label: |a|, |b| and the matches of each kind."""

    first: int = 0
    second: int = 0
    exact: int = 0
    overlap: int = 0


def _add_tally(total: SpanTally, more: SpanTally) -> None:
    total.first += more.first
    total.second += more.second
    total.exact += more.exact
    total.overlap += more.overlap


@dataclass(frozen=True, slots=True)
class Figures:
    """The agreement figures for one label (or all labels) and one pair (or the mean)."""

    f1_exact: float | None = None
    f1_overlap: float | None = None
    precision_exact: float | None = None
    recall_exact: float | None = None
    precision_overlap: float | None = None
    recall_overlap: float | None = None
    kappa: float | None = None
    alpha: float | None = None
    spans: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PairAgreement:
    annotators: tuple[str, str]
    overall: Figures
    labels: dict[str, Figures]


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement among ``annotators`` over ``documents`` documents."""

    annotators: tuple[str, ...]
    documents: int
    overall: Figures
    labels: dict[str, Figures]
    pairs: list[PairAgreement] = field(default_factory=list)
    relations: LinkReport | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``annotator agreement --json``."""
        shape = {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "overall": self.overall.as_dict(),
            "labels": {name: figures.as_dict() for name, figures in self.labels.items()},
            "pairs": [
                {
                    "annotators": list(pair.annotators),
                    "overall": pair.overall.as_dict(),
                    "labels": {name: f.as_dict() for name, f in pair.labels.items()},
                }
                for pair in self.pairs
            ],
        }
        if self.relations is not None:
            shape["relations"] = self.relations.as_dict()
        return shape


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _span_figures(tally: SpanTally) -> dict[str, float | None]:
    total = tally.first + tally.second
    return {
        "f1_exact": _ratio(2 * tally.exact, total),
        "f1_overlap": _ratio(2 * tally.overlap, total),
        "precision_exact": _ratio(tally.exact, tally.second),
        "recall_exact": _ratio(tally.exact, tally.first),
        "precision_overlap": _ratio(tally.overlap, tally.second),
        "recall_overlap": _ratio(tally.overlap, tally.first),
    }


def cohen_kappa(
    confusion: Mapping[tuple[str, str], float], label: str | None = None
) -> float | None:
    """Cohen's kappa of a confusion table {(a's label, b's label): tokens}.

    With ``label``, the table is first collapsed to "label" against "anything else".
    """
    return _kappa(confusion) if label is None else _kappa(_collapse(confusion, label))


def krippendorff_alpha(
    coincidence: Mapping[tuple[str, str], float], label: str | None = None
) -> float | None:
    """Nominal Krippendorff's alpha of a coincidence table {(value, value): pairable count}."""
    return _alpha(coincidence) if label is None else _alpha(_collapse(coincidence, label))


def _kappa(confusion: Mapping[tuple[_Value, _Value], float]) -> float | None:
    total = sum(confusion.values())
    if not total:
        return None
    rows: defaultdict[_Value, float] = defaultdict(float)
    columns: defaultdict[_Value, float] = defaultdict(float)
    agreed = 0.0
    for (a, b), n in confusion.items():
        rows[a] += n
        columns[b] += n
        if a == b:
            agreed += n
    observed = agreed / total
    expected = sum(rows[c] * columns[c] for c in rows) / (total * total)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _alpha(coincidence: Mapping[tuple[_Value, _Value], float]) -> float | None:
    marginals: defaultdict[_Value, float] = defaultdict(float)
    disagreeing = 0.0
    for (c, k), n in coincidence.items():
        marginals[c] += n
        if c != k:
            disagreeing += n
    total = sum(marginals.values())
    expected = total * total - sum(n * n for n in marginals.values())
    if total <= 1 or expected <= 0:
        return None
    return 1.0 - (total - 1) * disagreeing / expected


def _collapse(table: Mapping[tuple[str, str], float], label: str) -> dict[tuple[bool, bool], float]:
    collapsed: dict[tuple[bool, bool], float] = defaultdict(float)
    for (a, b), n in table.items():
        collapsed[(a == label, b == label)] += n
    return collapsed


def coincidences(values_counts: Mapping[tuple[str, ...], int]) -> dict[tuple[str, str], float]:
    """Krippendorff's coincidence table from {(each coder's value for a unit): units}."""
    table: dict[tuple[str, str], float] = defaultdict(float)
    for values, units in values_counts.items():
        if len(values) < 2:
            continue
        weight = units / (len(values) - 1)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    table[(c, k)] += weight
    return table


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


class AgreementCounter:
    """Accumulates agreement counts document by document; ``report()`` gives the figures.

    Memory holds counts only, never documents, so a corpus can stream through it.
    """

    def __init__(
        self,
        annotators: Sequence[str],
        labels: Sequence[str] | None = None,
        order: Sequence[str] = (),
    ) -> None:
        """``labels`` restricts every figure to those labels; without it every label seen
        is reported, those in ``order`` (the schema) first, in that order."""
        if len(set(annotators)) < 2:
            raise ValueError("agreement needs at least two different annotators")
        self.annotators = tuple(dict.fromkeys(annotators))
        self._order = {name: i for i, name in enumerate(self.annotators)}
        self._only = set(labels) if labels is not None else None
        self._labels = list(labels if labels is not None else order)
        self.documents = 0
        self._pairs = list(combinations(self.annotators, 2))
        self._tallies: dict[tuple[str, str], dict[str, SpanTally]] = {
            pair: defaultdict(SpanTally) for pair in self._pairs
        }
        self._confusion: dict[tuple[str, str], Counter] = {pair: Counter() for pair in self._pairs}
        self._units: Counter[tuple[str, ...]] = Counter()
        self._spans: Counter[str] = Counter()

    def merge(self, other: AgreementCounter) -> None:
        """Add the counts of ``other`` (the same annotators and labels, other documents)."""
        self.documents += other.documents
        for pair in self._pairs:
            tallies = self._tallies[pair]
            for label, tally in other._tallies[pair].items():
                _add_tally(tallies[label], tally)
            self._confusion[pair].update(other._confusion[pair])
        self._units.update(other._units)
        self._spans.update(other._spans)

    def add_document(self, text: str, layers: Mapping[str, Iterable[SpanKey]]) -> None:
        """Count one document; ``layers`` maps each annotator who worked on it to their
        spans' keys ``(start, end, label)``.

        Annotators not in ``layers`` did not annotate this document (their tokens are
        missing, not ``O``); layers of annotators not chosen are ignored.
        """
        coders = sorted((a for a in layers if a in self._order), key=self._order.__getitem__)
        if len(coders) < 2:
            return
        self.documents += 1
        only = self._only
        keys = {
            a: set(layers[a]) if only is None else {k for k in layers[a] if k[2] in only}
            for a in coders
        }
        per_label = {a: Counter(map(_LABEL, keys[a])) for a in coders}
        offsets: set[int] = set()
        for a in coders:
            self._spans.update(per_label[a])
            offsets.update(map(_START, keys[a]), map(_END, keys[a]))
        for a, b in combinations(coders, 2):
            self._count_spans(self._tallies[(a, b)], keys[a], keys[b], per_label[a], per_label[b])
        tokens = Tokens(text, offsets)
        if not tokens.count:
            return
        # Tokens are counted a run at a time: within a run every layer's label is the same.
        runs = tokens.runs()
        columns = [tokens.run_labels(keys[a], runs) for a in coders]
        weights: Counter[tuple[str, ...]] = Counter()
        for n, values in enumerate(zip(*columns, strict=True)):
            weights[values] += runs[n + 1] - runs[n]
        for values, n in weights.items():
            self._units[tuple(sorted(values))] += n
            for (i, a), (j, b) in combinations(enumerate(coders), 2):
                self._confusion[(a, b)][(values[i], values[j])] += n

    @staticmethod
    def _count_spans(
        tallies: dict[str, SpanTally],
        first: set[SpanKey],
        second: set[SpanKey],
        first_labels: Counter[str],
        second_labels: Counter[str],
    ) -> None:
        for label, n in first_labels.items():
            tallies[label].first += n
        for label, n in second_labels.items():
            tallies[label].second += n
        shared = first & second
        for label, n in Counter(map(_LABEL, shared)).items():
            tallies[label].exact += n
            tallies[label].overlap += n
        if len(shared) == len(first) or len(shared) == len(second):
            return
        rest: dict[str, tuple[list[Range], list[Range]]] = defaultdict(lambda: ([], []))
        for k in first - shared:
            rest[k[2]][0].append((k[0], k[1]))
        for k in second - shared:
            rest[k[2]][1].append((k[0], k[1]))
        for label, (left, right) in rest.items():
            if left and right:
                tallies[label].overlap += overlap_matches(left, right)

    def labels(self) -> list[str]:
        """Labels to report: those asked for; else those seen, in schema order, then by name."""
        seen = set(self._spans)
        for confusion in self._confusion.values():
            for pair in confusion:
                seen.update(pair)
        seen.discard(OUTSIDE)
        if self._only is not None:
            return list(self._labels)
        return [x for x in self._labels if x in seen] + sorted(seen - set(self._labels))

    def _pair_figures(self, pair: tuple[str, str], labels: list[str]) -> PairAgreement:
        tallies, confusion = self._tallies[pair], self._confusion[pair]
        coincidence = _pair_coincidence(confusion)
        per_label = {}
        total = SpanTally()
        for label in labels:
            tally = tallies.get(label, SpanTally())
            _add_tally(total, tally)
            per_label[label] = Figures(
                **_span_figures(tally),
                kappa=cohen_kappa(confusion, label),
                alpha=krippendorff_alpha(coincidence, label),
                spans=tally.first + tally.second,
            )
        overall = Figures(
            **_span_figures(total),
            kappa=cohen_kappa(confusion),
            alpha=krippendorff_alpha(coincidence),
            spans=total.first + total.second,
        )
        return PairAgreement(pair, overall, per_label)

    def report(self) -> AgreementReport:
        labels = self.labels()
        pairs = [self._pair_figures(pair, labels) for pair in self._pairs]
        joint = coincidences(self._units)

        def mean_of(select, alpha, spans) -> Figures:
            chosen = [select(pair) for pair in pairs]
            means = {
                name: _mean(getattr(f, name) for f in chosen)
                for name in Figures.__slots__
                if name not in ("alpha", "spans")
            }
            return Figures(**means, alpha=alpha, spans=spans)

        overall = mean_of(
            lambda p: p.overall,
            krippendorff_alpha(joint),
            sum(self._spans[label] for label in labels),
        )
        per_label = {
            label: mean_of(
                lambda p, label=label: p.labels[label],
                krippendorff_alpha(joint, label),
                self._spans[label],
            )
            for label in labels
        }
        return AgreementReport(self.annotators, self.documents, overall, per_label, pairs)


def _pair_coincidence(confusion: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], float]:
    """Two coders who both labelled every unit: each unit adds both ordered pairs once."""
    table: dict[tuple[str, str], float] = defaultdict(float)
    for (a, b), n in confusion.items():
        table[(a, b)] += n
        table[(b, a)] += n
    return table


def agreement(
    documents: Iterable[tuple[str, Mapping[str, Iterable[Span]]]],
    annotators: Sequence[str],
    labels: Sequence[str] | None = None,
) -> AgreementReport:
    """Agreement over ``(text, {annotator: spans})`` documents; see the module docstring."""
    counter = AgreementCounter(annotators, labels)
    for text, layers in documents:
        counter.add_document(text, {name: [s.key for s in spans] for name, spans in layers.items()})
    return counter.report()
