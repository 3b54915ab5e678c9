"""Backups of either engine: SQLite's online backup API makes a copy of the file; a
PostgreSQL database is written as a ``native`` export (a lossless file that ``annotator
import`` reads back into an empty database), read in one ``REPEATABLE READ`` transaction, so
it is one snapshot while other people keep editing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.formats.exporting import ExportOptions, export
from annotator.store import postgres
from annotator.store.backup import backup_database


def backup(engine: Engine, target: Path) -> Path:
    """Back up the database behind ``engine`` to ``target`` (a file, or a folder to hold one
    named with the date and time); returns the backup's path."""
    if not postgres.is_postgres(engine):
        return backup_database(engine, target)
    if target.is_dir():
        target = target / f"{engine.url.database}-{datetime.now():%Y%m%d-%H%M%S}.jsonl"
    export(engine, ExportOptions(format="native", output=target))
    return target
