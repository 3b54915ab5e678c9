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
