"""Offsets counted in UTF-16 code units (JavaScript strings), turned into code points.

doccano (some versions, its issue 2290) and Label Studio's browser front end count offsets in
UTF-16 units, where a character outside the Basic Multilingual Plane (most emoji) takes two.
Python strings, and this project, count code points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.core.errors import Problem

Converter = Callable[[Any], Any]
INSIDE = object()
"""What a converter returns for an offset that falls between the two halves of a character."""


def _same(offset: Any) -> Any:
    return offset


def utf16_converter(text: str) -> Converter:
    """A function from a UTF-16 offset into ``text`` to its code-point offset; values that
    are not offsets inside the text come back unchanged for the usual checks to refuse."""
    if not text or max(text) <= "\uffff":
        return _same
    table: list[Any] = []
    for index, char in enumerate(text):
        table.append(index)
        if char > "\uffff":
            table.append(INSIDE)
    table.append(len(text))

    def convert(offset: Any) -> Any:
        if type(offset) is int and 0 <= offset < len(table):
            return table[offset]
        return offset

    return convert


def converted(
    convert: Converter, start: Any, end: Any, where: str, source: str, line: int | None
) -> tuple[Any, Any] | Problem:
    """``(start, end)`` in code points, or the problem of one of them splitting a character."""
    pair = convert(start), convert(end)
    for original, value in zip((start, end), pair, strict=True):
        if value is INSIDE:
            return Problem(
                f"{where}: UTF-16 offset {original} falls between the two halves of a character "
                "(an emoji?); the offsets do not fit this text",
                source,
                line,
            )
    return pair
