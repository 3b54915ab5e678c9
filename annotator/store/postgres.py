"""Everything specific to PostgreSQL lives here, as ``sqlite`` holds what is SQLite's.

- URLs: ``postgresql://user@host[:port]/dbname`` is driven by psycopg 3;
- sessions run in UTC, so timestamps read back exactly as they were written;
- column lengths are left to the application, as on SQLite (which never checks them), so a
  row one engine takes the other takes too; timestamps are stored without a zone (in UTC),
  so both engines hand back the same values;
- write transactions queue on the generation row (``generation``), as SQLite's writers queue
  on ``BEGIN IMMEDIATE``; read transactions are ``REPEATABLE READ``, one snapshot each;
- new databases are created under an advisory lock, so two programs opening an empty
  database at once do not both create the tables;
- one-line messages for a server that does not answer, a missing database, a refused login;
- a string holding a NUL character (text PostgreSQL cannot store, though SQLite does) is
  refused before it is sent, with the column it was for named (``NulRefused``);
- creating and dropping databases on a server (tests, ``annotator migrate``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import DateTime, Select, String, create_engine, event, text
from sqlalchemy.engine import Connection, Engine, ExecutionContext, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.compiler import TypeCompiler

from annotator.core.errors import StoreError

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
CONNECT_TIMEOUT_S = 10
_MIGRATION_LOCK = 0x616E6E6F  # pg_advisory_xact_lock key held while a schema is created or migrated
# A bound parameter's name: its column's, with SQLAlchemy's "_1" (a comparison's value) and
# "__0" (one row of a multi-row insert) after it.
_PARAMETER = re.compile(r"(?P<column>.+?)(?:_\d+)?(?P<row>__\d+)?")
# What a user calls a value, where "the TABLE COLUMN" would not say it.
_CALLED = {("note", "text"): "the note"}


def is_postgres_url(url: str) -> bool:
    return url.startswith(SCHEMES)


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


def driver_url(url: str) -> str:
    """``url`` with the psycopg 3 driver named, as SQLAlchemy needs it."""
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


def shown(url: str) -> str:
    """``url`` as messages name it: the password hidden, the driver left out."""
    try:
        parsed = make_url(driver_url(url))
    except Exception:
        return url
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


def create(url: str) -> Engine:
    """An engine on the PostgreSQL database at ``url``."""
    engine = create_engine(
        driver_url(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": "-c TimeZone=UTC"},
    )
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


class NulRefused(StoreError):
    """A string PostgreSQL was to be sent holds a NUL character, which its text cannot store
    (the driver would fail with a message about string literals): refused before it is sent,
    so the transaction is rolled back whole. ``table``, ``column`` and ``row`` (the row's id)
    are what the statement tells of where the string was going, ``None`` where it does not."""

    reason = "holds a NUL character, which PostgreSQL cannot store"

    def __init__(self, table: str | None, column: str | None, row: object = None) -> None:
        self.table, self.column, self.row = table, column, row
        called = _CALLED.get((table or "", column or ""))
        words = " ".join(w.replace("_", " ") for w in (table, column) if w)
        what = called or (f"the {words}" if words else "a value")
        super().__init__(f"{what} {self.reason}")


def _refuse_nul(
    connection: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    """Raise ``NulRefused`` for the first string parameter holding a NUL character (a
    ``before_cursor_execute`` listener: every statement SQLAlchemy sends passes here)."""
    for values in parameters if isinstance(parameters, list) else (parameters,):
        if not isinstance(values, Mapping):
            if any(isinstance(value, str) and "\x00" in value for value in values or ()):
                raise NulRefused(_table(context), None)
            continue
        for key, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                found = _PARAMETER.fullmatch(key)
                assert found is not None, "a parameter name is not empty"
                raise NulRefused(
                    _table(context), found["column"], values.get(f"id{found['row'] or ''}")
                )


def _table(context: ExecutionContext | None) -> str | None:
    """The table a statement writes, or the one table it reads; ``None`` for SQL text."""
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    table = getattr(statement, "table", None)
    if table is None and isinstance(statement, Select):
        froms = statement.get_final_froms()
        table = froms[0] if len(froms) == 1 else None
    return getattr(table, "name", None)


@compiles(String, "postgresql")
def _unbounded_string(type_: String, compiler: TypeCompiler, **kw: Any) -> str:
    """``VARCHAR`` without its length: SQLite keeps whatever length it is given."""
    return "VARCHAR"


@compiles(DateTime, "postgresql")
def _timestamp(type_: DateTime, compiler: TypeCompiler, **kw: Any) -> str:
    """UTC without a zone, read back as SQLite reads it back: a naive ``datetime``."""
    return "TIMESTAMP WITHOUT TIME ZONE"


def lock_migrations(connection: Connection) -> None:
    """Hold the migration lock until the transaction ends (PostgreSQL only)."""
    if is_postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def describe(message: str, url: str) -> str:
    """One readable line for a psycopg connection or server message about ``url``."""
    first = message.strip().splitlines()[0] if message.strip() else message
    first = re.sub(r"^connection failed: ", "", first)
    first = re.sub(r"^connection to server (at|on) .*? failed: ", "", first)
    first = re.sub(r"^FATAL:\s+", "", first).strip()
    parsed = make_url(driver_url(url))
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    lowered = first.lower()
    if "connection refused" in lowered or "no such file or directory" in lowered:
        return f"the PostgreSQL server at {where} does not answer (is it running?)"
    if "timeout expired" in lowered or "timed out" in lowered:
        return f"the PostgreSQL server at {where} did not answer in {CONNECT_TIMEOUT_S} s"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return f"there is no host {parsed.host!r}"
    if re.search(r'database ".*" does not exist', first):
        return (
            f"{first} on {where}; create it first (createdb -h {parsed.host or 'localhost'} "
            f"{parsed.database})"
        )
    return first


def _server(url: str) -> Engine:
    """An autocommit engine on the server's ``postgres`` database, for CREATE/DROP DATABASE."""
    parsed = make_url(driver_url(url)).set(database="postgres")
    return create_engine(
        parsed,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        poolclass=NullPool,
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _name(url: str) -> str:
    return _quoted(make_url(driver_url(url)).database or "")


def create_database(url: str, template: str | None = None) -> None:
    """Create the database ``url`` names on its server: empty, or a copy of ``template``
    (the URL of another database on the same server, which nobody may be connected to)."""
    server = _server(url)
    copied = f" TEMPLATE {_name(template)}" if template else ""
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {_name(url)}{copied}")
    finally:
        server.dispose()


def drop_database(url: str) -> None:
    """Drop the database ``url`` names, closing the connections still open on it."""
    server = _server(url)
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_name(url)} WITH (FORCE)")
    finally:
        server.dispose()


def reset_sequences(connection: Connection, tables: list[str]) -> None:
    """Move each table's id sequence past its largest id, after rows were copied in with
    their ids (``annotator migrate``), so the next row gets a fresh id."""
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {_quoted(table)}), 0) + 1, false)"
            )
        )
