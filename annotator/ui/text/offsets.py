"""Code-point offsets (Python ``str``) against Qt's UTF-16 positions.

Characters outside the Basic Multilingual Plane (emoji, some CJK, maths letters) take one
code point in Python but two UTF-16 units in Qt. ``OffsetMap`` keeps the sorted code-point
positions of those characters and bisects, so a conversion costs O(log k) for k astral
characters and nothing at all when the text has none (the common case).
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets for one text in both directions."""

    __slots__ = ("_astral", "_astral_qt", "length", "qt_length")

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of the k-th astral character: k astral characters come before it.
        self._astral_qt = [pos + k for k, pos in enumerate(self._astral)]
        self.length = len(text)
        self.qt_length = len(text) + len(self._astral)

    @property
    def identity(self) -> bool:
        """True when both offset systems agree everywhere (no astral characters)."""
        return not self._astral

    def to_qt(self, offset: int) -> int:
        """The UTF-16 position of code-point ``offset`` (0..len(text))."""
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """The code-point offset of UTF-16 ``position``.

        A position between the two halves of a surrogate pair maps to the start of that
        character, so a selection can never split an emoji.
        """
        if not self._astral:
            return position
        return position - bisect_left(self._astral_qt, position)
