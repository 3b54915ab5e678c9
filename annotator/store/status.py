"""Each annotator's progress through each document."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.engine import reading, writing
from annotator.store.notes import write_note
from annotator.store.permissions import require_layer
from annotator.store.tables import ASSIGNMENT, DOCUMENT, NOTE, STATUS, utcnow


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    FLAGGED = "flagged"  # set aside with a reason, kept as a document note by the annotator


STATUS_VALUES = frozenset(status.value for status in Status)


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


PROGRESS_ORDER = {
    Status.NEW: 0,
    Status.IN_PROGRESS: 1,
    Status.SKIPPED: 2,
    Status.FLAGGED: 3,
    Status.DONE: 4,
}
FINISHED = (Status.DONE, Status.SKIPPED, Status.FLAGGED)


def advance_statuses(connection: Connection, wanted: dict[tuple[int, int], str]) -> set[int]:
    """Set each ``(document_id, annotator_id)`` pair's status unless the current one is as far
    along already (new < in progress < skipped < flagged < done): merging work never undoes
    progress. Returns the documents whose status changed."""
    documents = sorted({doc for doc, _ in wanted})
    current: dict[tuple[int, int], str] = {}
    for i in range(0, len(documents), 500):
        rows = connection.execute(
            select(STATUS.c.document_id, STATUS.c.annotator_id, STATUS.c.status).where(
                STATUS.c.document_id.in_(documents[i : i + 500])
            )
        )
        current.update(((doc, who), status) for doc, who, status in rows)
    inserts, changed = [], set()
    now = utcnow()
    for (doc, who), status in wanted.items():
        before = current.get((doc, who))
        if before is None:
            inserts.append({"document_id": doc, "annotator_id": who, "status": status})
        elif PROGRESS_ORDER[Status(status)] > PROGRESS_ORDER[Status(before)]:
            write_status(connection, doc, who, Status(status))
        else:
            continue
        changed.add(doc)
    if inserts:
        connection.execute(insert(STATUS), [{**row, "updated": now} for row in inserts])
    return changed


def set_status(engine: Engine, document_id: int, annotator: str, status: Status) -> Change:
    with writing(engine) as connection:
        require_layer(connection, annotator)
        write_status(connection, document_id, annotator_id(connection, annotator), Status(status))
    return Change(statuses=frozenset({document_id}))


FLAG_NOTE = "flagged: "


def flag_document(
    engine: Engine, document_id: int, annotator: str, reason: str
) -> tuple[int, Change]:
    """Set the annotator's status to flagged and keep ``reason`` as their note on the
    document, in one transaction; returns the note's id."""
    with writing(engine) as connection:
        note_id = write_note(connection, document_id, annotator, FLAG_NOTE + reason.strip())
        write_status(connection, document_id, annotator_id(connection, annotator), Status.FLAGGED)
    return note_id, Change(statuses=frozenset({document_id}), notes=frozenset({note_id}))


def unflag_document(
    engine: Engine, document_id: int, annotator: str, note_id: int, before: Status
) -> Change:
    """Undo ``flag_document``: drop its note and put the status back to ``before``."""
    with writing(engine) as connection:
        require_layer(connection, annotator)
        connection.execute(NOTE.delete().where(NOTE.c.id == note_id))
        write_status(connection, document_id, annotator_id(connection, annotator), before)
    return Change(statuses=frozenset({document_id}), notes=frozenset({note_id}))


def get_status(engine: Engine, document_id: int, annotator: str) -> Status:
    with reading(engine) as connection:
        who = annotator_id(connection, annotator, create=False)
        value = connection.execute(
            select(STATUS.c.status).where(
                (STATUS.c.document_id == document_id) & (STATUS.c.annotator_id == who)
            )
        ).scalar_one_or_none()
    return Status(value or Status.NEW)


def status_counts(
    engine: Engine, annotator: str | None, *, assigned: bool = False
) -> dict[Status, int]:
    """How many documents ``annotator`` has in each status; documents without a status row
    count as new. With ``assigned``, only the documents where ``annotator`` holds a place
    (team work) count: what a person was given, not the whole corpus."""
    with reading(engine) as connection:
        who = annotator_id(connection, annotator, create=False) if annotator else None
        statuses = (
            select(STATUS.c.status, func.count())
            .where(STATUS.c.annotator_id == who)
            .group_by(STATUS.c.status)
        )
        documents = select(func.count()).select_from(DOCUMENT)
        if assigned:
            places = select(ASSIGNMENT.c.document_id).where(ASSIGNMENT.c.annotator_id == who)
            statuses = statuses.where(STATUS.c.document_id.in_(places))
            documents = documents.where(DOCUMENT.c.id.in_(places))
        rows = connection.execute(statuses)
        counts = {Status(status): count for status, count in rows if status in STATUS_VALUES}
        total = connection.execute(documents).scalar_one()
    counts[Status.NEW] = total - sum(n for s, n in counts.items() if s != Status.NEW)
    return counts
