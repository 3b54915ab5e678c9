"""Moving one end of a span by a word at a time, as the keyboard does."""

from __future__ import annotations

from typing import Literal

from annotator.core.snapping import _WORD as WORD

_REACH = 400
Edge = Literal["start", "end"]


def move_boundary(text: str, start: int, end: int, edge: Edge, step: int) -> tuple[int, int] | None:
    """``(start, end)`` with ``edge`` moved to the next word boundary in direction ``step``.

    The start moves between word starts and the end between word ends; ``None`` when there
    is no word to move to or the span would become empty.
    """
    where = start if edge == "start" else end
    low, high = max(0, where - _REACH), min(len(text), where + _REACH)
    words = [(m.start(), m.end()) for m in WORD.finditer(text, low, high)]
    points = [w[0] if edge == "start" else w[1] for w in words]
    if step > 0:
        target = next((p for p in points if p > where), None)
    else:
        target = next((p for p in reversed(points) if p < where), None)
    if target is None:
        return None
    moved = (target, end) if edge == "start" else (start, target)
    return moved if moved[0] < moved[1] else None
