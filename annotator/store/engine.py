"""Opening a store: the engine, its connection settings, and write transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from annotator.core.errors import StoreError
from annotator.store import generation, postgres, sqlite
from annotator.store.glance import database_url
from annotator.store.migrations import migrate
from annotator.store.permissions import refusal
from annotator.store.reservations import abandoned, discard
from annotator.store.tables import META
from annotator.store.text_index import index_pending


def open_store(db: str | Path) -> Engine:
    """Open (creating and migrating as needed) the database at ``db``: a SQLite file path, or
    a URL (``sqlite:///PATH``, ``postgresql://user@host/dbname``).

    Refused with a one-line ``StoreError`` naming the file or database: a file that is not
    an annotator database (left untouched), a database from a newer annotator, a database or
    folder that cannot be written, a full disk, a server that does not answer, a database
    that does not exist, a URL that names no database annotator can use.
    """
    url = database_url(db)
    if postgres.is_postgres_url(url):
        return _open_postgres(url)
    where = url.removeprefix("sqlite:///")
    if not url.startswith("sqlite:"):
        raise StoreError(
            f"{db}: not a database annotator can use (give a file path, sqlite:///PATH or "
            "postgresql://user@host/dbname)"
        )
    path = Path(where) if url.startswith("sqlite:///") and where != ":memory:" else None
    if path is not None:
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from exc
        foreign = sqlite.foreign_file(path)
        if foreign:
            raise StoreError(f"{path}: {foreign}")
    engine = create_engine(url)
    sqlite.configure(engine)
    return _prepared(engine, where, path)


def _open_postgres(url: str) -> Engine:
    where = postgres.shown(url)
    try:
        engine = postgres.create(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"{where}: not a valid PostgreSQL URL ({exc})") from exc
    return _prepared(engine, where, None)


def _prepared(engine: Engine, where: str, path: Path | None) -> Engine:
    """``engine`` migrated and checked, or disposed of with the reason it cannot be used."""
    try:
        migrate(engine)
        _check_writable(engine)
        _recover_imports(engine)
        changed_elsewhere(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = (path and _access_problem(path)) or describe_database_error(exc, engine=engine)
        raise StoreError(f"{where}: {reason}") from exc
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(describe_database_error(exc, where, engine)) from exc
    except StoreError as exc:
        engine.dispose()
        message = str(exc)
        raise StoreError(message if message.startswith(where) else f"{where}: {message}") from exc
    return engine


def _recover_imports(engine: Engine) -> None:
    """Take back what imports killed mid-merge left (``reservations``); one small read
    when there is nothing to take back."""
    with reading(engine) as connection:
        if not abandoned(connection):
            return
    with writing(engine) as connection:
        for reservation in abandoned(connection):
            discard(connection, reservation)


def _check_writable(engine: Engine) -> None:
    """Fail now, not at the first edit, if the database cannot be written (a read-only file
    still opens, and reads work): a write that changes nothing, rolled back."""
    with engine.connect() as connection:
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin() as transaction:
            connection.execute(
                META.update().where(META.c.key == "schema_version").values(value=META.c.value)
            )
            transaction.rollback()


def _access_problem(path: Path) -> str | None:
    """Why the operating system will not let us write the database, if it will not."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the database file is read-only; make it writable or copy it somewhere writable"
    if not os.access(path.parent, os.W_OK):
        return (
            f"the folder {path.parent} is read-only; annotator writes the database and its "
            "-wal and -shm files there"
        )
    return None


def describe_database_error(exc: Exception, where: str = "", engine: Engine | None = None) -> str:
    """One readable line for a driver error (of ``engine``'s database, when given)."""
    message = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
    lowered = message.lower()
    if engine is not None and postgres.is_postgres(engine):
        reason = postgres.describe(message, engine.url.render_as_string(hide_password=False))
    elif "locked" in lowered or "busy" in lowered:
        reason = "the database is busy in another program; try again in a moment"
    elif "not a database" in lowered or "malformed" in lowered:
        reason = "the file is not an annotator database (or it is damaged)"
    elif "readonly" in lowered or "read-only" in lowered:
        reason = "the database is read-only"
    elif "disk" in lowered and "full" in lowered:
        reason = "the disk is full; nothing was written"
    elif "unable to open" in lowered:
        reason = "the database file cannot be opened"
    else:
        reason = message
    where = where.removeprefix("sqlite:///")
    return f"{where}: {reason}" if where else reason


def _environmental(exc: DatabaseError) -> bool:
    """The environment's fault (locked, full, read-only, damaged file), for the user to
    hear about; other driver errors (a broken constraint) are bugs and keep their type."""
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


@contextmanager
def writing(engine: Engine, connection: Connection | None = None) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any error.

    Driver errors become ``StoreError`` with a readable reason; nothing is half written.
    Texts the block added or changed are put in the full-text index before it commits.
    The transaction runs on ``connection`` when given (one holding an attached scratch
    database), else on a connection of its own.
    """
    try:
        with nullcontext(connection) if connection else engine.connect() as connection:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            try:
                with connection.begin():
                    produced = generation.begin_write(engine, connection)
                    yield connection
                    index_pending(connection)
            finally:
                connection.execution_options(sqlite_begin="DEFERRED")
        generation.committed(engine, produced)
    except DatabaseError as exc:
        denied = refusal(exc)
        if denied is not None:
            raise denied from exc
        if not _environmental(exc):
            raise
        raise StoreError(describe_database_error(exc, engine=engine)) from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot of the database."""
    try:
        with engine.connect() as connection:
            if postgres.is_postgres(engine):
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
    except DatabaseError as exc:
        if not _environmental(exc):
            raise
        raise StoreError(describe_database_error(exc, engine=engine)) from exc


def inserted_id(
    connection: Connection, statement: Insert, values: dict[str, Any] | None = None
) -> int:
    """Run ``statement``, an insert of one row (with ``values`` when given), and return the
    new row's id."""
    key = connection.execute(statement, values).inserted_primary_key
    assert key is not None, "a single-row insert has a primary key"
    return key[0]


def changed_elsewhere(engine: Engine) -> bool:
    """True if another program (or another engine) has written to the database since this
    engine last wrote or asked; our own writes never count. Cheap: one small read, meant
    for a timer or a focus-in check that reloads what is on screen."""
    with reading(engine) as connection:
        return generation.check(engine, connection)
