"""Scanning many rows fast on either engine."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from sqlalchemy import Text, cast, func
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from annotator.store import sqlite


def driver_rows(
    connection: Connection, statement: Select, batch: int = 2000
) -> Generator[tuple[Any, ...], None, None]:
    """The rows of ``statement`` as plain tuples, fetched in batches: on SQLite straight from
    the sqlite3 cursor (building SQLAlchemy rows would cost more than the work done with
    them), elsewhere from a server-side cursor, so a scan of the corpus never holds it all
    in memory. Other statements may run on ``connection`` between two rows."""
    if sqlite.is_sqlite(connection):
        yield from sqlite.driver_rows(connection, statement, batch)
        return
    result = connection.execute(statement.execution_options(stream_results=True, yield_per=batch))
    try:
        for row in result:
            yield tuple(row)
    finally:
        result.close()


def json_rows(connection: Connection, *columns: ColumnElement) -> ColumnElement[str]:
    """An aggregate: the ``columns`` of a group's rows as the text of a JSON array of arrays,
    so that a million small rows come back as a few thousand strings that ``orjson`` reads
    in C."""
    if sqlite.is_sqlite(connection):
        return func.json_group_array(func.json_array(*columns))
    return cast(func.json_agg(func.json_build_array(*columns)), Text)
