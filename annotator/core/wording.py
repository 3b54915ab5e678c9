"""Small English wording helpers for messages and summaries."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``"1 document"``, ``"3 documents"``: the count with the noun in the right number."""
    word = noun if count == 1 else plural or f"{noun}s"
    return f"{count:,} {word}"
