"""Showing document and import text as plain text in places Qt would read as HTML."""

from __future__ import annotations

import html

from annotator.core.spans import Span


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped inside a paragraph Qt renders."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def one_line(text: str, limit: int = 90) -> str:
    """``text`` on one line, shortened with an ellipsis past ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def speaker_name(text: str, span: Span, limit: int = 28) -> str:
    """How a speaker is named where room is short: its words in ``text`` on one line,
    shortened."""
    return one_line(text[span.start : span.end], limit)
