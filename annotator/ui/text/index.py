"""Spans by id and by text block, so a change touches only the blocks it concerns."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from annotator.core.spans import Span

# The characters at which QTextDocument starts a new block when given plain text (U+FDD0 and
# U+FDD1 are Qt's frame markers). Each stays one UTF-16 unit, so offsets are unaffected.
_BLOCK_BREAK = re.compile("[\n\r\u2029\ufdd0\ufdd1]")


class SpanIndex:
    """The spans of one text, addressable by key and by block number.

    A span's key is its database id; spans without one get negative keys of their own.
    """

    def __init__(self, text: str) -> None:
        self._block_starts = [0, *(m.end() for m in _BLOCK_BREAK.finditer(text))]
        self._length = len(text)
        self._spans: dict[int, Span] = {}
        self._blocks: dict[int, list[int]] = {}
        self._sorted: dict[int, list[tuple[int, Span]]] = {}
        self._crossing: dict[int, list[tuple[int, Span]]] = {}
        self._next_unsaved = -1

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
        self._forget(touched)
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
        self._forget(touched)
        return touched

    def clear(self) -> set[int]:
        touched = set(self._blocks)
        self._spans.clear()
        self._blocks.clear()
        self._sorted.clear()
        self._crossing.clear()
        return touched

    def _forget(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            self._sorted.pop(number, None)
            self._crossing.pop(number, None)

    def in_block(self, number: int) -> list[tuple[int, Span]]:
        """(key, span) pairs touching block ``number``, by start, outermost first at a start.

        The list is cached until the block's spans change; callers must not modify it.
        """
        pairs = self._sorted.get(number)
        if pairs is None:
            keys = self._blocks.get(number, ())
            pairs = sorted(
                ((key, self._spans[key]) for key in keys),
                key=lambda pair: (pair[1].start, -pair[1].end, pair[1].label),
            )
            self._sorted[number] = pairs
        return pairs

    def crossing(self, number: int) -> list[tuple[int, Span]]:
        """The pairs of block ``number`` whose span crosses another span: they overlap and
        neither contains the other (cached like ``in_block``)."""
        found = self._crossing.get(number)
        if found is None:
            keys: set[int] = set()
            open_pairs: list[tuple[int, Span]] = []
            for key, span in self.in_block(number):
                open_pairs = [pair for pair in open_pairs if pair[1].end > span.start]
                for other_key, other in open_pairs:
                    if other.start < span.start and other.end < span.end:
                        keys.update((key, other_key))
                open_pairs.append((key, span))
            found = [pair for pair in self.in_block(number) if pair[0] in keys]
            self._crossing[number] = found
        return found

    def starting_in(self, number: int, start: int, end: int) -> list[tuple[int, Span]]:
        """The pairs of block ``number`` whose span starts in ``[start, end)``."""
        pairs = self.in_block(number)
        first = bisect_left(pairs, start, key=lambda pair: pair[1].start)
        last = bisect_left(pairs, end, lo=first, key=lambda pair: pair[1].start)
        return pairs[first:last]

    def at(self, offset: int) -> list[tuple[int, Span]]:
        """(key, span) pairs containing character ``offset``, innermost first."""
        if not 0 <= offset < self._length:
            return []
        pairs = self.in_block(self.block_of(offset))
        before = bisect_right(pairs, offset, key=lambda pair: pair[1].start)
        hits = [pair for pair in pairs[:before] if offset < pair[1].end]
        hits.sort(key=lambda pair: (pair[1].end - pair[1].start, -pair[1].start, pair[1].label))
        return hits
