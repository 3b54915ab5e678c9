"""The span a person clicked is the span every following key edits (issue 9).

Relabelling, moving a boundary or deleting a span re-sorts the span list; the edited span
must stay the current one however the list's rows move, and only it may change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.spans import Span
from annotator.store.spans import add_span, document_spans
from annotator.ui.span_list import SPAN_ID
from tests.crowded import SPANS, TEXT, at
from tests.ui.conftest import click_word

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _stored(engine, doc) -> dict[int, tuple[int, int, str]]:
    return {s.id: s.key for s in document_spans(engine, doc, "alice")}


def _current_row_span(window) -> int | None:
    index = window.span_table.currentIndex()
    return index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole) if index.isValid() else None


def test_keys_after_a_click_edit_only_the_clicked_span(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    ids = [add_span(engine, doc, "alice", span)[0].id for span in SPANS]
    clicked = ids[0]
    others = {i: s for i, s in _stored(engine, doc).items() if i != clicked}
    window = make_window()
    view = window.text_view
    start, end = at("Karen Bass")
    click_word(qtbot, view, start + 1)
    assert view.current_span_id() == clicked

    def check(expected: tuple[int, int, str]) -> None:
        stored = _stored(engine, doc)
        assert stored.pop(clicked) == expected
        assert stored == others
        assert view.current_span_id() == clicked
        assert window.workspace.current_span == clicked
        assert _current_row_span(window) == clicked

    qtbot.keyClick(view, Qt.Key.Key_2)
    check((start, end, "agency"))
    qtbot.keyClick(view, Qt.Key.Key_4)
    check((start, end, "figure"))
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)
    check((TEXT.index("said"), end, "figure"))
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)
    start = TEXT.index("Zoë")
    check((start, end, "figure"))
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    check((start, TEXT.index(" not"), "figure"))
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    check((start, TEXT.index(" let"), "figure"))

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _stored(engine, doc) == others
    assert view.current_span_id() is None
    assert window.workspace.current_span is None
    assert _current_row_span(window) is None
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _stored(engine, doc) == others
    assert window.span_table.model().rowCount() == len(others)


def test_clicks_walk_out_through_nested_spans_and_the_list_follows(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    ids = [add_span(engine, doc, "alice", span)[0].id for span in SPANS]
    window = make_window()
    view = window.text_view
    inside_ice = TEXT.index("ICE") + 1
    for expected in (ids[3], ids[4], ids[1], ids[3]):  # ICE, ICE agents, the quote, ICE
        click_word(qtbot, view, inside_ice)
        assert view.current_span_id() == expected
        assert _current_row_span(window) == expected
    click_word(qtbot, view, TEXT.index("left"))
    assert view.current_span_id() is None and _current_row_span(window) is None
    table = window.span_table
    row = next(r for r in range(len(ids)) if table.model().index(r, 0).data(SPAN_ID) == ids[7])
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current_span_id() == ids[7] == window.workspace.current_span
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert window.workspace.current_span == table.model().index(row - 1, 0).data(SPAN_ID)
    assert view.current_span_id() == window.workspace.current_span


def test_a_click_after_an_edit_meets_the_text_not_a_caption_that_moved_away(
    qtbot, engine, make_window, add_docs
) -> None:
    """Three captions starting close together stack in rows above the line; moving one
    span's start re-plans them into fewer rows, so the line moves up under where a caption
    was painted. The next click on that character walks out to the next span (it was taken
    for a click on the old caption, which left the current span as it was)."""
    (doc,) = add_docs(TEXT)
    n = TEXT.index("agents") + 3
    outer, inner, _ = (
        add_span(engine, doc, "alice", Span(s, e, "actor"))[0].id
        for s, e in ((TEXT.index("et ICE"), TEXT.index(" take")), (n, n + 1), (n + 5, n + 6))
    )
    window = make_window()
    view = window.text_view
    click_word(qtbot, view, n)
    assert view.current_span_id() == inner
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)
    assert _stored(engine, doc)[inner] == (TEXT.index("agents"), n + 1, "actor")
    click_word(qtbot, view, n)
    assert view.current_span_id() == outer == window.workspace.current_span
    assert _current_row_span(window) == outer
