"""A plain-text layout that leaves a gap above every line for span captions.

QPlainTextDocumentLayout ignores QTextBlockFormat's line height, so after Qt lays out a
block we move its lines down, ``gap`` pixels apart. QPlainTextEdit paints, hit-tests and
scrolls from the line positions and from ``blockBoundingRect``, which is derived from them,
so the caret, mouse selection and scrolling all follow the spaced lines.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class SpacedLayout(QPlainTextDocumentLayout):
    def __init__(self, document: QTextDocument, gap: float = 0.0) -> None:
        super().__init__(document)
        self.gap = gap

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        count = layout.lineCount()
        # An empty line carries no caption: it keeps its height alone, so blank lines
        # between paragraphs do not open double gaps.
        first = self.gap if block.length() > 1 else 0.0
        if not count or layout.lineAt(0).y() == first:
            return rect
        y = first
        for i in range(count):
            line = layout.lineAt(i)
            line.setPosition(QPointF(line.x(), y))
            y += line.height() + self.gap
        return super().blockBoundingRect(block)
