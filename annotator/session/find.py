"""Find in the open document: the matches of a text query in one text and which is current.

Qt-free so the find bar only renders it: the matches come from the same matcher as corpus
search (code-point offsets, case-insensitive unless asked, whole words if asked).
"""

from __future__ import annotations

from bisect import bisect_left

from annotator.core.search import BadQuery, TextQuery, compile_query, find_hits

MAX_MATCHES = 10_000
"""Matches kept for one query; a one-letter query in a long text stops there."""


class FindInText:
    """The matches of ``query`` in ``text`` and the current one (an index into ``matches``)."""

    def __init__(self) -> None:
        self.text = ""
        self.query = TextQuery("")
        self.matches: list[tuple[int, int]] = []
        self.current: int | None = None

    def search(self, text: str, query: TextQuery, near: int = 0) -> None:
        """Find ``query`` in ``text``; the current match is the first starting at or after
        code point ``near`` (wrapping to the first), none when nothing matches."""
        self.text, self.query = text, query
        self.matches = []
        if query.text:
            try:
                hits = find_hits(compile_query(query), text)
            except BadQuery:
                hits = iter(())
            for hit in hits:
                self.matches.append(hit)
                if len(self.matches) >= MAX_MATCHES:
                    break
        if not self.matches:
            self.current = None
            return
        index = bisect_left(self.matches, near, key=lambda match: match[0])
        self.current = index if index < len(self.matches) else 0

    def step(self, direction: int) -> tuple[int, int] | None:
        """Make the next (``1``) or previous (``-1``) match current, wrapping; it, or None."""
        if not self.matches:
            return None
        if self.current is None:
            self.current = 0 if direction > 0 else len(self.matches) - 1
        else:
            self.current = (self.current + direction) % len(self.matches)
        return self.matches[self.current]

    @property
    def match(self) -> tuple[int, int] | None:
        """The current match, ``(start, end)`` in code points."""
        return None if self.current is None else self.matches[self.current]
