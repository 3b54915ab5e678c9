"""Snapping a raw selection to the span a person meant.

A selection made by mouse or keyboard often starts or stops inside a word, or takes a space
or a comma with it. Snapping extends partial words to whole words and trims surrounding
white space and punctuation. For quotes it keeps everything inside the quotation marks,
punctuation included, and drops the marks themselves.
"""

from __future__ import annotations

import re

# A word: letters or digits, joined by an apostrophe, hyphen, period or comma between two
# word characters, so "3,000", "U.S", "non-immigrants" and "Angelenos'" stay whole.
_WORD = re.compile(r"\w+(?:[’'\-.,]\w+)*")
OPENING_QUOTES = "\"'“‘«‹„‚"
CLOSING_QUOTES = "\"'”’»›“‘"
_KEEP_BEFORE = "$€£¥#@"
_KEEP_AFTER = "%"


def _word_bounds(text: str, offset: int) -> tuple[int, int] | None:
    """The bounds of the word containing ``text[offset]``, if it is a word character."""
    if not 0 <= offset < len(text) or not (text[offset].isalnum() or text[offset] == "_"):
        return None
    left = offset
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "_’'-.,"):
        left -= 1
    for match in _WORD.finditer(text, left, min(len(text), offset + 200)):
        if match.start() <= offset < match.end():
            return match.start(), match.end()
    return offset, offset + 1


def _extend_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    first = _word_bounds(text, start)
    if first:
        start = min(start, first[0])
    last = _word_bounds(text, end - 1)
    if last:
        end = max(end, last[1])
    return start, end


def _trim(text: str, start: int, end: int, keep_punctuation: bool) -> tuple[int, int]:
    def junk_at_start(ch: str) -> bool:
        return ch.isspace() or not (keep_punctuation or ch.isalnum() or ch in _KEEP_BEFORE)

    def junk_at_end(ch: str) -> bool:
        return ch.isspace() or not (keep_punctuation or ch.isalnum() or ch in _KEEP_AFTER)

    while start < end and junk_at_start(text[start]):
        start += 1
    while end > start and junk_at_end(text[end - 1]):
        end -= 1
    return start, end


def _strip_quote_marks(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = _trim(text, start, end, keep_punctuation=True)
    if start < end and text[start] in OPENING_QUOTES:
        start += 1
    if end > start and text[end - 1] in CLOSING_QUOTES:
        end -= 1
    return _trim(text, start, end, keep_punctuation=True)


def snap(text: str, start: int, end: int, label: str | None = None) -> tuple[int, int] | None:
    """Snap ``[start, end)`` to whole words; ``None`` if nothing worth a span is left.

    With ``label == "quote"`` the inside of the quotation marks is kept as selected, with
    its punctuation, and the marks are dropped.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start >= end:
        return None
    is_quote = label == "quote"
    start, end = _trim(text, start, end, keep_punctuation=is_quote)
    if start >= end:
        return None
    start, end = _extend_to_words(text, start, end)
    if is_quote:
        start, end = _strip_quote_marks(text, start, end)
    return (start, end) if start < end else None
