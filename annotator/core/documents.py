"""Documents: immutable article text with a title and metadata."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

_DATE_MARKER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
TITLE_MAX = 200


def text_sha256(text: str) -> str:
    """The hash that identifies a text: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    """An article as stored: its text never changes once stored."""

    text: str
    title: str
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    id: int | None = None

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def date(self) -> str | None:
        value = self.meta.get("date")
        return value if isinstance(value, str) else None


def stored_id(document: Document) -> int:
    """The database id of a document read from the store, which gives every document it
    returns one (a document read from a file has none until it is imported)."""
    if document.id is None:
        raise ValueError(f"the document {document.title!r} is not stored")
    return document.id


def title_from_text(text: str) -> str:
    """The first non-empty line, shortened to a readable length."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"
    return ""


def document_from_article(
    raw: str, source: str = "", meta: dict[str, Any] | None = None
) -> Document:
    """Build a document from an article file's text.

    A leading ``date YYYY-MM-DD`` marker becomes ``meta["date"]`` and is removed from the
    stored text; the first line of what remains becomes the title.
    """
    meta = dict(meta or {})
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    match = _DATE_MARKER.match(text)
    if match:
        meta.setdefault("date", match.group(1))
        text = text[match.end() :]
    text = text.strip("\n")
    return Document(text=text, title=title_from_text(text), meta=meta, source=source)
