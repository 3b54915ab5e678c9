"""Spans by id and by text block, so a change touches only the blocks it concerns."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from annotator.core.spans import Span

# The characters at which QTextDocument starts a new block when given plain text.
_BLOCK_BREAK = re.compile("[\n\r\u2029]")


class SpanIndex:
    """The spans of one text, addressable by key and by block number.

    A span's key is its database id; spans without one get negative keys of their own.
    """

    def __init__(self, text: str) -> None:
        self._block_starts = [0, *(m.end() for m in _BLOCK_BREAK.finditer(text))]
        self._length = len(text)
        self._spans: dict[int, Span] = {}
        self._blocks: dict[int, list[int]] = {}
        self._next_unsaved = -1

    def __len__(self) -> int:
        return len(self._spans)

    def get(self, key: int) -> Span | None:
        return self._spans.get(key)

    def block_range(self, number: int) -> tuple[int, int]:
        """Code-point range of block ``number``'s text, without its line break."""
        start = self._block_starts[number]
        if number + 1 < len(self._block_starts):
            return start, self._block_starts[number + 1] - 1
        return start, self._length

    def block_of(self, offset: int) -> int:
        return bisect_right(self._block_starts, offset) - 1

    def blocks_of(self, span: Span) -> range:
        return range(self.block_of(span.start), self.block_of(max(span.start, span.end - 1)) + 1)

    def add(self, spans: Iterable[Span]) -> set[int]:
        """Add spans (replacing any with the same id); returns the blocks to repaint."""
        touched: set[int] = set()
        for span in spans:
            key = span.id
            if key is None:
                key = self._next_unsaved
                self._next_unsaved -= 1
            elif key in self._spans:
                touched |= self.remove([key])
            self._spans[key] = span
            for number in self.blocks_of(span):
                self._blocks.setdefault(number, []).append(key)
                touched.add(number)
        return touched

    def remove(self, keys: Iterable[int]) -> set[int]:
        """Remove spans by key (unknown keys are ignored); returns the blocks to repaint."""
        touched: set[int] = set()
        for key in keys:
            span = self._spans.pop(key, None)
            if span is None:
                continue
            for number in self.blocks_of(span):
                members = self._blocks[number]
                members.remove(key)
                if not members:
                    del self._blocks[number]
                touched.add(number)
        return touched

    def clear(self) -> set[int]:
        touched = set(self._blocks)
        self._spans.clear()
        self._blocks.clear()
        return touched

    def in_block(self, number: int) -> list[tuple[int, Span]]:
        """(key, span) pairs touching block ``number``, outermost first at each start."""
        keys = self._blocks.get(number)
        if not keys:
            return []
        pairs = [(key, self._spans[key]) for key in keys]
        pairs.sort(key=lambda pair: (pair[1].start, -pair[1].end, pair[1].label))
        return pairs

    def at(self, offset: int) -> list[tuple[int, Span]]:
        """(key, span) pairs containing character ``offset``, innermost first."""
        if not 0 <= offset < self._length:
            return []
        hits = [pair for pair in self.in_block(self.block_of(offset)) if pair[1].start <= offset]
        hits = [pair for pair in hits if offset < pair[1].end]
        hits.sort(key=lambda pair: (pair[1].end - pair[1].start, -pair[1].start, pair[1].label))
        return hits
