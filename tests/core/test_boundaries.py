"""Moving a span's start or end by one word."""

from __future__ import annotations

from annotator.core.boundaries import move_boundary

TEXT = "ICE arrested at least 44 people, on Friday."


def test_start_and_end_move_by_whole_words() -> None:
    start, end = TEXT.index("least"), TEXT.index("people") + len("people")
    assert move_boundary(TEXT, start, end, "start", -1) == (TEXT.index("at"), end)
    assert move_boundary(TEXT, start, end, "start", 1) == (TEXT.index("44"), end)
    assert move_boundary(TEXT, start, end, "end", 1) == (start, TEXT.index("on") + 2)
    assert move_boundary(TEXT, start, end, "end", -1) == (start, TEXT.index("44") + 2)


def test_a_span_never_becomes_empty_or_leaves_the_text() -> None:
    start, end = TEXT.index("ICE"), 3
    assert move_boundary(TEXT, start, end, "start", 1) is None
    assert move_boundary(TEXT, start, end, "end", -1) is None
    assert move_boundary(TEXT, start, end, "start", -1) is None
    last = TEXT.index("Friday")
    assert move_boundary(TEXT, last, last + 6, "end", 1) is None
