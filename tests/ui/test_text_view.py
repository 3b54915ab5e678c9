"""The article text view, driven like a user would: mouse, keys, signals, what is drawn."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QSplitter, QToolTip
from pytestqt.qtbot import QtBot

from annotator.core.spans import Span
from annotator.ui.text import AnnotatedTextView
from annotator.ui.text.offsets import OffsetMap

COLORS = {"actor": "#e8833a", "agency": "#3d8fd6", "quote": "#d4a017"}
EMOJI_TEXT = "Protest 🚨🙂 today: the mayor of Paramount spoke to reporters."


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def make_view(qtbot: QtBot, text: str, spans: list[Span] = ()) -> AnnotatedTextView:
    view = AnnotatedTextView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.set_document(text, spans, COLORS)
    view.show()
    qtbot.waitExposed(view)
    return view


def char_point(view: AnnotatedTextView, offset: int) -> QPoint:
    """Viewport point over the middle of character ``offset``."""
    text = view.text()
    cursor = QTextCursor(view.document())
    cursor.setPosition(utf16(text, offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(utf16(text, offset + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def gap_point(view: AnnotatedTextView, offset: int) -> QPoint:
    """Viewport point on the boundary before character ``offset``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(utf16(view.text(), offset))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x(), rect.center().y())


@given(st.text(alphabet=st.sampled_from("ab \n\u00e9\u4e2d🙂🚨\U0001d400"), max_size=60))
def test_offsets_round_trip_through_utf16(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.qt_length == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        qt = offsets.to_qt(i)
        assert qt == utf16(text, i)
        assert offsets.from_qt(qt) == i
        if i < len(text) and ord(text[i]) > 0xFFFF:
            assert offsets.from_qt(qt + 1) == i


def test_mouse_drag_after_an_emoji_reports_code_points(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    start = EMOJI_TEXT.index("the mayor")
    end = start + len("the mayor")
    with qtbot.waitSignal(view.rangeSelected) as signal:
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=gap_point(view, start))
        qtbot.mouseMove(view.viewport(), gap_point(view, end))
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=gap_point(view, end))
    assert signal.args == [start, end]
    assert view.selected_range() == (start, end)


def test_double_click_selects_a_word_after_an_emoji(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    start = EMOJI_TEXT.index("Paramount")
    point = char_point(view, start + 3)
    with qtbot.waitSignal(view.rangeSelected) as signal:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert signal.args == [start, start + len("Paramount")]


def test_shift_arrows_select_from_the_keyboard(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    start = EMOJI_TEXT.index("today")
    view.select_range(start, start)
    view.setFocus()
    with qtbot.waitSignal(view.rangeSelected) as signal:
        for _ in range(5):
            qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (start, start + 5)
    assert EMOJI_TEXT[slice(*view.selected_range())] == "today"
    assert signal.args[0] == start
    view.clear_selection()
    assert view.selected_range() is None


def test_select_range_round_trips_across_emoji(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    view.select_range(8, 12)
    assert view.selected_range() == (8, 12)
    assert view.textCursor().selectedText() == EMOJI_TEXT[8:12]


def test_a_click_reports_the_character_and_chooses_nothing(qtbot: QtBot) -> None:
    text = "“ICE out of Paramount,” a woman said. 🙂 Zoë"
    quote = Span(1, text.index("”"), "quote", id=1)
    ice = Span(1, 4, "agency", id=2)
    view = make_view(qtbot, text, [quote, ice])
    for offset in (2, 30, text.index("Zoë") + 1):
        with qtbot.waitSignal(view.textClicked) as signal:
            qtbot.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, offset)
            )
        assert signal.args == [offset]
        assert view.current_span_id() is None


def test_span_at_and_set_current_span(qtbot: QtBot) -> None:
    start = EMOJI_TEXT.index("the mayor")
    actor = Span(start, start + 9, "actor", id=7)
    view = make_view(qtbot, EMOJI_TEXT, [actor])
    assert view.span_at(start + 4) == actor
    assert view.span_at(start + 9) is None
    view.set_current_span(7)
    assert view.current_span_id() == 7
    view.update_spans(removed=[7])
    assert view.span_at(start + 4) is None
    view.set_current_span(7)
    assert view.current_span_id() is None, "a span not shown is not outlined"
    view.update_spans(added=[actor])
    view.set_current_span(7)
    view.set_document("Another article.", [], COLORS)
    assert view.current_span_id() is None


def test_html_looking_text_shows_literally(qtbot: QtBot) -> None:
    text = "<b>bold</b> <img src=x> &amp; more"
    view = make_view(qtbot, text, [Span(0, 11, "actor", id=1)])
    assert view.toPlainText() == text
    assert view.document().blockCount() == 1
    assert not any(f.isImageFormat() for f in view.document().allFormats())
    point = char_point(view, 2)
    hover = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    view.viewportEvent(hover)
    assert "&lt;b&gt;bold&lt;/b&gt;" in QToolTip.text()


def formats_of_block(view: AnnotatedTextView, number: int = 0) -> list[tuple[int, int, str]]:
    """The highlighting of block ``number`` as drawn (the view formats blocks as it paints)."""
    view.grab()
    layout = view.document().findBlockByNumber(number).layout()
    return sorted(
        (r.start, r.length, r.format.background().color().name()) for r in layout.formats()
    )


def test_update_spans_rehighlights_what_changed(qtbot: QtBot) -> None:
    start = EMOJI_TEXT.index("the mayor")
    view = make_view(qtbot, EMOJI_TEXT, [Span(0, 7, "agency", id=1)])
    assert formats_of_block(view) == [(0, 7, COLORS["agency"])]
    view.update_spans(added=[Span(start, start + 9, "actor", id=2)], removed=[1])
    qt_start = utf16(EMOJI_TEXT, start)
    assert formats_of_block(view) == [(qt_start, 9, COLORS["actor"])]
    view.set_spans([])
    assert formats_of_block(view) == []


def test_nested_spans_look_different_from_their_parent(qtbot: QtBot) -> None:
    text = "“ICE out of Paramount,” a woman said."
    view = make_view(qtbot, text, [Span(1, 21, "quote", id=1), Span(1, 4, "agency", id=2)])
    view.grab()
    layout = view.document().firstBlock().layout()
    ranges = layout.formats()
    by_start = {r.start: r.format for r in ranges}
    inner, outer = by_start[1], by_start[4]
    assert inner.underlineStyle() != outer.underlineStyle()
    assert inner.background().color().alpha() > outer.background().color().alpha()
    assert inner.background().color().name() == COLORS["agency"]
    assert outer.background().color().name() == COLORS["quote"]


def long_text(paragraphs: int = 200) -> str:
    return "\n\n".join(f"Paragraph {i} 🙂 tells of the mayor and ICE." for i in range(paragraphs))


def on_screen(view: AnnotatedTextView, offset: int) -> bool:
    cursor = QTextCursor(view.document())
    cursor.setPosition(utf16(view.text(), offset))
    return view.viewport().rect().contains(view.cursorRect(cursor))


def test_set_current_span_scrolls_a_far_span_into_view(qtbot: QtBot) -> None:
    text = long_text()
    start = text.index("Paragraph 180")
    view = make_view(qtbot, text, [Span(start, start + 13, "actor", id=5)])
    assert not on_screen(view, start)
    view.set_current_span(5)
    assert on_screen(view, start)
    assert view.current_span_id() == 5
    assert view.selected_range() is None


@pytest.mark.parametrize("paragraph", ["Paragraph 0 ", "Paragraph 180"])
@pytest.mark.parametrize("reveal", ["select_range", "set_current_span"])
def test_a_span_revealed_before_the_view_is_shown_is_on_screen_once_shown(
    qtbot: QtBot, paragraph: str, reveal: str
) -> None:
    text = "\n\n".join(
        f"{line} and a long sentence that wraps." for line in long_text().split("\n\n")
    )
    start = text.index(paragraph)
    window = QSplitter()
    qtbot.addWidget(window)
    view = AnnotatedTextView(window)
    view.set_document(text, [Span(start, start + 9, "actor", id=5)], COLORS)
    if reveal == "select_range":
        view.select_range(start, start + 9)
    else:
        view.set_current_span(5)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: on_screen(view, start))
    qtbot.wait(50)
    assert on_screen(view, start)


def test_select_range_scrolls_and_far_spans_get_highlighted_when_shown(qtbot: QtBot) -> None:
    text = long_text()
    start = text.index("mayor", text.index("Paragraph 150"))
    view = make_view(qtbot, text)
    view.grab()
    view.update_spans(added=[Span(start, start + 5, "actor", id=9)])
    view.select_range(start, start + 5)
    assert on_screen(view, start)
    block = view.document().findBlock(utf16(text, start)).blockNumber()
    assert [fmt[2] for fmt in formats_of_block(view, block)] == [COLORS["actor"]]


def test_clicking_a_caption_picks_its_span(qtbot: QtBot) -> None:
    text = "“ICE out of Paramount,” a woman said."
    view = make_view(qtbot, text, [Span(1, 21, "quote", id=1), Span(1, 4, "agency", id=2)])
    view.grab()
    start = gap_point(view, 1)
    above = QPoint(start.x() + 4, view.cursorRect().top() - 8)
    assert view.cursorRect().top() - 8 > 0
    with qtbot.waitSignal(view.captionClicked) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=above)
    assert signal.args == [1]
    assert view.current_span_id() is None


def _caption_point(view: AnnotatedTextView, offset: int) -> QPoint:
    """A point on the caption of a span starting at ``offset`` (in the gap above its line)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(utf16(view.text(), offset))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 4, rect.top() - 8)


def test_captions_follow_added_and_removed_spans_and_rewrapped_lines(qtbot: QtBot) -> None:
    first = "Karen Bass met ICE agents in Paramount on Friday, said the mayor’s office. "
    text = first * 3 + "\n" + "Bill Essayli 🚨 spoke to Reuters about 44 arrests. " * 3
    spans = [Span(0, 10, "actor", id=1), Span(15, 18, "agency", id=2)]
    view = make_view(qtbot, text, spans)
    view.grab()
    later = text.index("Paramount", len(first))
    view.update_spans(added=[Span(later, later + 7, "agency", id=9)])
    view.grab()
    with qtbot.waitSignal(view.captionClicked) as signal:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=_caption_point(view, later)
        )
    assert signal.args == [9]
    before = _caption_point(view, later)
    view.resize(360, 400)
    view.grab()
    moved = _caption_point(view, later)
    assert moved != before
    with qtbot.waitSignal(view.captionClicked) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=moved)
    assert signal.args == [9]
    view.update_spans(removed=[9])
    view.grab()
    with qtbot.assertNotEmitted(view.captionClicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=moved)
    with qtbot.waitSignal(view.captionClicked) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_caption_point(view, 15))
    assert signal.args == [2]


def test_tooltip_names_every_label_under_the_pointer(qtbot: QtBot) -> None:
    text = "“ICE out of Paramount,” a woman said."
    view = make_view(qtbot, text, [Span(1, 21, "quote", id=1), Span(1, 4, "agency", id=2)])
    point = char_point(view, 2)
    view.viewportEvent(QHelpEvent(QEvent.Type.ToolTip, point, view.mapToGlobal(point)))
    tip = QToolTip.text()
    assert "agency" in tip and "quote" in tip
    assert tip.index("agency") < tip.index("quote")


def test_a_plain_click_selects_nothing(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    with qtbot.assertNotEmitted(view.rangeSelected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, 20))
    assert view.selected_range() is None
    assert view.current_span_id() is None


def test_line_breaks_of_every_kind_keep_offsets_and_highlights_aligned(qtbot: QtBot) -> None:
    """Qt turns "\\r\\n" into one break and treats \\r, U+2029 and its frame markers as
    breaks; a span anywhere must still be highlighted and selected exactly where it is."""
    view = make_view(qtbot, "")
    pieces = st.sampled_from(
        ["ab", " ", "\n", "\r\n", "\r", "\u2029", "\ufdd0", "🙂", "é", "\u2028"]
    )

    @settings(max_examples=40, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=12).map("".join), st.data())
    def check(text: str, data: st.DataObject) -> None:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        view.set_document(text, [Span(start, end, "actor", id=1)], COLORS)
        view.select_range(start, end)
        assert view.selected_range() == (start, end)
        assert view.span_at(start) == Span(start, end, "actor")
        qt_start = utf16(text, start)
        block = view.document().findBlock(qt_start)
        highlighted = formats_of_block(view, block.blockNumber())
        if qt_start < block.position() + block.length() - 1:
            assert highlighted[0][0] == qt_start - block.position()
            assert highlighted[0][2] == COLORS["actor"]

    check()


def test_a_drag_starting_in_the_caption_gap_starts_at_the_word_below(qtbot: QtBot) -> None:
    view = make_view(qtbot, EMOJI_TEXT)
    start = EMOJI_TEXT.index("the mayor")
    end = start + len("the mayor")
    above = gap_point(view, start) - QPoint(0, view.cursorRect().height() // 2 + 4)
    with qtbot.waitSignal(view.rangeSelected) as signal:
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=above)
        qtbot.mouseMove(view.viewport(), gap_point(view, end))
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=gap_point(view, end))
    assert signal.args == [start, end]
