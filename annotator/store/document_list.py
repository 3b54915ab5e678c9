"""The document list as the workspace pages through it: filtered in SQL, one page at a time.

A list over 100,000 documents never loads them all: the view asks for a count, then for the
page of rows it paints, and for the position of one document when it jumps there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from annotator.store.documents import DocumentSummary, summary_from_row
from annotator.store.engine import reading
from annotator.store.review import ReviewFilter, disagreement_ids, reviewed_ids
from annotator.store.status import Status
from annotator.store.tables import ANNOTATOR, DOCUMENT, SPAN, STATUS

FINISHED = (Status.DONE, Status.SKIPPED)


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """Which documents a list shows, and whose status and span counts it shows with them.

    ``text`` matches anywhere in the title, ignoring case; ``status`` keeps one status
    (``None``: all); ``unfinished`` keeps documents that are neither done nor skipped;
    ``review`` keeps documents with disagreements, or those whose review is finished.
    """

    annotator: str | None = None
    text: str = ""
    status: Status | None = None
    unfinished: bool = False
    review: ReviewFilter | None = None


def _annotator_id(connection: Connection, name: str | None) -> int | None:
    if name is None:
        return None
    return connection.execute(
        select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == name)
    ).scalar_one_or_none()


def _status_column(who: int | None) -> ColumnElement:
    """The annotator's status of the document in the current row ('new' when never set)."""
    return func.coalesce(
        select(STATUS.c.status)
        .where((STATUS.c.document_id == DOCUMENT.c.id) & (STATUS.c.annotator_id == who))
        .scalar_subquery(),
        Status.NEW.value,
    )


def _conditions(query: DocumentQuery, who: int | None) -> list[ColumnElement]:
    conditions: list[ColumnElement] = []
    if query.text.strip():
        conditions.append(DOCUMENT.c.title.icontains(query.text.strip(), autoescape=True))
    if query.status is not None:
        conditions.append(_status_column(who) == Status(query.status).value)
    if query.unfinished:
        conditions.append(_status_column(who).not_in([s.value for s in FINISHED]))
    if query.review == ReviewFilter.DISAGREEMENTS:
        conditions.append(DOCUMENT.c.id.in_(disagreement_ids()))
    elif query.review == ReviewFilter.REVIEWED:
        conditions.append(DOCUMENT.c.id.in_(reviewed_ids()))
    return conditions


def _matching_ids(query: DocumentQuery, who: int | None) -> Select:
    ids = select(DOCUMENT.c.id)
    conditions = _conditions(query, who)
    return ids.where(*conditions) if conditions else ids


def count_matching(engine: Engine, query: DocumentQuery) -> int:
    """How many documents the list shows."""
    with reading(engine) as connection:
        who = _annotator_id(connection, query.annotator)
        ids = _matching_ids(query, who).subquery()
        return connection.execute(select(func.count()).select_from(ids)).scalar_one()


def summaries_page(
    engine: Engine, query: DocumentQuery, offset: int, limit: int
) -> list[DocumentSummary]:
    """Rows ``offset`` to ``offset + limit`` of the list, in id order."""
    with reading(engine) as connection:
        who = _annotator_id(connection, query.annotator)
        page = _matching_ids(query, who).order_by(DOCUMENT.c.id).offset(offset).limit(limit)
        return _summaries(connection, who, DOCUMENT.c.id.in_(page))


def summaries_of(engine: Engine, annotator: str | None, ids: list[int]) -> list[DocumentSummary]:
    """The rows of the given documents (to refresh the ones a change touched)."""
    with reading(engine) as connection:
        return _summaries(connection, _annotator_id(connection, annotator), DOCUMENT.c.id.in_(ids))


def _summaries(connection: Connection, who: int | None, where: ColumnElement):
    span_count = (
        select(func.count())
        .where((SPAN.c.document_id == DOCUMENT.c.id) & (SPAN.c.annotator_id == who))
        .scalar_subquery()
    )
    rows = connection.execute(
        select(
            DOCUMENT.c.id,
            DOCUMENT.c.title,
            DOCUMENT.c.meta,
            DOCUMENT.c.length,
            _status_column(who).label("status"),
            span_count.label("spans"),
        )
        .where(where)
        .order_by(DOCUMENT.c.id)
    )
    return [summary_from_row(row) for row in rows]


def position_of(engine: Engine, query: DocumentQuery, document_id: int) -> int | None:
    """The row of ``document_id`` in the list; ``None`` if the list does not show it."""
    with reading(engine) as connection:
        who = _annotator_id(connection, query.annotator)
        shown = connection.execute(
            _matching_ids(query, who).where(DOCUMENT.c.id == document_id)
        ).scalar_one_or_none()
        if shown is None:
            return None
        before = _matching_ids(query, who).where(DOCUMENT.c.id < document_id).subquery()
        return connection.execute(select(func.count()).select_from(before)).scalar_one()


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
