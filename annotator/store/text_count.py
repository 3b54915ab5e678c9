"""Counting the hits of a plain text query inside SQLite, without reading texts into Python.

A name in nearly every article makes the count read the whole corpus; decoding 300 MB into
Python strings and matching them with ``re`` costs several times what SQLite's own
``replace`` takes over the same bytes. A hit of a literal is a non-overlapping occurrence
found left to right, which is what ``replace`` removes, so a document holds
``(bytes(text) - bytes(replace(text, needle, ''))) / bytes(needle)`` hits, and SQLite sums
them: one row comes back, whatever the corpus.

Case-insensitive queries are counted so only when the query is ASCII: SQLite's ``lower``
folds ASCII letters only, the same as ``re.IGNORECASE`` does between ASCII letters; the
documents holding one of the four other characters ``re`` folds to the query's letters
come from their partial indexes (``fold_index``) and are counted by ``re`` instead.
Whole-word queries and regular expressions take the usual path, and so do label and date
filters (``count_hits`` decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Integer, LargeBinary, cast, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from annotator.core.search import TextQuery, compile_query, find_hits, index_trigrams
from annotator.store.fold_index import FOLDS_TO_ASCII, holds
from annotator.store.sqlite import driver_rows, raw_connection
from annotator.store.tables import DOCUMENT
from annotator.store.text_index import narrowed

MMAP_BYTES = 1 << 30
"""The count reads the texts through a memory map: no copy of each page into SQLite's
cache, about a fifth less time over a corpus that the cache could never hold anyway."""

Restrict = Callable[[Select], Select]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to count a query in SQL: the hits of one document, and the characters whose
    documents ``re`` counts instead."""

    query: TextQuery
    hits: ColumnElement[int]
    risky: tuple[str, ...]


def _bytes(value: ColumnElement) -> ColumnElement:
    return func.length(cast(value, LargeBinary))


def _lower_is_ascii(connection: Connection) -> bool:
    """SQLite's ``lower`` folds ASCII only (an ICU build would fold more)."""
    return connection.exec_driver_sql("SELECT lower('\u00c0\u0130') = '\u00c0\u0130'").scalar() == 1


def _plan(query: TextQuery) -> _Plan | None:
    if query.regex or query.word or not query.text:
        return None
    body = DOCUMENT.c.text
    risky: tuple[str, ...] = ()
    if query.case:
        needle = query.text
        folded: ColumnElement = body
    else:
        if not query.text.isascii():
            return None
        needle = query.text.lower()
        risky = tuple(char for char, letter in FOLDS_TO_ASCII.items() if letter in needle)
        folded = func.lower(body)
    removed = _bytes(body) - _bytes(func.replace(folded, needle, ""))
    hits: ColumnElement[int] = cast(removed.self_group().op("/")(len(needle.encode())), Integer)
    return _Plan(query, hits, risky)


def count_in_sql(connection: Connection, query: TextQuery, restrict: Restrict) -> int | None:
    """The number of hits of ``query`` in the documents ``restrict`` keeps (it adds the
    search's document filters to a select over ``document``), counted in SQL; ``None`` when
    the query needs ``re`` (whole words, a regex, a non-ASCII case-insensitive text) or the
    database is not SQLite."""
    plan = _plan(query)
    if plan is None or connection.dialect.name != "sqlite":
        return None
    if not query.case and not _lower_is_ascii(connection):
        return None
    with _mapped(connection):
        return _sum(connection, plan, restrict) + _refolded(connection, plan, restrict)


def _sum(connection: Connection, plan: _Plan, restrict: Restrict) -> int:
    """The hits SQL counts in every document ``restrict`` keeps."""
    statement = select(func.coalesce(func.sum(plan.hits), 0)).select_from(DOCUMENT)
    narrow = narrowed(connection, statement, index_trigrams(plan.query))
    statement = statement if narrow is None else narrow.order_by(None)
    return connection.execute(restrict(statement)).scalar_one()


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


def _refolded(connection: Connection, plan: _Plan, restrict: Restrict) -> int:
    """What ``re`` counts minus what SQL counted in the documents holding one of the plan's
    risky characters (read from their partial indexes: none in most corpora)."""
    if not plan.risky:
        return 0
    matcher = compile_query(plan.query)
    total = 0
    for position, char in enumerate(plan.risky):
        holding = select(DOCUMENT.c.text, plan.hits).where(text(holds(char)))
        for earlier in plan.risky[:position]:  # a document holding two is counted once
            holding = holding.where(text(f"NOT {holds(earlier)}"))
        for body, counted in driver_rows(connection, restrict(holding), batch=100):
            total += sum(1 for _ in find_hits(matcher, body)) - counted
    return total
