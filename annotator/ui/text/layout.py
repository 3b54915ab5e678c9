"""A plain-text layout that leaves room above every line for its rows of span captions.

QPlainTextDocumentLayout ignores QTextBlockFormat's line height, so after Qt lays out a
block we move its lines down, each by ``pad`` plus one ``row_height`` per caption row that
``planner`` reserves above it. QPlainTextEdit paints, hit-tests and scrolls from the line
positions and from ``blockBoundingRect``, which is derived from them, so the caret, mouse
selection and scrolling all follow the spaced lines. The plan of each block laid out is kept
in ``plans`` for painting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from annotator.ui.text.captions import CaptionPlan


class SpacedLayout(QPlainTextDocumentLayout):
    def __init__(
        self, document: QTextDocument, planner: Callable[[QTextBlock], CaptionPlan]
    ) -> None:
        super().__init__(document)
        self.planner = planner
        self.row_height = 0.0
        self.pad = 0.0
        self.plans: dict[int, CaptionPlan] = {}

    def gap(self, rows: int) -> float:
        """The room above a line with ``rows`` rows of captions."""
        return self.pad + rows * self.row_height

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        count = layout.lineCount()
        # An empty line carries no caption: it keeps its height alone, so blank lines
        # between paragraphs do not open double gaps. Qt lays a block's first line out at
        # y = 0; every other block has been spaced already.
        if not count or block.length() <= 1 or layout.lineAt(0).y() != 0 or not self.gap(1):
            return rect
        plan = self.planner(block)
        self.plans[block.blockNumber()] = plan
        y = 0.0
        for i in range(count):
            line = layout.lineAt(i)
            y += self.gap(plan.rows[i])
            line.setPosition(QPointF(line.x(), y))
            y += line.height()
        return super().blockBoundingRect(block)
