"""The document list as the workspace pages through it: filtered in SQL, one page at a time.

A list over 100,000 documents never loads them all: the view asks for a count, then for the
rows of the page it paints (ids first, then their titles, statuses and span counts), and for
the position of one document when it jumps there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BindParameter, FromClause, Select, bindparam, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from annotator.store.assignments import assigned_ids, ready_ids
from annotator.store.documents import DocumentSummary, summary_from_row
from annotator.store.engine import reading
from annotator.store.review import ReviewFilter, disagreement_ids, reviewed_ids
from annotator.store.status import FINISHED, Status
from annotator.store.tables import ANNOTATOR, DOCUMENT, SPAN, STATUS


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """Which documents a list shows, and whose status and span counts it shows with them.

    ``text`` matches anywhere in the title, ignoring case; ``status`` keeps one status
    (``None``: all); ``unfinished`` keeps documents that are not done, skipped or flagged;
    ``review`` keeps documents with disagreements, those ready for review (every assignee
    finished) or those whose review is finished; ``assigned`` keeps the documents where
    ``annotator`` holds a place.
    """

    annotator: str | None = None
    text: str = ""
    status: Status | None = None
    unfinished: bool = False
    review: ReviewFilter | None = None
    assigned: bool = False


_ANNOTATOR_ID = select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == bindparam("name"))


def _annotator_id(connection: Connection, name: str | None) -> int | None:
    if name is None:
        return None
    return connection.execute(_ANNOTATOR_ID, {"name": name}).scalar_one_or_none()


def _matching_ids(query: DocumentQuery, who: int | None) -> Select:
    """The ids the query keeps; statuses come from one outer join on the status key."""
    conditions: list[ColumnElement] = []
    source: FromClause = DOCUMENT
    if query.text.strip():
        conditions.append(DOCUMENT.c.title.icontains(query.text.strip(), autoescape=True))
    if query.status is not None or query.unfinished:
        source = DOCUMENT.outerjoin(
            STATUS, (STATUS.c.document_id == DOCUMENT.c.id) & (STATUS.c.annotator_id == who)
        )
        status = func.coalesce(STATUS.c.status, Status.NEW.value)
        if query.status is not None:
            conditions.append(status == Status(query.status).value)
        if query.unfinished:
            conditions.append(status.not_in([s.value for s in FINISHED]))
    if query.review == ReviewFilter.DISAGREEMENTS:
        conditions.append(DOCUMENT.c.id.in_(disagreement_ids()))
    elif query.review == ReviewFilter.REVIEWED:
        conditions.append(DOCUMENT.c.id.in_(reviewed_ids()))
    elif query.review == ReviewFilter.READY:
        conditions.append(DOCUMENT.c.id.in_(ready_ids()))
    if query.assigned:
        conditions.append(DOCUMENT.c.id.in_(assigned_ids(who)))
    ids = select(DOCUMENT.c.id).select_from(source)
    return ids.where(*conditions) if conditions else ids


def count_matching(engine: Engine, query: DocumentQuery) -> int:
    """How many documents the list shows."""
    with reading(engine) as connection:
        who = _annotator_id(connection, query.annotator)
        by_status = query.status is not None or query.unfinished
        if query.text.strip() or query.review is not None or query.assigned or not by_status:
            ids = _matching_ids(query, who).subquery()
            return connection.execute(select(func.count()).select_from(ids)).scalar_one()
        return _count_by_status(connection, query, who)


def _count_by_status(connection: Connection, query: DocumentQuery, who: int | None) -> int:
    """A status filter counted from the annotator's status rows alone (an index lookup)
    instead of joining every document: documents without a row are new."""
    allowed = {Status(query.status)} if query.status is not None else set(Status)
    if query.unfinished:
        allowed -= set(FINISHED)
    rows = select(func.count()).select_from(STATUS).where(STATUS.c.annotator_id == who)
    values = [s.value for s in allowed]
    if Status.NEW not in allowed:
        return connection.execute(rows.where(STATUS.c.status.in_(values))).scalar_one()
    total = connection.execute(select(func.count()).select_from(DOCUMENT)).scalar_one()
    return total - connection.execute(rows.where(STATUS.c.status.not_in(values))).scalar_one()


def matching_ids(engine: Engine, query: DocumentQuery) -> list[int]:
    """The ids of every document the list shows, in list order."""
    with reading(engine) as connection:
        ids = _matching_ids(query, _annotator_id(connection, query.annotator))
        return list(connection.execute(ids.order_by(DOCUMENT.c.id)).scalars())


def page_ids(
    engine: Engine, query: DocumentQuery, offset: int, limit: int, total: int
) -> list[int]:
    """The ids of rows ``offset`` to ``offset + limit`` of a list of ``total`` rows.

    OFFSET steps over rows one at a time, so a page in the second half of the list is
    counted from the end: the last page of 100,000 documents costs as little as the first.
    """
    with reading(engine) as connection:
        ids = _matching_ids(query, _annotator_id(connection, query.annotator))
        if offset + limit / 2 <= total / 2:
            page = ids.order_by(DOCUMENT.c.id).offset(offset).limit(limit)
            return list(connection.execute(page).scalars())
        from_end = max(0, total - offset - limit)
        page = ids.order_by(DOCUMENT.c.id.desc()).offset(from_end).limit(total - offset - from_end)
        return sorted(connection.execute(page).scalars())


def position_of(engine: Engine, query: DocumentQuery, document_id: int, total: int) -> int | None:
    """The row of ``document_id`` in a list of ``total`` rows; ``None`` if it is not shown.

    Counted from the nearer end of the list, like ``page_ids``.
    """
    with reading(engine) as connection:
        ids = _matching_ids(query, _annotator_id(connection, query.annotator))
        if connection.execute(ids.where(DOCUMENT.c.id == document_id)).first() is None:
            return None
        low, high = connection.execute(
            ids.with_only_columns(func.min(DOCUMENT.c.id), func.max(DOCUMENT.c.id))
        ).one()
        if document_id - low <= high - document_id:
            before = ids.where(DOCUMENT.c.id < document_id).subquery()
            return connection.execute(select(func.count()).select_from(before)).scalar_one()
        after = ids.where(DOCUMENT.c.id >= document_id).subquery()
        return total - connection.execute(select(func.count()).select_from(after)).scalar_one()


def _summaries() -> Select:
    """The list rows of the documents ``ids`` with annotator ``who``'s status and span counts,
    in id order."""
    who: BindParameter[int] = bindparam("who")
    status = func.coalesce(  # "new" when never set
        select(STATUS.c.status)
        .where((STATUS.c.document_id == DOCUMENT.c.id) & (STATUS.c.annotator_id == who))
        .scalar_subquery(),
        Status.NEW.value,
    )
    span_count = (
        select(func.count())
        .where((SPAN.c.document_id == DOCUMENT.c.id) & (SPAN.c.annotator_id == who))
        .scalar_subquery()
    )
    return (
        select(
            DOCUMENT.c.id,
            DOCUMENT.c.title,
            DOCUMENT.c.meta,
            DOCUMENT.c.length,
            status.label("status"),
            span_count.label("spans"),
        )
        .where(DOCUMENT.c.id.in_(bindparam("ids", expanding=True)))
        .order_by(DOCUMENT.c.id)
    )


# Built once: every edit refreshes the edited document's row with it.
_SUMMARIES = _summaries()


def summaries_of(engine: Engine, annotator: str | None, ids: list[int]) -> list[DocumentSummary]:
    """The list rows of the given documents, in id order."""
    with reading(engine) as connection:
        who = _annotator_id(connection, annotator)
        rows = connection.execute(_SUMMARIES, {"who": who, "ids": list(ids)})
        return [summary_from_row(row) for row in rows]


def neighbour(
    engine: Engine, query: DocumentQuery, document_id: int | None, step: int, wrap: bool = False
) -> int | None:
    """The id of the next (``step=1``) or previous (``step=-1``) document the query keeps.

    With ``wrap`` the search continues from the other end of the list, stopping short of
    ``document_id`` itself.
    """
    with reading(engine) as connection:
        who = _annotator_id(connection, query.annotator)
        ids = _matching_ids(query, who)
        pick = func.min(DOCUMENT.c.id) if step > 0 else func.max(DOCUMENT.c.id)
        found = None
        if document_id is not None:
            beyond = DOCUMENT.c.id > document_id if step > 0 else DOCUMENT.c.id < document_id
            found = connection.execute(ids.where(beyond).with_only_columns(pick)).scalar()
        if found is None and (wrap or document_id is None):
            found = connection.execute(ids.with_only_columns(pick)).scalar()
            if found == document_id:
                found = None
        return found
