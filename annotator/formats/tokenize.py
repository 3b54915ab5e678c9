"""Tokens whose boundaries agree with the span boundaries.

Text splits into words (letters, digits and combining marks), single other characters
(punctuation, symbols, emoji with their modifiers) and white space. Every span start and end
then cuts the token it falls in, so no span ever starts or ends inside a token. As in spaCy, a
single space after a token is that token's trailing white space (``ws``); any other white space
is a token of its own. A space stays a token when a span starts on it or ends after it, so
every span maps onto whole tokens: ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` finds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
_WORD = rf"(?:\w|[{_MARKS}\u200c\u200d])+"
_FLAG = "[\U0001f1e6-\U0001f1ff]{2}"
# A symbol with its marks, skin tone and zero-width-joined symbols: 👍🏽 and 👨‍👩‍👧 stay whole.
_SYMBOL = rf"[^\w\s](?:[{_MARKS}\U0001f3fb-\U0001f3ff]|\u200d[^\w\s])*"
_PIECE = re.compile(rf"\s+|{_WORD}|{_FLAG}|{_SYMBOL}")


class Token(NamedTuple):
    start: int
    end: int
    ws: bool

    def is_space(self, text: str) -> bool:
        return text[self.start : self.end].isspace()


def tokenize(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[Token]:
    """Tokens of ``text`` covering it entirely (with their ``ws``), cut at every span edge."""
    starts: set[int] = set()
    ends: set[int] = set()
    for start, end in spans:
        starts.add(start)
        ends.add(end)
    cuts = sorted(starts | ends)
    pieces: list[tuple[int, int]] = []
    index = 0
    for match in _PIECE.finditer(text):
        start, end = match.span()
        while index < len(cuts) and cuts[index] <= start:
            index += 1
        while index < len(cuts) and cuts[index] < end:
            pieces.append((start, cuts[index]))
            start = cuts[index]
            index += 1
        pieces.append((start, end))
    tokens: list[Token] = []
    for start, end in pieces:
        if (
            text[start] == " "
            and tokens
            and not tokens[-1].ws
            and not tokens[-1].is_space(text)
            and tokens[-1].end == start
            and start not in starts
            and start + 1 not in ends
        ):
            tokens[-1] = tokens[-1]._replace(ws=True)
            start += 1
            if start == end:
                continue
        tokens.append(Token(start, end, False))
    return tokens
