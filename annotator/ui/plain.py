"""Showing document and import text as plain text in places Qt would read as HTML."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped inside a paragraph Qt renders."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def one_line(text: str, limit: int = 90) -> str:
    """``text`` on one line, shortened with an ellipsis past ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
