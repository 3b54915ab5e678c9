"""AnnotatedTextView: the article text with its spans, read-only and selectable.

All offsets in this API are code points into the Python ``str`` given to ``set_document``;
conversion to Qt's UTF-16 positions happens here and nowhere else. The view never edits
spans and never chooses one: it shows them, outlines the span it is told is current
(``set_current_span``), and reports selections and clicks; the window's session decides.
"""

from __future__ import annotations

import html
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShowEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
    QTextLine,
    QWheelEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.spans import Span
from annotator.ui.text.captions import CaptionPlan, PlacedCaption, plan_captions
from annotator.ui.text.highlighter import SpanHighlighter
from annotator.ui.text.index import SpanIndex
from annotator.ui.text.layout import SpacedLayout
from annotator.ui.text.offsets import OffsetMap
from annotator.ui.text.style import SpanStyle

TOOLTIP_TEXT_MAX = 300
DOCUMENT_MARGIN = 14
_CAPTION_SCALE = 0.72
_MATCH = "#fff176"  # find matches: a marker yellow; the current one orange
_CURRENT_MATCH = "#ffa726"
ZOOM_RANGE = range(-8, 25)  # zoom steps, one point each, around the chosen font's size


class AnnotatedTextView(QPlainTextEdit):
    """Shows a document's text with its spans; offsets are code points throughout."""

    textClicked = Signal(object)  # code-point offset of the character clicked, or None
    captionClicked = Signal(int)  # the span whose label caption was clicked
    rangeSelected = Signal(int, int)
    zoomChanged = Signal(int)  # zoom steps from the chosen font's size

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reveal_when_shown = False
        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex("")
        self._style = SpanStyle()
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        self._layout = SpacedLayout(document, self._plan_captions)
        document.setDocumentLayout(self._layout)
        self.setDocument(document)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(2)
        self.setMouseTracking(True)

        self._highlighter = SpanHighlighter(document, self._style)
        self._current: int | None = None  # only what is outlined: set by the window
        self._hover: int | None = None
        self._last_emitted: tuple[int, int] | None = None
        self._press_point: QPointF | None = None

        self._base_font = QFont(self.font())
        self._base_font.setPointSizeF(max(self._base_font.pointSizeF() * 1.2, 12.0))
        self._zoom = 0
        self.setFont(self._base_font)
        self.selectionChanged.connect(self._forget_empty_selection)

    # ----- document and spans -------------------------------------------------------------

    def set_document(self, text: str, spans: Sequence[Span], colors: Mapping[str, str]) -> None:
        """Show ``text`` (as plain text, always) with ``spans`` coloured by label."""
        # "\r\n" would become one block break in Qt and shift every later offset by one.
        shown = text.replace("\r\n", " \n")
        self._text = text
        self._offsets = OffsetMap(text)
        self._index = SpanIndex(shown)
        self._index.add(spans)
        self._style.set_colors(colors)
        self._highlighter.set_source(self._index, self._offsets)
        self._hover = None
        self._last_emitted = None
        self._current = None
        self._layout.plans.clear()
        self.setExtraSelections([])
        self.setPlainText(shown)

    def text(self) -> str:
        """The document's text exactly as given to ``set_document``."""
        return self._text

    def set_spans(self, spans: Sequence[Span]) -> None:
        """Replace every span; re-highlights only blocks that had or now have spans."""
        touched = self._index.clear()
        touched |= self._index.add(spans)
        self._refresh(touched)

    def update_spans(self, added: Sequence[Span] = (), removed: Sequence[int] = ()) -> None:
        """Remove spans by id, then add spans (an added id replaces the span it names)."""
        touched = self._index.remove(removed)
        touched |= self._index.add(added)
        self._refresh(touched)

    def _refresh(self, blocks: set[int]) -> None:
        """The spans of ``blocks`` changed: re-format them, which lays them out again and so
        re-plans their captions."""
        self._highlighter.refresh(blocks)
        self.viewport().update()

    def set_colors(self, colors: Mapping[str, str]) -> None:
        self._style.set_colors(colors)
        self._highlighter.refresh_all()
        self.viewport().update()

    def span_at(self, offset: int) -> Span | None:
        """The innermost span containing character ``offset``."""
        hits = self._index.at(offset)
        return hits[0][1] if hits else None

    # ----- selection ------------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt(cursor.selectionEnd())
        return (start, end) if end > start else None

    def caret_offset(self) -> int:
        """The caret's position in code points."""
        return self._offsets.from_qt(self.textCursor().position())

    def select_range(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and scroll them into view."""
        start = max(0, min(start, len(self._text)))
        end = max(start, min(end, len(self._text)))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(end))
        cursor.setPosition(self._offsets.to_qt(start), QTextCursor.MoveMode.KeepAnchor)
        self._show_cursor(cursor)

    def clear_selection(self) -> None:
        """Clear the text selection."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def show_matches(self, ranges: Sequence[tuple[int, int]], current: int | None) -> None:
        """Mark find matches (code points) in the text; ``current`` (an index into ``ranges``)
        stronger. Drawn as extra selections: over the span tints, never in the document."""
        selections = []
        for i, (start, end) in enumerate(ranges):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._offsets.to_qt(start))
            cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(_CURRENT_MATCH if i == current else _MATCH))
            fmt.setForeground(QColor("#000000"))
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)

    # ----- current span ---------------------------------------------------------------------

    def current_span_id(self) -> int | None:
        """The span outlined as current."""
        return self._current

    def set_current_span(self, span_id: int | None) -> None:
        """Outline a span (``None`` or an id not shown: none). A span newly outlined drops
        the text selection; the caret moves to its start (scrolling it into view) unless it
        is in the span already, as after a click on it."""
        span = self._index.get(span_id) if span_id is not None else None
        span_id = None if span is None else span_id
        if span_id == self._current:
            return
        if span is not None:
            cursor = self.textCursor()
            cursor.clearSelection()
            if not span.start <= self._offsets.from_qt(cursor.position()) <= span.end:
                cursor.setPosition(self._offsets.to_qt(span.start))
            self._show_cursor(cursor)
        self._current = span_id
        self.viewport().update()

    def _show_cursor(self, cursor: QTextCursor) -> None:
        """Make ``cursor`` the text cursor; centre it if it was off screen.

        A hidden view has no final size, so its text is not laid out as it will be shown:
        the reveal waits until the view is shown.
        """
        if not self.isVisible():
            self.setTextCursor(cursor)
            self._reveal_when_shown = True
            return
        was_visible = self.viewport().rect().contains(self.cursorRect(cursor))
        self.setTextCursor(cursor)
        if not was_visible:
            self.centerCursor()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._reveal_when_shown:
            self._reveal_when_shown = False
            QTimer.singleShot(0, self, self._reveal_cursor)

    def _reveal_cursor(self) -> None:
        if not self.viewport().rect().contains(self.cursorRect()):
            self.centerCursor()

    # ----- user input -----------------------------------------------------------------------

    def _line_at(self, point: QPointF) -> tuple[QTextBlock, QTextLine, QPointF] | None:
        """The block and text line at viewport ``point``, and ``point`` in the block's
        coordinates. The caption gap above a line belongs to that line."""
        block = self.cursorForPosition(point.toPoint()).block()
        if not block.isValid():
            return None
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        local = point - origin
        layout = block.layout()
        lines = range(layout.lineCount())
        index = bisect_right(lines, local.y(), key=lambda i: layout.lineAt(i).rect().bottom())
        if index >= layout.lineCount():
            return None
        return block, layout.lineAt(index), local

    def _onto_text(self, event: QMouseEvent) -> QMouseEvent:
        """``event`` moved down onto the text line when it falls in the caption gap above it,
        so that pressing a little high still starts the selection under the pointer."""
        found = self._line_at(event.position())
        if found is None or found[2].y() >= found[1].y():
            return event
        _, line, local = found
        shift = QPointF(0, line.y() + line.height() / 2 - local.y())
        return QMouseEvent(
            event.type(),
            event.position() + shift,
            event.globalPosition() + shift,
            event.button(),
            event.buttons(),
            event.modifiers(),
        )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() != Qt.MouseButton.NoButton:
            super().mouseMoveEvent(self._onto_text(event))
            return
        super().mouseMoveEvent(event)
        point = event.position().toPoint()
        caption = self._caption_at(point)
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if caption is not None else Qt.CursorShape.IBeamCursor
        )
        if caption is None:
            offset = self._char_at(point)
            hits = self._index.at(offset) if offset is not None else []
            caption = hits[0][0] if hits else None
        if caption != self._hover:
            self._hover = caption
            self.viewport().update()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        if self._hover is not None:
            self._hover = None
            self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_point = event.position()
        super().mousePressEvent(self._onto_text(event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(self._onto_text(event))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(self._onto_text(event))
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._report_selection():
            return
        press = self._press_point
        if press is not None and (event.position() - press).manhattanLength() < 4:
            self._click(event.position().toPoint())

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        super().keyReleaseEvent(event)
        self._report_selection()

    def _report_selection(self) -> bool:
        """Emit ``rangeSelected`` for a new non-empty selection; True if there is one."""
        selected = self.selected_range()
        if selected is None:
            return False
        if selected != self._last_emitted:
            self._last_emitted = selected
            self.rangeSelected.emit(*selected)
        return True

    def _forget_empty_selection(self) -> None:
        if not self.textCursor().hasSelection():
            self._last_emitted = None

    def _click(self, point: QPoint) -> None:
        """Report a click on a caption (by its span) or on the text (by character)."""
        caption = self._caption_at(point)
        if caption is not None:
            self.captionClicked.emit(caption)
        else:
            self.textClicked.emit(self._char_at(point))

    def _caption_at(self, point: QPoint) -> int | None:
        """The span whose caption is under ``point`` as the text is laid out now (not as it
        was last painted: an edit or a document switch may not have been repainted yet)."""
        for key, rect in self.caption_rects().items():
            if rect.contains(QPointF(point)):
                return key
        return None

    def _char_at(self, point: QPoint) -> int | None:
        """Code-point offset of the character drawn under (or just below) viewport ``point``."""
        found = self._line_at(QPointF(point))
        if found is None:
            return None
        block, line, local = found
        rect = line.naturalTextRect()
        if not rect.left() <= local.x() < rect.right():
            return None
        position = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        return self._offsets.from_qt(block.position() + position)

    def viewportEvent(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        return super().viewportEvent(event)

    def _show_tooltip(self, event: QHelpEvent) -> None:
        point = event.pos()
        caption = self._caption_at(point)
        if caption is not None:
            span = self._index.get(caption)
            spans = [span] if span is not None else []
        else:
            offset = self._char_at(point)
            spans = [span for _, span in self._index.at(offset)] if offset is not None else []
        if not spans:
            QToolTip.hideText()
            event.ignore()
            return
        QToolTip.showText(event.globalPos(), self._tooltip_html(spans), self.viewport())

    def _tooltip_html(self, spans: Sequence[Span]) -> str:
        rows = []
        for span in spans:
            words = self._text[span.start : span.end]
            if len(words) > TOOLTIP_TEXT_MAX:
                words = words[: TOOLTIP_TEXT_MAX - 1] + "…"
            color = self._style.color(span.label).name()
            rows.append(
                f"<p style='margin:2px 0'><b style='color:{color}'>{html.escape(span.label)}</b>"
                f" {html.escape(words)}</p>"
            )
        return "<qt>" + "".join(rows) + "</qt>"

    # ----- font and zoom ------------------------------------------------------------------

    def base_font(self) -> QFont:
        """The font chosen for the text, before zoom."""
        return QFont(self._base_font)

    def set_base_font(self, font: QFont) -> None:
        self._base_font = QFont(font)
        self._apply_zoom()

    def zoom(self) -> int:
        """Zoom steps (points) added to the chosen font's size."""
        return self._zoom

    def set_zoom(self, steps: int) -> None:
        """Zoom to ``steps`` points from the chosen size, within ``ZOOM_RANGE``."""
        low = max(ZOOM_RANGE.start, 4 - math.floor(self._base_font.pointSizeF()))
        steps = max(low, min(steps, ZOOM_RANGE.stop - 1))
        if steps != self._zoom:
            self._zoom = steps
            self._apply_zoom()
            self.zoomChanged.emit(steps)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom - 1)

    def _apply_zoom(self) -> None:
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() + self._zoom)
        self.setFont(font)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.set_zoom(self._zoom + (1 if delta > 0 else -1))
            event.accept()
            return
        super().wheelEvent(event)

    # ----- painting -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_gap()

    def _caption_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * _CAPTION_SCALE)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _update_gap(self) -> None:
        """Size the caption rows for the current font and lay the text out again."""
        font = self._caption_font()
        self._style.set_caption_font(font, self.devicePixelRatioF())
        self._layout.row_height = float(math.ceil(QFontMetricsF(font).height() + 1) + 1)
        self._layout.pad = 2.0
        self.document().markContentsDirty(0, self.document().characterCount())

    def _plan_captions(self, block: QTextBlock) -> CaptionPlan:
        """Caption rows for ``block`` (its layout has just been made): called by the layout."""
        number = block.blockNumber()
        base = block.position()
        start, end = self._index.block_range(number)
        starts = [
            (key, span.label, self._offsets.to_qt(span.start) - base)
            for key, span in self._index.starting_in(number, start, end + 1)
        ]
        right = self.viewport().width() - 1.0
        return plan_captions(block.layout(), starts, self._style.caption_width, right)

    def caption_rects(self) -> dict[int, QRectF]:
        """Where the captions on screen are, by span, in viewport coordinates."""
        return {
            caption.key: rect
            for block, origin in self._visible_blocks()
            for caption, rect, _ in self._placed_captions(block, origin)
        }

    def _visible_blocks(self) -> Iterator[tuple[QTextBlock, QPointF]]:
        """Blocks on screen, with their top-left corner in viewport coordinates.

        Walked as QPlainTextEdit paints: from the first visible block down, adding heights.
        (``blockBoundingGeometry`` walks from the first visible block on every call, which
        made a screen of blocks cost a quadratic number of block rects.)
        """
        bottom = self.viewport().rect().bottom()
        offset = self.contentOffset()
        block = self.firstVisibleBlock()
        while block.isValid():
            rect = self.blockBoundingRect(block).translated(offset)
            if rect.top() > bottom:
                return
            if block.isVisible():
                yield block, rect.topLeft()
            offset.setY(offset.y() + rect.height())
            block = block.next()

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = list(self._visible_blocks())
        for block, _ in shown:
            self._highlighter.ensure(block)
        super().paintEvent(event)
        self._style.set_caption_font(self._caption_font(), self.devicePixelRatioF())
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for block, origin in shown:
            self._paint_block(painter, block, origin)
        painter.end()

    def _paint_block(
        self,
        painter: QPainter,
        block: QTextBlock,
        origin: QPointF,
    ) -> None:
        """Outline spans that cross another (in their label's colour), the one under the
        mouse (dashed) and the current one (solid), and draw the block's captions."""
        number = block.blockNumber()
        if not self._index.in_block(number):
            return
        # Every other crossing span's box is drawn inside the line, so two boxes that cross
        # never share an edge.
        for i, (_, crossed) in enumerate(self._index.crossing(number)):
            pen = QPen(self._style.color(crossed.label), 1.5)
            self._paint_outline(painter, block, origin, crossed, pen, inset=2.5 * (i % 2))
        text_color = self.palette().text().color()
        for key, pen in (
            (self._hover, QPen(text_color, 1, Qt.PenStyle.DashLine)),
            (self._current, QPen(text_color, 2)),
        ):
            span = self._index.get(key) if key is not None else None
            if span is not None and number in self._index.blocks_of(span):
                self._paint_outline(painter, block, origin, span, pen)
        placed = list(self._placed_captions(block, origin))
        for caption, rect, line_top in placed:
            if caption.pinned:  # under every caption, so it never hides one of a lower row
                self._paint_pointer(painter, caption, rect, line_top)
        for caption, rect, _ in placed:
            painter.drawPixmap(rect.topLeft(), self._style.caption(caption.label))
            if caption.key == self._current:
                painter.setPen(QPen(self.palette().text().color(), 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 4, 4)

    def _placed_captions(
        self, block: QTextBlock, origin: QPointF
    ) -> Iterator[tuple[PlacedCaption, QRectF, float]]:
        """The captions of ``block`` (its top-left at ``origin``) that are on screen, with
        their rects and the top of their line in viewport coordinates, from the block's
        current layout (so a click never meets a caption painted before an edit)."""
        layout = block.layout()
        first, last = self._visible_lines(layout, origin)
        plan = self._layout.plans.get(block.blockNumber())
        if plan is None or first > last:
            return
        height = self._style.caption_height()
        for caption in plan.captions:
            # A block laid out but never painted keeps its plan when its last span goes.
            if not first <= caption.line <= last or self._index.get(caption.key) is None:
                continue
            top = origin.y() + layout.lineAt(caption.line).y()
            bottom = top - 1 - caption.row * self._layout.row_height
            rect = QRectF(origin.x() + caption.left, bottom - height, caption.width, height)
            yield caption, rect, top

    def _paint_pointer(
        self, painter: QPainter, caption: PlacedCaption, rect: QRectF, top: float
    ) -> None:
        """A caption pinned left of its span's start points down at that start."""
        x = rect.left() - caption.left + caption.anchor
        path = QPainterPath(QPointF(x - 4, rect.bottom()))
        path.lineTo(x + 4, rect.bottom())
        path.lineTo(x, max(top + 3, rect.bottom() + 4))
        path.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._style.color(caption.label))
        painter.drawPath(path)

    def _visible_lines(self, layout: QTextLayout, origin: QPointF) -> tuple[int, int]:
        """First and last line of ``layout`` on screen (first > last when none is)."""
        lines = range(layout.lineCount())
        top, bottom = -origin.y(), self.viewport().height() - origin.y()
        first = bisect_left(lines, top, key=lambda i: layout.lineAt(i).rect().bottom())
        last = bisect_right(lines, bottom, key=lambda i: layout.lineAt(i).y()) - 1
        return first, last

    def _paint_outline(
        self,
        painter: QPainter,
        block: QTextBlock,
        origin: QPointF,
        span: Span,
        pen: QPen,
        inset: float = 0.0,
    ) -> None:
        layout = block.layout()
        base = block.position()
        start = max(self._offsets.to_qt(span.start) - base, 0)
        end = min(self._offsets.to_qt(span.end) - base, block.length() - 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        first = layout.lineForTextPosition(start).lineNumber()
        last = layout.lineForTextPosition(max(start, end - 1)).lineNumber()
        for i in range(first, last + 1):
            line = layout.lineAt(i)
            line_start = line.textStart()
            # PySide6's stub types QTextLine.cursorToX as object; it returns (x, cursor position).
            x1 = line.cursorToX(max(start, line_start))[0]  # type: ignore[index]
            x2 = line.cursorToX(min(end, line_start + line.textLength()))[0]  # type: ignore[index]
            rect = QRectF(origin.x() + x1, origin.y() + line.y(), x2 - x1, line.height())
            box = rect.adjusted(-1.5 + inset, -0.5 + inset, 1.5 - inset, 0.5 - inset)
            painter.drawRoundedRect(box, 3, 3)
