"""Counting the hits of a plain text query inside SQLite, without reading texts into Python.

A name in nearly every article makes the count read the whole corpus; decoding 300 MB into
Python strings and matching them with ``re`` costs several times what SQLite's own
``replace`` takes over the same bytes. A hit of a literal is a non-overlapping occurrence
found left to right, which is what ``replace`` removes, so a document holds
``(bytes(text) - bytes(replace(text, needle, ''))) / bytes(needle)`` hits, and SQLite sums
them: one row comes back, whatever the corpus.

Case-insensitive queries are counted so only when the query is ASCII: SQLite's ``lower``
folds ASCII letters only, the same as ``re.IGNORECASE`` does between ASCII letters. Four
other characters match an ASCII letter under ``re.IGNORECASE`` (``FOLDS_TO_ASCII``). The
documents holding one of them are listed by a partial index per character (``instr`` over
a text costs as much as the count itself, so it is paid once, when a text is stored, not at
every count); those of them that hold a character the query's letters could match are
counted by ``re`` instead.
Whole-word queries and regular expressions take the usual path, and so do label and date
filters (``count_hits`` decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Integer, LargeBinary, cast, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from annotator.core.search import TextQuery, compile_query, find_hits, index_trigrams
from annotator.store.sqlite import driver_rows, raw_connection
from annotator.store.tables import DOCUMENT
from annotator.store.text_index import narrowed

FOLDS_TO_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
"""The characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter."""

MMAP_BYTES = 1 << 30
"""The count reads the texts through a memory map: no copy of each page into SQLite's
cache, about a fifth less time over a corpus that the cache could never hold anyway."""


def _holds(char: str) -> str:
    """The condition, over ``document``, that its text holds ``char``; a partial index has
    the same words, so SQLite answers the condition from the index."""
    return f"instr(text, '{char}') > 0"


def _index_name(char: str) -> str:
    return f"document_holds_u{ord(char):04x}"


def create_fold_indexes(connection: Connection) -> None:
    """The partial indexes of the documents holding each of ``FOLDS_TO_ASCII`` (SQLite only:
    other backends do not count in SQL)."""
    if connection.dialect.name != "sqlite":
        return
    for char in FOLDS_TO_ASCII:
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {_index_name(char)} ON document (id) WHERE {_holds(char)}"
        )


def _bytes(value: ColumnElement) -> ColumnElement:
    return func.length(cast(value, LargeBinary))


def _lower_is_ascii(connection: Connection) -> bool:
    """SQLite's ``lower`` folds ASCII only (an ICU build would fold more)."""
    return connection.exec_driver_sql("SELECT lower('\u00c0\u0130') = '\u00c0\u0130'").scalar() == 1


def count_in_sql(
    connection: Connection, query: TextQuery, restrict: Callable[[Select], Select]
) -> int | None:
    """The number of hits of ``query`` in the documents ``restrict`` keeps (it adds the
    search's document filters to a select over ``document``), counted in SQL; ``None`` when
    the query needs ``re`` (whole words, a regex, a non-ASCII case-insensitive text) or the
    database is not SQLite."""
    if query.regex or query.word or not query.text or connection.dialect.name != "sqlite":
        return None
    body = DOCUMENT.c.text
    if query.case:
        needle, risky = query.text, []
        folded: ColumnElement = body
    else:
        if not query.text.isascii() or not _lower_is_ascii(connection):
            return None
        needle = query.text.lower()
        risky = [char for char, letter in FOLDS_TO_ASCII.items() if letter in needle]
        folded = func.lower(body)
    removed = _bytes(body) - _bytes(func.replace(folded, needle, ""))
    hits: ColumnElement[int] = cast(removed.self_group().op("/")(len(needle.encode())), Integer)
    statement = select(func.coalesce(func.sum(hits), 0))
    narrow = narrowed(connection, statement.select_from(DOCUMENT), index_trigrams(query))
    statement = statement.select_from(DOCUMENT) if narrow is None else narrow.order_by(None)
    with _mapped(connection):
        total = connection.execute(restrict(statement)).scalar_one()
        return total + _refolded(connection, query, hits, restrict, risky)


@contextmanager
def _mapped(connection: Connection) -> Iterator[None]:
    """``MMAP_BYTES`` of memory map on the connection for the block, then as it was."""
    raw = raw_connection(connection)
    before = raw.execute("PRAGMA mmap_size").fetchone()[0]
    raw.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA mmap_size = {before}")


def _refolded(
    connection: Connection,
    query: TextQuery,
    hits: ColumnElement[int],
    restrict: Callable[[Select], Select],
    risky: Sequence[str],
) -> int:
    """What ``re`` counts minus what SQL counted in the documents holding one of ``risky``
    (read from their partial indexes: none in most corpora)."""
    matcher = compile_query(query)
    total = 0
    for position, char in enumerate(risky):
        holding = select(DOCUMENT.c.text, hits).where(text(_holds(char)))
        for earlier in risky[:position]:  # a document holding two is counted once
            holding = holding.where(text(f"NOT {_holds(earlier)}"))
        for body, counted in driver_rows(connection, restrict(holding), batch=100):
            total += sum(1 for _ in find_hits(matcher, body)) - counted
    return total
