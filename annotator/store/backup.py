"""Backups of a live database: a consistent copy while other programs keep writing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.errors import StoreError
from annotator.store import sqlite
from annotator.store.engine import describe_database_error


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the database behind ``engine`` to ``target`` (a file, or a folder to hold a copy
    named with the date and time); returns the copy's path. The copy is one snapshot and
    appears under its name only once complete."""
    source = sqlite.database_path(engine)
    if source is None:
        raise StoreError("only a database file can be backed up")
    if target.is_dir():
        target = target / f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}{source.suffix or '.db'}"
    if target.exists() and target.resolve() == source.resolve():
        raise StoreError(f"{target}: that is the database itself; choose another file")
    try:
        sqlite.backup(source, target)
    except sqlite.DriverError as exc:
        raise StoreError(describe_database_error(exc, str(target))) from exc
    except OSError as exc:
        raise StoreError(f"{target}: cannot write the copy ({exc.strerror})") from exc
    return target
