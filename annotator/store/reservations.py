"""Document ids an import claims while it merges in steps (SQLite).

A big import copies its spans and links into the store in short transactions, so the app's
edits commit in between, and adds its documents in one last short transaction. Until then
those rows point at document ids no document has yet: every read goes through ``document``
(or skips rows whose document is missing), so nothing of the import shows before its end.

A reservation row says which ids an unfinished import holds, which process holds them, and
the labels, relation types and annotators it created on the way. New documents written
meanwhile are numbered above every reservation, so the ids cannot collide. When a process
dies mid-merge (a crash, ``kill -9``), the next program that opens the database finds its
reservation, deletes the rows pointing into the range, the declarations nobody used, and
the reservation: the database is as it was before the import.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from annotator.core.processes import process_alive
from annotator.store.tables import (
    ANNOTATOR,
    DOCUMENT,
    LABEL,
    REJECTED_SUGGESTION,
    RELATION,
    RELATION_TYPE,
    SPAN,
)

TABLE = "import_reservation"
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, first INTEGER NOT NULL,"
    " last INTEGER NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,"
    " declared TEXT NOT NULL)"
)
_HELD: set[tuple[str, int]] = set()  # (database, reservation) merging in this process
_HELD_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Declared:
    """What an import created before its documents: gone again if it never finishes."""

    labels: Sequence[str] = ()
    relation_types: Sequence[str] = ()
    annotators: Sequence[str] = ()


def _sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def create_reservations(connection: Connection) -> None:
    """The reservation table (SQLite only: PostgreSQL imports merge in one transaction)."""
    if _sqlite(connection):
        connection.exec_driver_sql(_CREATE)


def _database(connection: Connection) -> str:
    """The database file, however the engine that opened it spelled its path."""
    return os.path.realpath(str(connection.engine.url.database))


def next_document_id(connection: Connection) -> int:
    """The id a new document takes: above every document and every reservation."""
    last = connection.execute(select(func.coalesce(func.max(DOCUMENT.c.id), 0))).scalar_one()
    if _sqlite(connection):
        reserved = connection.exec_driver_sql(f"SELECT max(last) FROM {TABLE}").scalar()
        last = max(last, reserved or 0)
    return last + 1


def any_reserved(connection: Connection) -> bool:
    """Some import holds document ids now (or died holding them)."""
    if not _sqlite(connection):
        return False
    return bool(connection.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {TABLE})").scalar())


def reserve(connection: Connection, count: int, declared: Declared) -> tuple[int, int]:
    """Claim ``count`` document ids for an import in this process (in the caller's write
    transaction): the reservation's id and its first document id. The claim counts as held
    by this process from now on, so opening the database here never takes it back."""
    first = next_document_id(connection)
    row = connection.exec_driver_sql(
        f"INSERT INTO {TABLE} (first, last, host, pid, declared) VALUES (?, ?, ?, ?, ?)",
        (
            first,
            first + count - 1,
            socket.gethostname(),
            os.getpid(),
            json.dumps([declared.labels, declared.relation_types, declared.annotators]),
        ),
    )
    reservation = row.lastrowid
    with _HELD_LOCK:
        _HELD.add((_database(connection), reservation))
    return reservation, first


@contextmanager
def holding(connection: Connection, reservation: int) -> Iterator[None]:
    """Forget this process's claim when the block ends, however it ends."""
    try:
        yield
    finally:
        with _HELD_LOCK:
            _HELD.discard((_database(connection), reservation))


def release(connection: Connection, reservation: int) -> None:
    """The import's documents are in: its ids are ordinary ones now."""
    connection.exec_driver_sql(f"DELETE FROM {TABLE} WHERE id = ?", (reservation,))


def discard(connection: Connection, reservation: int) -> None:
    """Undo an unfinished import: its rows, the declarations nobody else used, the claim."""
    found = connection.exec_driver_sql(
        f"SELECT first, last, declared FROM {TABLE} WHERE id = ?", (reservation,)
    ).first()
    if found is None:
        return
    first, last, declared = found
    labels, relation_types, annotators = json.loads(declared)
    for table in (RELATION, SPAN):
        connection.execute(table.delete().where(table.c.document_id.between(first, last)))
    for name in relation_types:
        _delete_unused(connection, RELATION_TYPE.delete().where(RELATION_TYPE.c.name == name))
    for name in labels:
        used = select(REJECTED_SUGGESTION.c.id).where(
            REJECTED_SUGGESTION.c.label_id
            == select(LABEL.c.id).where(LABEL.c.name == name).scalar_subquery()
        )
        if connection.execute(used.limit(1)).first() is None:
            _delete_unused(connection, LABEL.delete().where(LABEL.c.name == name))
    for name in annotators:
        _delete_unused(connection, ANNOTATOR.delete().where(ANNOTATOR.c.name == name))
    release(connection, reservation)


def _delete_unused(connection: Connection, statement) -> None:
    """Run a deletion a foreign key refuses while a row still refers to what it deletes."""
    try:
        with connection.begin_nested():
            connection.execute(statement)
    except IntegrityError:
        pass


def abandoned(connection: Connection) -> list[int]:
    """Reservations whose process is gone (or that a previous run of this process left);
    none, cheaply, when no import is under way."""
    if not any_reserved(connection):
        return []
    rows = connection.exec_driver_sql(f"SELECT id, host, pid FROM {TABLE}").all()
    database, host = _database(connection), socket.gethostname()
    with _HELD_LOCK:
        held = {reservation for where, reservation in _HELD if where == database}
    return [
        reservation
        for reservation, where, pid in rows
        if where == host and reservation not in held and not _alive(pid)
    ]


def _alive(pid: int) -> bool:
    """Another process with this id runs (this one holds no such claim: checked before)."""
    return pid != os.getpid() and process_alive(pid)


def stored(document_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The row's document exists: true for all but the spans and links of an import still
    merging (or killed mid-merge), which a read of the whole corpus must leave out."""
    return exists().where(DOCUMENT.c.id == document_id)
