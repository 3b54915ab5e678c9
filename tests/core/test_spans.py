from __future__ import annotations

import pytest

from annotator.core.errors import InvalidSpan
from annotator.core.spans import (
    Span,
    at_offset,
    check_span,
    crossing_pairs,
    nesting_depths,
    overlapping,
    range_problem,
)

LABELS = ["actor", "quote"]


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (Span(-1, 3, "actor"), "start -1 is negative"),
        (Span(3, 3, "actor"), "end 3 must be greater than start 3"),
        (Span(4, 2, "actor"), "must be greater than start"),
        (Span(0, 11, "actor"), "end 11 is past the end of the text (length 10)"),
        (Span(0, 2, "figure"), "unknown label 'figure' (known: actor, quote)"),
    ],
)
def test_invalid_spans_say_exactly_what_is_wrong(span: Span, message: str) -> None:
    with pytest.raises(InvalidSpan, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_span(span, text_length=10, labels=LABELS)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("0", 2, "'start' must be int, got str"),
        (0, 2.0, "'end' must be int, got float"),
        (True, 2, "'start' must be int, got bool"),
        (-1, 3, "start -1 is negative"),
        (5, 2, "end 2 must be greater than start 5"),
        (0, 11, "end 11 is past the end of the text (length 10)"),
    ],
)
def test_one_range_rule_names_the_reason(start, end, message) -> None:
    assert range_problem(start, end, 10) == message


def test_a_span_is_checked_by_the_same_range_rule() -> None:
    for start, end in ((0, 10), (9, 10), (-1, 3), (3, 3), (0, 11)):
        problem = range_problem(start, end, 10)
        if problem is None:
            check_span(Span(start, end, "actor"), text_length=10)
        else:
            with pytest.raises(InvalidSpan) as caught:
                check_span(Span(start, end, "actor"), text_length=10)
            assert str(caught.value) == problem


def test_span_covering_the_whole_text_is_valid() -> None:
    check_span(Span(0, 10, "quote"), text_length=10, labels=LABELS)


def test_spans_sort_by_position_then_label_and_ignore_ids_in_equality() -> None:
    spans = [Span(5, 9, "quote", id=1), Span(0, 4, "actor", id=2), Span(0, 4, "agency", id=3)]
    assert [s.label for s in sorted(spans)] == ["actor", "agency", "quote"]
    assert Span(0, 4, "actor", id=1, annotator="a") == Span(0, 4, "actor", id=9, annotator="b")


def test_overlap_and_nesting_queries() -> None:
    quote = Span(0, 30, "quote")
    actor = Span(5, 10, "actor")
    agency = Span(25, 40, "agency")
    location = Span(40, 45, "location")
    spans = [quote, actor, agency, location]
    assert overlapping(spans, 8, 26) == [quote, actor, agency]
    assert at_offset(spans, 6) == [actor, quote]
    assert at_offset(spans, 40) == [location]
    depths = nesting_depths(spans)
    assert depths[quote] == 0 and depths[actor] == 1 and depths[agency] == 0
    assert crossing_pairs(spans) == [(quote, agency)]
    assert quote.covers(actor) and not quote.covers(agency) and quote.overlaps(agency)
    assert not agency.overlaps(location)
