"""How spans look: tints by nesting level, underlines, caption colours.

Backgrounds are the label colour with alpha, painted over the palette's base colour, so the
same mid-tone label colours read on light and dark palettes without a second set.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPixmap, QTextCharFormat

FALLBACK_COLOR = "#8a8a8a"
# Background alpha for spans at nesting level 0, 1 and 2 or deeper.
_TINT_ALPHA = (72, 125, 175)


def readable_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on a solid ``color``."""
    luminance = 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()
    return QColor("#111111") if luminance > 0.5 else QColor("#ffffff")


class SpanStyle:
    """Label colours and the character formats derived from them (cached)."""

    def __init__(self, colors: Mapping[str, str] | None = None) -> None:
        self._colors: dict[str, QColor] = {}
        self._formats: dict[tuple[str, int], QTextCharFormat] = {}
        self._captions: dict[tuple[str, str], QPixmap] = {}  # by label and text
        self._caption_widths: dict[str, float] = {}
        self._caption_font = QFont()
        self._pixel_ratio = 1.0
        self.set_colors(colors or {})

    def set_colors(self, colors: Mapping[str, str]) -> None:
        self._colors = {name: QColor(value) for name, value in colors.items()}
        self._formats.clear()
        self._captions.clear()

    def set_caption_font(self, font: QFont, pixel_ratio: float) -> None:
        if font != self._caption_font or pixel_ratio != self._pixel_ratio:
            self._caption_font = QFont(font)
            self._pixel_ratio = pixel_ratio
            self._captions.clear()
            self._caption_widths.clear()

    def caption_height(self) -> float:
        return QFontMetricsF(self._caption_font).height() + 1

    def caption_width(self, text: str) -> float:
        width = self._caption_widths.get(text)
        if width is None:
            width = QFontMetricsF(self._caption_font).horizontalAdvance(text) + 8
            self._caption_widths[text] = width
        return width

    def caption(self, text: str, label: str | None = None) -> QPixmap:
        """``text`` (the label's name, or more) on a pill of ``label``'s colour (default:
        ``text`` names the label), drawn once and reused on every paint."""
        label = text if label is None else label
        cached = self._captions.get((label, text))
        if cached is not None:
            return cached
        rect = QRectF(0, 0, self.caption_width(text), self.caption_height())
        pixmap = QPixmap((rect.size() * self._pixel_ratio).toSize())
        pixmap.setDevicePixelRatio(self._pixel_ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.color(label)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(readable_on(color))
        painter.setFont(self._caption_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._captions[(label, text)] = pixmap
        return pixmap

    def color(self, label: str) -> QColor:
        return QColor(self._colors.get(label) or QColor(FALLBACK_COLOR))

    def char_format(self, label: str, level: int) -> QTextCharFormat:
        """The format of text whose innermost span has ``label`` at nesting ``level``.

        Level 0 is a light tint; level 1 a stronger tint with a solid underline in the inner
        label's colour; level 2 and deeper a stronger tint again with a wavy underline.
        """
        level = min(level, len(_TINT_ALPHA) - 1)
        cached = self._formats.get((label, level))
        if cached is not None:
            return cached
        color = self.color(label)
        tint = QColor(color)
        tint.setAlpha(_TINT_ALPHA[level])
        fmt = QTextCharFormat()
        fmt.setBackground(tint)
        if level >= 1:
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.SingleUnderline
                if level == 1
                else QTextCharFormat.UnderlineStyle.WaveUnderline
            )
            fmt.setUnderlineColor(color)
        self._formats[(label, level)] = fmt
        return fmt
