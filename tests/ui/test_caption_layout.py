"""Captions and crossing spans as drawn: stacked rows, no caption over another or over text,
each over its own span's start; a span crossing another keeps its whole extent visible."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QTextCursor
from pytestqt.qtbot import QtBot

from annotator.core.spans import Span
from annotator.ui.text import AnnotatedTextView

COLORS = {"actor": "#e8833a", "agency": "#3d8fd6", "location": "#3aa655", "quote": "#d4a017"}
ARTICLE = (
    "Karen Bass, the mayor of Los Angeles 🌴, said “the city of Paramount will rebuild” on "
    "Tuesday. Zoë Müller of the Département 🚨 des Hauts-de-Seine told reporters in Zürich "
    "that the agency ICE had left; 市长 Karen Bass agreed. The last word is Paramount"
)
WORDS = [
    ("Karen Bass", "actor"),
    ("Bass, the mayor of Los Angeles", "agency"),
    ("Los Angeles", "location"),
    ("Los Angeles 🌴", "quote"),
    ("the city of Paramount will rebuild", "quote"),
    ("the city", "agency"),
    ("Paramount", "location"),
    ("Paramount will", "actor"),
    ("Zoë Müller", "actor"),
    ("Zoë", "location"),
    ("Zoë Müller of the Département", "quote"),
    ("Département 🚨 des Hauts-de-Seine", "agency"),
    ("Hauts-de-Seine told", "quote"),
    ("Zürich", "location"),
    ("ICE", "agency"),
    ("ICE had", "actor"),
    ("市长 Karen Bass", "actor"),
    ("Karen Bass agreed", "quote"),
    ("Paramount", "actor"),
]


def article_spans() -> list[Span]:
    spans = []
    for key, (words, label) in enumerate(WORDS, 1):
        start = ARTICLE.index(words) if key < len(WORDS) else ARTICLE.rindex(words)
        spans.append(Span(start, start + len(words), label, id=key))
    return spans


def shown(
    qtbot: QtBot, width: int, spans: list[Span], text: str = ARTICLE, height: int = 700
) -> AnnotatedTextView:
    view = AnnotatedTextView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.set_document(text, spans, COLORS)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    return view


def caret(view: AnnotatedTextView, offset: int) -> QRect:
    cursor = QTextCursor(view.document())
    cursor.setPosition(len(view.text()[:offset].encode("utf-16-le")) // 2)
    return view.cursorRect(cursor)


@pytest.mark.parametrize("width", [260, 420, 700, 1100])
def test_captions_stack_without_covering_each_other_or_the_text(qtbot: QtBot, width: int) -> None:
    spans = article_spans()
    view = shown(qtbot, width, spans)
    rects = view.caption_rects()
    assert set(rects) == {span.id for span in spans}
    placed = sorted(rects.items())
    for i, (key, rect) in enumerate(placed):
        for other, other_rect in placed[i + 1 :]:
            assert not rect.intersects(other_rect), (WORDS[key - 1], WORDS[other - 1])
    carets = [QRectF(caret(view, offset)) for offset in range(len(ARTICLE) + 1)]
    for key, rect in rects.items():
        span = spans[key - 1]
        start = carets[span.start]
        # Over its own span's first character, in the gap just above that character's line.
        assert rect.left() <= start.left() + 1 <= rect.right(), WORDS[key - 1]
        assert rect.bottom() <= start.top(), WORDS[key - 1]
        assert not any(rect.intersects(text) for text in carets), WORDS[key - 1]


def test_a_click_on_any_stacked_caption_picks_that_span(qtbot: QtBot) -> None:
    view = shown(qtbot, 420, article_spans())
    for key, rect in view.caption_rects().items():
        with qtbot.waitSignal(view.captionClicked) as signal:
            qtbot.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint()
            )
        assert signal.args == [key]


def test_lines_make_room_only_for_the_caption_rows_they_need(qtbot: QtBot) -> None:
    text = "Zoë Müller spoke.\nPlain words here.\nAnother plain line."
    three = [Span(0, 10, "quote", id=1), Span(0, 3, "actor", id=2), Span(0, 10, "agency", id=3)]
    view = shown(qtbot, 600, three, text, 300)
    plain_gap = caret(view, text.index("Another")).top() - caret(view, text.index("Plain")).bottom()
    first_top = caret(view, 0).top()
    assert first_top - view.contentOffset().y() > 2.5 * plain_gap
    view.update_spans(removed=[1, 3])
    view.grab()
    assert caret(view, 0).top() < first_top


def test_a_caption_at_the_right_edge_points_at_its_own_word(qtbot: QtBot) -> None:
    text = "The agency spoke to Karen Bass and ICE"
    view = shown(qtbot, 420, [], text, 200)
    last = text.index("ICE")
    spans = [Span(last, last + 3, "location", id=1), Span(last, last + 3, "agency", id=2)]
    view.update_spans(added=spans)
    view.grab()
    rects = view.caption_rects()
    start = caret(view, last)
    assert not rects[1].intersects(rects[2])
    for rect in rects.values():
        assert rect.right() <= view.viewport().width()
        assert rect.left() <= start.left() + 1 <= rect.right()


def close_to(pixel: QColor, color: QColor) -> bool:
    return (
        abs(pixel.red() - color.red())
        + abs(pixel.green() - color.green())
        + abs(pixel.blue() - color.blue())
        < 70
    )


def test_a_crossed_span_is_outlined_in_its_colour_across_the_overlap(qtbot: QtBot) -> None:
    text = "Mayor Karen Bass said the city will rebuild."
    actor = Span(text.index("Karen"), text.index(" said"), "actor", id=1)
    quote = Span(text.index("Bass"), text.index(" will"), "quote", id=2)
    view = shown(qtbot, 600, [actor], text, 200)
    overlap = QRect(caret(view, quote.start).topLeft(), caret(view, actor.end).bottomLeft())
    overlap.adjust(3, 1, -3, 2)

    def colored(label: str) -> int:
        image = view.viewport().grab().toImage()
        color = QColor(COLORS[label])
        return sum(
            close_to(image.pixelColor(x, y), color)
            for x in range(overlap.left(), overlap.right())
            for y in range(overlap.top(), overlap.bottom())
        )

    view.update_spans(added=[quote])
    view.grab()
    # "Bass" is tinted as the quote it starts, and the actor's outline still runs under it.
    assert colored("actor") >= overlap.width() // 2
    view.update_spans(removed=[2], added=[Span(quote.start, actor.end, "quote", id=2)])
    view.grab()
    assert colored("actor") == 0  # nested, not crossing: the inner tint alone shows
