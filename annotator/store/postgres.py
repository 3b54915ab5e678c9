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
- creating and dropping databases on a server (tests, ``annotator migrate``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import DateTime, String, create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.compiler import TypeCompiler

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
CONNECT_TIMEOUT_S = 10
_MIGRATION_LOCK = 0x616E6E6F  # pg_advisory_xact_lock key held while a schema is created or migrated


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
    return create_engine(
        driver_url(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": "-c TimeZone=UTC"},
    )


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
