"""Each annotator's progress through each document."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.engine import reading, writing
from annotator.store.tables import STATUS, utcnow


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


# Built once: the first edit of a document and every status change run these.
# (An update's parameters must not be named after columns, which name what it sets.)
_ONE = (STATUS.c.document_id == bindparam("document")) & (STATUS.c.annotator_id == bindparam("who"))
_STATUS_OF = select(STATUS.c.status).where(_ONE)
_SET_STATUS = STATUS.update().where(_ONE).values(status=bindparam("to"), updated=bindparam("stamp"))


def write_status(connection: Connection, document_id: int, annotator: int, status: Status) -> None:
    keys = {"document": document_id, "who": annotator}
    updated = connection.execute(_SET_STATUS, {**keys, "to": status, "stamp": utcnow()})
    if updated.rowcount == 0:
        connection.execute(
            insert(STATUS).values(document_id=document_id, annotator_id=annotator, status=status)
        )


def mark_started(connection: Connection, document_id: int, annotator: int) -> bool:
    """Move a new document to in progress for ``annotator``; True if the status changed."""
    keys = {"document": document_id, "who": annotator}
    current = connection.execute(_STATUS_OF, keys).scalar_one_or_none()
    if current not in (None, Status.NEW):
        return False
    write_status(connection, document_id, annotator, Status.IN_PROGRESS)
    return True


PROGRESS_ORDER = {Status.NEW: 0, Status.IN_PROGRESS: 1, Status.SKIPPED: 2, Status.DONE: 3}


def set_status(engine: Engine, document_id: int, annotator: str, status: Status) -> Change:
    with writing(engine) as connection:
        write_status(connection, document_id, annotator_id(connection, annotator), Status(status))
    return Change(statuses=frozenset({document_id}))


def get_status(engine: Engine, document_id: int, annotator: str) -> Status:
    with reading(engine) as connection:
        who = annotator_id(connection, annotator, create=False)
        value = connection.execute(
            select(STATUS.c.status).where(
                (STATUS.c.document_id == document_id) & (STATUS.c.annotator_id == who)
            )
        ).scalar_one_or_none()
    return Status(value or Status.NEW)
