"""Everything specific to SQLite lives here, so another database can serve a team later.

- pragmas: foreign keys, WAL journal, a busy timeout, full sync on commit;
- transactions: pysqlite's own implicit BEGIN is turned off and we emit BEGIN ourselves,
  IMMEDIATE for writes, so two writers queue on the busy timeout instead of failing with
  "database is locked" when a read transaction tries to upgrade;
- online backups with SQLite's backup API;
- scratch databases attached to a connection, for imports to stage into.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

BUSY_TIMEOUT_MS = 10_000
DriverError = sqlite3.Error


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def database_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine; ``None`` for memory databases and other backends."""
    if not is_sqlite(engine):
        return None
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def configure(engine: Engine) -> None:
    """Install the connection pragmas and explicit transaction control on ``engine``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if database_path(engine) is not None:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def backup(source: Path, target: Path) -> None:
    """Copy a live database consistently with SQLite's online backup API.

    The copy is taken in one step under a read transaction, so it is one snapshot while
    other programs keep writing; it is a single self-contained file (rollback journal, no
    -wal beside it) and appears under ``target`` only once complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    uri = f"{source.resolve().as_uri()}?mode=ro"
    try:
        src = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def raw_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under ``connection``, for work SQLAlchemy rows would slow down."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection), "a live connection of a SQLite engine"
    return raw


@contextmanager
def scratch_database(connection: Connection, name: str) -> Iterator[None]:
    """Attach a private temporary database to ``connection`` as ``name`` for the block.

    SQLite keeps it in memory until it grows, then in a file in the temporary folder that
    is unlinked as soon as it is opened: nothing is left behind when the database is
    detached, and nothing either when the process is killed. Written without a journal or
    syncs: it only ever holds work that can be thrown away.
    """
    raw = raw_connection(connection)
    raw.execute(f"ATTACH DATABASE '' AS {name}")
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
            raw.execute(f"PRAGMA {name}.{pragma}")
        yield
    finally:
        raw.execute(f"DETACH DATABASE {name}")


@contextmanager
def bulk_merge(connection: Connection) -> Iterator[None]:
    """Settings for one big copy on ``connection`` (outside its transaction): foreign keys
    unchecked, for a copy whose every reference comes from a join with its parent table in
    the same transaction, and a page cache big enough to write each page once."""
    raw = raw_connection(connection)
    size = raw.execute("PRAGMA main.cache_size").fetchone()[0]
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA main.cache_size = -262144")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA main.cache_size = {size}")
        raw.execute("PRAGMA foreign_keys = ON")


HEADER = b"SQLite format 3\x00"


def foreign_file(path: Path) -> str | None:
    """Why the file at ``path`` is not ours to open, judged without writing a byte to it
    (opening would switch a stranger's database to WAL); ``None`` when it is missing, empty,
    an annotator database, or cannot be judged here (opening will say why)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(HEADER))
    except OSError:
        return None
    if not head:
        return None
    if head != HEADER:
        return "the file is not an annotator database (or it is damaged)"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if tables and "meta" not in tables:
        return "the file holds tables but is not an annotator database"
    return None


def driver_rows(
    connection: Connection, statement: ClauseElement, batch: int = 2000
) -> Generator[tuple[Any, ...], None, None]:
    """The rows of ``statement`` as plain tuples straight from the sqlite3 cursor, fetched in
    batches: for scans of a million rows, where building SQLAlchemy rows costs more than the
    work done with them. The statement is compiled by SQLAlchemy as usual."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    assert isinstance(compiled, SQLCompiler), "a query compiles to SQL"
    params = compiled.construct_params()
    values = [params[name] for name in compiled.positiontup or ()]
    cursor = raw_connection(connection).cursor()
    try:
        cursor.execute(str(compiled), values)
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()
