"""Where span captions go: rows stacked above each text line so that none covers another.

A caption starts at its span's first character. When two would touch, the later one goes up a
row instead of sliding right over another word; a caption too wide for the room left on its
line is pinned to the right edge and keeps a pointer to where its span starts. The layout
reserves, above each line, the rows that line's captions need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtGui import QTextLayout

CAPTION_SPACING = 3.0


@dataclass(frozen=True)
class PlacedCaption:
    """One caption, in block coordinates: ``line`` is the text line it sits above."""

    key: int
    label: str  # the caption's text: the span's label, and its speaker's name on a quote
    line: int
    left: float
    width: float
    anchor: float  # x of the span's first character
    row: int  # 0 sits just above the line, 1 above that, ...

    @property
    def pinned(self) -> bool:
        """Moved left of its span's start to fit before the right edge."""
        return self.left < self.anchor - 0.5


@dataclass
class CaptionPlan:
    captions: list[PlacedCaption] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # caption rows reserved above each line


def plan_captions(
    layout: QTextLayout,
    starts: Sequence[tuple[int, str, int]],
    width_of: Callable[[str], float],
    right: float,
) -> CaptionPlan:
    """Place a caption for each ``(key, label, position)`` start (UTF-16, block-relative),
    in the order given (outermost first at a shared start), within ``right`` (block x)."""
    rows = [1] * layout.lineCount()
    taken: dict[tuple[int, int], list[tuple[float, float]]] = {}
    placed = []
    ordered = sorted(starts, key=lambda start: start[2])  # stable: keeps outermost first
    for key, label, position in ordered:
        line = layout.lineForTextPosition(position)
        if not line.isValid():  # a span of a text not yet set: it is planned once it is
            continue
        number = line.lineNumber()
        # PySide6's stub types QTextLine.cursorToX as object; it returns (x, cursor position).
        anchor = line.cursorToX(position)[0]  # type: ignore[index]
        width = width_of(label)
        left = max(min(anchor, right - width), line.x())
        row = 0
        while _collides(taken.get((number, row), ()), left, left + width):
            row += 1
        taken.setdefault((number, row), []).append((left, left + width))
        rows[number] = max(rows[number], row + 1)
        placed.append(PlacedCaption(key, label, number, left, width, anchor, row))
    return CaptionPlan(placed, rows)


def _collides(spans: Sequence[tuple[float, float]], left: float, right: float) -> bool:
    return any(
        left < end + CAPTION_SPACING and start < right + CAPTION_SPACING for start, end in spans
    )
