"""A first look at a SQLite database with the standard library only, so that the app can
paint the article it is about to open before SQLAlchemy and SQLModel have loaded (they take
longer to import than Qt takes to start). Read-only and never relied on: any doubt (no file,
not a file path, another schema, a lock, a text that does not match its checksum) is
``None``, and the window simply waits for the store, which then shows the same article.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from annotator.core.documents import text_sha256
from annotator.core.spans import Origin, Span

_DOCUMENT = "SELECT id, title, text, sha256 FROM document WHERE id = ?"
_FIRST = "SELECT id, title, text, sha256 FROM document ORDER BY id LIMIT 1"
_SPANS = (
    'SELECT span.id, span.start, span."end", label.name, span.origin FROM span '
    "JOIN label ON label.id = span.label_id JOIN annotator ON annotator.id = span.annotator_id "
    "WHERE span.document_id = ? AND annotator.name = ?"
)
_COLORS = "SELECT name, color FROM label"


@dataclass(frozen=True, slots=True)
class Glance:
    """An article as the store will show it: its id, title, text, the annotator's spans and
    the colour of each label."""

    document_id: int
    title: str
    text: str
    spans: list[Span]
    colors: dict[str, str]


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given, or a SQLite file path."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_path(db: str | Path) -> Path | None:
    url = database_url(db)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def glance(db: str | Path, annotator: str, document_id: int | None) -> Glance | None:
    """Document ``document_id`` (else, or if it is gone, the first one) with ``annotator``'s
    spans, read without writing anything; None when that cannot be read with certainty."""
    annotator = " ".join(annotator.split())  # as annotator names are stored
    path = _sqlite_path(db)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute(_DOCUMENT, (document_id,)).fetchone() if document_id else None
        row = row or connection.execute(_FIRST).fetchone()
        if row is None or text_sha256(row[2]) != row[3]:
            return None
        spans = sorted(
            Span(start, end, label, id=span_id, annotator=annotator, origin=Origin(origin))
            for span_id, start, end, label, origin in connection.execute(
                _SPANS, (row[0], annotator)
            )
        )
        colors = dict(connection.execute(_COLORS).fetchall())
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()
    return Glance(row[0], row[1], row[2], spans, colors)
