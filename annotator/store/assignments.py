"""Assignments: who annotates which document, claims from each person's queue, progress.

A document has one ``assignment`` row per place for an annotator. ``annotator assign`` fills
them: named people (balanced, each place ``queued`` for its person) or, without names, places
anyone may claim (``open``, ``pooled``). A claim takes the claimer's next queued place, else
an open place on a document they hold no place on, and marks it ``claimed``; done is read
from the document's status, so finishing a document needs no second write. A claim not
finished within the expiry goes back: a pooled place to the pool, a named one to its queue.

Claims are atomic on both engines: SQLite writes under ``BEGIN IMMEDIATE`` (one writer at a
time); PostgreSQL locks the chosen row with ``FOR UPDATE SKIP LOCKED``, so concurrent
claimers take different places, and the unique (document, annotator) key refuses a person a
second place on one document (the claim is then retried).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, and_, case, exists, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.expression import Exists, FromClause

from annotator.core.assignment import annotators_per_document, plan
from annotator.core.errors import InputError, Problem, StoreError
from annotator.store.annotators import annotator_id
from annotator.store.engine import reading, writing
from annotator.store.meta import get_meta, set_meta
from annotator.store.permissions import require_admin
from annotator.store.status import FINISHED
from annotator.store.tables import ANNOTATOR, ASSIGNMENT, DOCUMENT, STATUS, utcnow

QUEUED, OPEN, CLAIMED = "queued", "open", "claimed"
EXPIRY_KEY = "claim_expiry_minutes"
DEFAULT_EXPIRY = timedelta(hours=2)
CLAIM_ATTEMPTS = 5
_FINISHED = [status.value for status in FINISHED]


@dataclass(frozen=True, slots=True)
class Assigned:
    """What ``assign`` did: documents given places, places made, documents left out because
    they had places already, and each person's number of places now."""

    documents: int
    places: int
    already: int
    load: dict[str, int]


@dataclass(frozen=True, slots=True)
class Claim:
    document_id: int
    title: str
    pooled: bool


@dataclass(frozen=True, slots=True)
class PersonProgress:
    name: str
    assigned: int
    claimed: int
    done: int


@dataclass(frozen=True, slots=True)
class Progress:
    people: list[PersonProgress]
    open_places: int
    ready_for_review: int

    def as_dict(self) -> dict:
        return {
            "annotators": [
                {"name": p.name, "assigned": p.assigned, "claimed": p.claimed, "done": p.done}
                for p in self.people
            ],
            "open": self.open_places,
            "ready_for_review": self.ready_for_review,
        }


def _with_status(places: FromClause = ASSIGNMENT) -> FromClause:
    """``places`` joined to the status of each place's document for its annotator."""
    return places.outerjoin(
        STATUS,
        and_(
            STATUS.c.document_id == ASSIGNMENT.c.document_id,
            STATUS.c.annotator_id == ASSIGNMENT.c.annotator_id,
        ),
    )


def _finished_by(who, document) -> Exists:
    """Whether ``who`` finished (done, skipped, flagged) ``document``: SQL expressions."""
    return exists().where(
        (STATUS.c.document_id == document)
        & (STATUS.c.annotator_id == who)
        & STATUS.c.status.in_(_FINISHED)
    )


def _load(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        select(ANNOTATOR.c.name, func.count())
        .select_from(ASSIGNMENT.join(ANNOTATOR, ANNOTATOR.c.id == ASSIGNMENT.c.annotator_id))
        .group_by(ANNOTATOR.c.name)
    )
    return {name: count for name, count in rows}


def assign(
    engine: Engine,
    annotators: Sequence[str] | None,
    per_document: int,
    documents: Sequence[int] | None = None,
    seed: int = 13,
    overlap: float | None = None,
    expire_after: timedelta | None = None,
) -> Assigned:
    """Give each of ``documents`` (default: every document without places yet) its places:
    ``per_document`` annotators each, or with ``overlap`` that share of the documents
    ``per_document`` and the rest one. Named ``annotators`` are balanced by how many places
    they hold; without names the places are open to whoever claims them. Documents that have
    places already are left as they are. All or nothing."""
    with writing(engine) as connection:
        require_admin(connection, "assign documents")
        taken = set(connection.execute(select(ASSIGNMENT.c.document_id).distinct()).scalars())
        known = set(connection.execute(select(DOCUMENT.c.id)).scalars())
        if documents is None:
            chosen = sorted(known - taken)
        else:
            missing = sorted(set(documents) - known)
            if missing:
                raise InputError([Problem(f"there is no document {missing[0]}")])
            chosen = [doc for doc in dict.fromkeys(documents) if doc not in taken]
        already = len(taken & set(documents)) if documents is not None else 0
        wanted = annotators_per_document(chosen, per_document, overlap, seed)
        people = len(set(annotators or ()))
        if people and per_document > people:
            raise InputError(
                [Problem(f"{per_document} annotators per document, but only {people} named")]
            )
        now = utcnow()
        if annotators:
            ids = {name: annotator_id(connection, name) for name in annotators}
            pairs = plan(wanted, annotators, seed, _load(connection))
            rows = [
                {"document_id": doc, "annotator_id": ids[name], "state": QUEUED}
                for doc, name in pairs
            ]
        else:
            rows = [
                {"document_id": doc, "annotator_id": None, "state": OPEN, "pooled": True}
                for doc, places in wanted.items()
                for _ in range(places)
            ]
        if rows:
            rows = [{"pooled": False, **row, "assigned_at": now} for row in rows]
            connection.execute(insert(ASSIGNMENT), rows)
        if expire_after is not None:
            set_meta(connection, EXPIRY_KEY, str(int(expire_after.total_seconds() // 60)))
        load = _load(connection)
    return Assigned(len(wanted), len(rows), already, load)


def claim_expiry(connection: Connection) -> timedelta:
    value = get_meta(connection, EXPIRY_KEY)
    return timedelta(minutes=int(value)) if value else DEFAULT_EXPIRY


def release_expired(connection: Connection) -> int:
    """Give back claims older than the expiry whose annotator has not finished them: a
    pooled place to the pool, a named one to its person's queue. Returns how many."""
    cutoff = utcnow() - claim_expiry(connection)
    pooled = ASSIGNMENT.c.pooled
    released = connection.execute(
        ASSIGNMENT.update()
        .where(
            (ASSIGNMENT.c.state == CLAIMED)
            & (ASSIGNMENT.c.claimed_at < cutoff)
            & ~_finished_by(ASSIGNMENT.c.annotator_id, ASSIGNMENT.c.document_id)
        )
        .values(
            state=case((pooled, OPEN), else_=QUEUED),
            annotator_id=case((pooled, None), else_=ASSIGNMENT.c.annotator_id),
            claimed_at=None,
        )
    )
    return released.rowcount


def _next_place(connection: Connection, who: int) -> tuple[int, Claim] | None:
    """The place ``who`` claims next, locked, and the claim it makes: their own queue first,
    then an open place on a document they hold no place on and have not finished."""
    columns = (ASSIGNMENT.c.id, ASSIGNMENT.c.document_id, ASSIGNMENT.c.pooled, DOCUMENT.c.title)
    unfinished = ~_finished_by(who, ASSIGNMENT.c.document_id)
    mine = (ASSIGNMENT.c.annotator_id == who) & (ASSIGNMENT.c.state == QUEUED) & unfinished
    other = ASSIGNMENT.alias("held")
    holds = exists().where(
        (other.c.document_id == ASSIGNMENT.c.document_id) & (other.c.annotator_id == who)
    )
    pool = (ASSIGNMENT.c.state == OPEN) & ~holds & unfinished
    for condition in (mine, pool):
        row = connection.execute(
            select(*columns)
            .join(DOCUMENT, DOCUMENT.c.id == ASSIGNMENT.c.document_id)
            .where(condition)
            .order_by(ASSIGNMENT.c.document_id, ASSIGNMENT.c.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=ASSIGNMENT)
        ).first()
        if row is not None:
            return row.id, Claim(row.document_id, row.title, row.pooled)
    return None


def claim(engine: Engine, annotator: str) -> Claim | None:
    """Claim one more document for ``annotator`` (``None`` when nothing is left), never one
    they hold or finished. Expired claims are given back first."""
    for _attempt in range(CLAIM_ATTEMPTS):
        try:
            with writing(engine) as connection:
                release_expired(connection)
                who = annotator_id(connection, annotator)
                place = _next_place(connection, who)
                if place is None:
                    return None
                place_id, claimed = place
                connection.execute(
                    ASSIGNMENT.update()
                    .where(ASSIGNMENT.c.id == place_id)
                    .values(annotator_id=who, state=CLAIMED, claimed_at=utcnow())
                )
            return claimed
        except IntegrityError:
            continue  # another claim of this person took a place on the same document
    raise StoreError(f"could not claim a document for {annotator}: too many claims at once")


def has_assignments(engine: Engine) -> bool:
    with reading(engine) as connection:
        return connection.execute(select(ASSIGNMENT.c.id).limit(1)).first() is not None


def holds_places(engine: Engine, annotator: str | None) -> bool:
    """``annotator`` has been given documents (a place, queued or claimed)."""
    with reading(engine) as connection:
        who = annotator_id(connection, annotator, create=False) if annotator else None
        places = select(ASSIGNMENT.c.id).where(ASSIGNMENT.c.annotator_id == who).limit(1)
        return connection.execute(places).first() is not None


def held_document(engine: Engine, annotator: str, besides: int | None = None) -> int | None:
    """The first document ``annotator`` has claimed and not finished (other than
    ``besides``), to go back to before claiming another."""
    with reading(engine) as connection:
        who = annotator_id(connection, annotator, create=False)
        if who is None:
            return None
        query = select(func.min(ASSIGNMENT.c.document_id)).where(
            (ASSIGNMENT.c.annotator_id == who)
            & (ASSIGNMENT.c.state == CLAIMED)
            & ~_finished_by(who, ASSIGNMENT.c.document_id)
        )
        if besides is not None:
            query = query.where(ASSIGNMENT.c.document_id != besides)
        return connection.execute(query).scalar()


def assigned_ids(who: int | None) -> Select:
    """SELECT of the documents where ``who`` holds a place (queued or claimed)."""
    return select(ASSIGNMENT.c.document_id).where(ASSIGNMENT.c.annotator_id == who)


def ready_ids() -> Select:
    """SELECT of the documents ready for review: every place taken, and every person who
    took one has finished it."""
    finished = case((STATUS.c.status.in_(_FINISHED), 1), else_=0)
    return (
        select(ASSIGNMENT.c.document_id)
        .select_from(_with_status())
        .group_by(ASSIGNMENT.c.document_id)
        .having(func.count() == func.sum(finished))
    )


def progress(engine: Engine) -> Progress:
    """Each person's places, claims and finished documents; open places; documents ready."""
    done = case((STATUS.c.status.in_(_FINISHED), 1), else_=0)
    claimed = case((ASSIGNMENT.c.state == CLAIMED, 1), else_=0)
    with reading(engine) as connection:
        rows = connection.execute(
            select(ANNOTATOR.c.name, func.count(), func.sum(claimed), func.sum(done))
            .select_from(
                _with_status(
                    ASSIGNMENT.join(ANNOTATOR, ANNOTATOR.c.id == ASSIGNMENT.c.annotator_id)
                )
            )
            .group_by(ANNOTATOR.c.name)
            .order_by(ANNOTATOR.c.name)
        )
        people = [PersonProgress(name, n, int(c or 0), int(d or 0)) for name, n, c, d in rows]
        open_places = connection.execute(
            select(func.count()).where(ASSIGNMENT.c.state == OPEN)
        ).scalar_one()
        ready = connection.execute(
            select(func.count()).select_from(ready_ids().subquery())
        ).scalar_one()
    return Progress(people, open_places, ready)
