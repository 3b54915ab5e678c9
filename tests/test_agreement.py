"""Agreement figures: hand-worked examples, and the reference library on random data."""

from __future__ import annotations

import re
from itertools import permutations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import (
    OUTSIDE,
    agreement,
    overlap_matches,
    token_labels,
)
from annotator.core.spans import Span

# Tokens: Mayor Karen Bass told ICE agents in downtown Los Angeles to leave
#         0     1     2    3    4   5      6  7        8   9       10 11
TEXT = "Mayor Karen Bass told ICE agents in downtown Los Angeles to leave"
ANA = [
    Span(0, 16, "actor"),  # Mayor Karen Bass
    Span(6, 16, "actor"),  # Karen Bass, nested in the one above
    Span(22, 25, "agency"),  # ICE
    Span(36, 48, "location"),  # downtown Los
]
BEN = [
    Span(6, 16, "actor"),  # Karen Bass: the one exact match
    Span(22, 32, "agency"),  # ICE agents: contains ana's ICE
    Span(45, 56, "location"),  # Los Angeles: crosses ana's downtown Los
    Span(60, 65, "quote"),  # leave: a label only ben used
]


def test_span_f1_exact_and_overlap_by_hand() -> None:
    report = agreement([(TEXT, {"ana": ANA, "ben": BEN})], ["ana", "ben"])
    assert report.documents == 1
    # exact: only Karen Bass; overlap: actor, agency and location pair up one to one.
    assert report.overall.f1_exact == pytest.approx(2 * 1 / 8)
    assert report.overall.f1_overlap == pytest.approx(2 * 3 / 8)
    actor = report.labels["actor"]
    assert (actor.precision_exact, actor.recall_exact) == (1.0, 0.5)
    assert actor.f1_exact == pytest.approx(2 / 3)
    assert actor.f1_overlap == pytest.approx(2 / 3)  # ben's one span matches one of ana's two
    quote = report.labels["quote"]
    assert (quote.f1_exact, quote.f1_overlap, quote.precision_exact) == (0.0, 0.0, 0.0)
    assert quote.recall_exact is None  # ana has no quote: recall has nothing to find
    assert quote.spans == 1
    assert list(report.labels) == ["actor", "agency", "location", "quote"]


def test_token_kappa_and_alpha_by_hand() -> None:
    # ana: act act act O ag O  O loc loc O   O O
    # ben: O   act act O ag ag O O   loc loc O quote
    # agreed on 7 of 12 tokens; row marginals act 3 ag 1 loc 2 O 6, columns act 2 ag 2 loc 2
    # quote 1 O 5: p_e = (6 + 2 + 4 + 30) / 144 = 7/24, kappa = (7/12 - 7/24) / (17/24) = 7/17.
    report = agreement([(TEXT, {"ana": ANA, "ben": BEN})], ["ana", "ben"])
    assert report.overall.kappa == pytest.approx(7 / 17)
    # alpha: 24 pairable values, 10 disagreeing ordered pairs, marginals act 5 ag 3 loc 4
    # O 11 quote 1: alpha = 1 - 23 * 10 / (576 - 172) = 87/202.
    assert report.overall.alpha == pytest.approx(87 / 202)
    # quote alone: ana never says quote, so agreement is exactly chance.
    assert report.labels["quote"].kappa == pytest.approx(0.0)


def test_innermost_span_labels_nested_tokens() -> None:
    text = "the Los Angeles Police Department said"
    spans = [Span(4, 33, "agency"), Span(4, 15, "location")]
    labels = token_labels(text, spans)
    assert labels == [OUTSIDE, "location", "location", "agency", "agency", OUTSIDE]


def test_span_partly_covering_a_token_labels_the_whole_token() -> None:
    text = "Bass's office"
    labels = token_labels(text, [Span(2, 4, "actor")])
    assert labels == ["actor", OUTSIDE, OUTSIDE, OUTSIDE]


def test_empty_document_counts_but_measures_nothing() -> None:
    report = agreement([("", {"ana": [], "ben": []})], ["ana", "ben"])
    assert report.documents == 1
    assert report.overall.f1_exact is None
    assert report.overall.kappa is None
    assert report.overall.alpha is None
    assert report.labels == {}


def test_identical_annotations_agree_perfectly() -> None:
    report = agreement([(TEXT, {"ana": ANA, "ben": list(ANA)})], ["ana", "ben"])
    assert report.overall.f1_exact == 1.0
    assert report.overall.kappa == pytest.approx(1.0)
    assert report.overall.alpha == pytest.approx(1.0)


def test_document_only_one_chosen_annotator_worked_on_is_left_out() -> None:
    report = agreement(
        [(TEXT, {"ana": ANA}), (TEXT, {"ana": ANA, "ben": BEN, "cy": ANA})], ["ana", "ben"]
    )
    assert report.documents == 1
    assert report.overall.kappa == pytest.approx(7 / 17)


def test_three_annotators_mean_over_pairs_and_joint_alpha() -> None:
    docs = [(TEXT, {"ana": ANA, "ben": BEN, "cy": ANA})]
    report = agreement(docs, ["ana", "ben", "cy"])
    assert [p.annotators for p in report.pairs] == [("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    assert report.overall.f1_exact == pytest.approx((0.25 + 1.0 + 0.25) / 3)
    assert report.overall.kappa == pytest.approx((7 / 17 + 1.0 + 7 / 17) / 3)
    ana, ben = (token_labels(TEXT, s) for s in (ANA, BEN))
    assert report.overall.alpha == pytest.approx(_reference_alpha([ana, ben, ana]))


def test_labels_option_restricts_every_figure() -> None:
    report = agreement([(TEXT, {"ana": ANA, "ben": BEN})], ["ana", "ben"], labels=["actor"])
    assert list(report.labels) == ["actor"]
    assert report.overall.f1_exact == pytest.approx(2 / 3)
    assert report.overall.spans == 3


def test_overlap_matching_is_maximum_not_greedy() -> None:
    # Greedy in order would pair (0,10) with (0,5) and leave (2,3) without a partner.
    assert overlap_matches([(0, 10), (2, 3)], [(0, 5), (8, 12)]) == 2


def test_exact_pairs_are_kept_before_overlap_pairs() -> None:
    # A maximum matching over everything would pair (0,3)-(0,10) and (0,10)-(8,12) for 2;
    # the exact pair (0,10)-(0,10) stays, and (0,3) and (8,12) do not overlap: 1.
    first = [Span(0, 10, "actor"), Span(0, 3, "actor")]
    second = [Span(0, 10, "actor"), Span(8, 12, "actor")]
    report = agreement([("x" * 12, {"a": first, "b": second})], ["a", "b"])
    assert report.overall.f1_overlap == report.overall.f1_exact == pytest.approx(0.5)


def test_json_shape() -> None:
    data = agreement([(TEXT, {"ana": ANA, "ben": BEN})], ["ana", "ben"]).as_dict()
    assert set(data) == {"annotators", "documents", "overall", "labels", "pairs"}
    assert {"f1_exact", "f1_overlap", "kappa", "alpha"} <= set(data["overall"])
    assert data["pairs"][0]["annotators"] == ["ana", "ben"]
    assert data["labels"]["actor"]["f1_exact"] == pytest.approx(2 / 3)


# -- random data against independent computations -------------------------------------------

LABELS = ["actor", "agency", "location"]
WORDS = st.lists(
    st.sampled_from(["Bass", "ICE", "said", ",", "L.A.", "44", "Zoë", "🚨", "“no”"]), max_size=30
)


@st.composite
def documents(draw, coders: int):
    words = draw(WORDS)
    text = " ".join(words)
    layers = {}
    for i in range(coders):
        spans = set()
        for _ in range(draw(st.integers(0, 6))):
            if len(text) < 2:
                break
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, min(len(text), start + 15)))
            spans.add(Span(start, end, draw(st.sampled_from(LABELS))))
        if draw(st.booleans()) or i < 2:
            layers[f"a{i}"] = sorted(spans)
    return text, layers


def _reference_token_labels(text: str, spans: list[Span]) -> list[str]:
    """Token by token: the shortest overlapping span's label, ties to the first label by name."""
    labels = []
    for match in re.finditer(r"\w+|[^\w\s]", text):
        touching = [s for s in spans if s.start < match.end() and match.start() < s.end]
        best = min(touching, key=lambda s: (s.end - s.start, s.label), default=None)
        labels.append(best.label if best else OUTSIDE)
    return labels


@settings(max_examples=200, deadline=None)
@given(documents(coders=1))
def test_token_labels_match_token_by_token_reference(doc) -> None:
    text, layers = doc
    assert token_labels(text, layers["a0"]) == _reference_token_labels(text, layers["a0"])


def _reference_alpha(columns: list[list[str | None]]) -> float:
    values = sorted({v for column in columns for v in column if v is not None})
    index = {v: i for i, v in enumerate(values)}
    data = np.array(
        [[np.nan if v is None else index[v] for v in column] for column in columns], dtype=float
    )
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def _reference_kappa(first: list[str], second: list[str]) -> float:
    values = sorted(set(first) | set(second))
    index = {v: i for i, v in enumerate(values)}
    table = np.zeros((len(values), len(values)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    table /= table.sum()
    expected = table.sum(axis=1) @ table.sum(axis=0)
    return (np.trace(table) - expected) / (1 - expected)


@settings(max_examples=150, deadline=None)
@given(st.lists(documents(coders=3), min_size=1, max_size=4))
def test_alpha_matches_krippendorff_library(docs) -> None:
    report = agreement(docs, ["a0", "a1", "a2"])
    columns: list[list[str | None]] = [[], [], []]
    for text, layers in docs:
        for i, column in enumerate(columns):
            name = f"a{i}"
            labels = _reference_token_labels(text, layers.get(name, []))
            column.extend(labels if name in layers else [None] * len(labels))
    pooled = [v for column in columns for v in column if v is not None]
    if len(set(pooled)) < 2:
        assert report.overall.alpha is None
        return
    assert report.overall.alpha == pytest.approx(_reference_alpha(columns))


@settings(max_examples=150, deadline=None)
@given(st.lists(documents(coders=2), min_size=1, max_size=4))
def test_kappa_matches_independent_computation(docs) -> None:
    report = agreement(docs, ["a0", "a1"])
    first, second = [], []
    for text, layers in docs:
        first.extend(_reference_token_labels(text, layers["a0"]))
        second.extend(_reference_token_labels(text, layers["a1"]))
    if not first or len(set(first) | set(second)) < 2:
        assert report.overall.kappa is None
        return
    expected = _reference_kappa(first, second)
    assert report.overall.kappa == pytest.approx(expected)
    assert report.pairs[0].overall.alpha == pytest.approx(_reference_alpha([first, second]))


ranges = st.lists(
    st.tuples(st.integers(0, 20), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=5,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(ranges, ranges)
def test_overlap_matching_equals_brute_force(first, second) -> None:
    def overlaps(a, b):
        return a[0] < b[1] and b[0] < a[1]

    small, large = sorted([first, second], key=len)
    best = 0
    for chosen in permutations(large, len(small)):
        best = max(best, sum(overlaps(a, b) for a, b in zip(small, chosen, strict=True)))
    assert overlap_matches(first, second) == best
