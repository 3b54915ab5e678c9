"""Opening a store: the engine, its connection settings, and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from annotator.core.errors import StoreError
from annotator.store import generation, sqlite
from annotator.store.migrations import migrate


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given, or a SQLite file path."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def open_store(db: str | Path) -> Engine:
    """Open (creating and migrating as needed) the database at ``db``, a path or a URL."""
    url = database_url(db)
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and str(path) != ":memory:":
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from exc
    engine = create_engine(url)
    if sqlite.is_sqlite(engine):
        sqlite.configure(engine)
    try:
        migrate(engine)
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise StoreError(describe_database_error(exc, url)) from exc
    except StoreError:
        engine.dispose()
        raise
    changed_elsewhere(engine)
    return engine


def describe_database_error(exc: Exception, where: str = "") -> str:
    """One readable line for a driver error."""
    message = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
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


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any error.

    Driver errors become ``StoreError`` with a readable reason; nothing is half written.
    """
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                produced = generation.begin_write(engine, connection)
                yield connection
        generation.committed(engine, produced)
    except OperationalError as exc:
        raise StoreError(describe_database_error(exc)) from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot of the database."""
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    except OperationalError as exc:
        raise StoreError(describe_database_error(exc)) from exc


def changed_elsewhere(engine: Engine) -> bool:
    """True if another program (or another engine) has written to the database since this
    engine last wrote or asked; our own writes never count. Cheap: one small read, meant
    for a timer or a focus-in check that reloads what is on screen."""
    with reading(engine) as connection:
        return generation.check(engine, connection)
