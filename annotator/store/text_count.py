"""Counting the hits of a plain text query inside SQLite, without reading texts into Python.

A name in nearly every article makes the count read the whole corpus; decoding 300 MB into
Python strings and matching them with ``re`` costs several times what SQLite's own
``replace`` takes over the same bytes. A hit of a literal is a non-overlapping occurrence
found left to right, which is what ``replace`` removes, so a document holds
``(bytes(text) - bytes(replace(text, needle, ''))) / bytes(needle)`` hits.

Case-insensitive queries are counted so only when the query is ASCII: SQLite's ``lower``
folds ASCII letters only, the same as ``re.IGNORECASE`` does between ASCII letters. Four
other characters match an ASCII letter under ``re.IGNORECASE`` (``FOLDS_TO_ASCII``); a
document holding one of those that the query's letters could match (seen by the bytes that
removing them takes away) is counted by ``re``.
Whole-word queries and regular expressions take the usual path, and so do label and date
filters (``count_hits`` decides).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, LargeBinary, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from annotator.core.search import TextQuery, compile_query, find_hits, index_trigrams
from annotator.store.sqlite import driver_rows
from annotator.store.tables import DOCUMENT
from annotator.store.text_index import narrowed

FOLDS_TO_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
"""The characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter."""


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
    text = DOCUMENT.c.text
    if query.case:
        needle, risky = query.text, []
        folded: ColumnElement = text
    else:
        if not query.text.isascii() or not _lower_is_ascii(connection):
            return None
        needle = query.text.lower()
        risky = [char for char, letter in FOLDS_TO_ASCII.items() if letter in needle]
        folded = func.lower(text)
    removed = _bytes(text) - _bytes(func.replace(folded, needle, ""))
    hits: ColumnElement[int] = cast(removed.self_group().op("/")(len(needle.encode())), Integer)
    if risky:
        stripped: ColumnElement = text
        for char in risky:  # replace scans bytes several times faster than instr
            stripped = func.replace(stripped, char, "")
        hits = case((_bytes(stripped) < _bytes(text), -1), else_=hits)
    statement = select(DOCUMENT.c.id, hits)
    narrow = narrowed(connection, statement, index_trigrams(query))
    statement = statement if narrow is None else narrow
    statement = restrict(statement)
    total, by_re = 0, []
    for document_id, count in driver_rows(connection, statement, batch=5000):
        if count < 0:
            by_re.append(document_id)
        else:
            total += count
    return total + _count_with_re(connection, query, by_re)


def _count_with_re(connection: Connection, query: TextQuery, documents: list[int]) -> int:
    if not documents:
        return 0
    matcher = compile_query(query)
    total = 0
    for start in range(0, len(documents), 500):
        chunk = documents[start : start + 500]
        rows = connection.execute(select(DOCUMENT.c.text).where(DOCUMENT.c.id.in_(chunk)))
        total += sum(sum(1 for _ in find_hits(matcher, row[0])) for row in rows)
    return total
