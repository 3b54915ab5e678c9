"""Corpus search: every match of a text query in the stored documents, in context.

The index (``text_index``) narrows the documents to scan; each candidate's text is then
searched with the real pattern, so offsets are exact code points and nothing the index
folds differently is lost. Documents are read in id order in batches and hits stream out,
so the first page costs a few documents, not the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import and_, exists, not_, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from annotator.core.errors import InvalidSpan
from annotator.core.search import TextQuery, compile_query, find_hits, index_trigrams
from annotator.store.annotators import annotator_id
from annotator.store.engine import reading
from annotator.store.labels import label_ids
from annotator.store.sqlite import driver_rows
from annotator.store.status import Status
from annotator.store.tables import DOCUMENT, LABEL, SPAN, STATUS
from annotator.store.text_count import count_in_sql
from annotator.store.text_index import narrowed

CONTEXT = 60  # characters of context on each side of a hit
BATCH = 200  # documents searched between two span look-ups
FIRST_BATCH = 8  # the first page needs few documents: start small, double up to BATCH


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Which hits count: covered by a span of one of ``labels``; ``annotator``'s spans and
    statuses only (everyone's if ``None``); documents with one of ``statuses``; dated from
    ``date_from`` to ``date_to`` (ISO dates, both included)."""

    labels: tuple[str, ...] = ()
    annotator: str | None = None
    statuses: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One match in context; ``labels`` are those of the spans covering it."""

    document_id: int
    title: str
    date: str | None
    start: int
    end: int
    text: str
    left: str
    right: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentHits:
    """A document's text and the ``(start, end)`` of the hits the filter kept in it."""

    document_id: int
    title: str
    date: str | None
    text: str
    hits: list[tuple[int, int]]
    covering: list[tuple[str, ...]]


def _who(connection: Connection, name: str | None) -> int | None:
    if name is None:
        return None
    found = annotator_id(connection, name, create=False)
    if found is None:
        raise InvalidSpan(f"there is no annotator {name!r}")
    return found


def _check_labels(connection: Connection, names: Sequence[str]) -> None:
    known = label_ids(connection)
    for name in names:
        if name not in known:
            raise InvalidSpan(f"there is no label {name!r}")


def _status_condition(statuses: Sequence[str], who: int | None):
    for name in statuses:
        Status(name)
    rows = STATUS.c.document_id == DOCUMENT.c.id
    if who is not None:
        rows = and_(rows, STATUS.c.annotator_id == who)
    condition: ColumnElement[bool] = exists().where(rows, STATUS.c.status.in_(list(statuses)))
    if Status.NEW in statuses:
        condition = or_(condition, not_(exists().where(rows, STATUS.c.status != Status.NEW)))
    return condition


def _documents(
    connection: Connection, query: TextQuery, filters: SearchFilter, who: int | None
) -> Select:
    statement = select(DOCUMENT.c.id, DOCUMENT.c.title, DOCUMENT.c.meta, DOCUMENT.c.text)
    narrow = narrowed(connection, statement, index_trigrams(query))
    statement = statement.order_by(DOCUMENT.c.id) if narrow is None else narrow
    if filters.labels:
        spans = and_(
            SPAN.c.document_id == DOCUMENT.c.id,
            SPAN.c.label_id.in_(select(LABEL.c.id).where(LABEL.c.name.in_(list(filters.labels)))),
        )
        if who is not None:
            spans = and_(spans, SPAN.c.annotator_id == who)
        statement = statement.where(exists().where(spans))
    if filters.statuses:
        statement = statement.where(_status_condition(filters.statuses, who))
    return statement


def _date(meta: str | dict | None) -> str | None:
    """The ``date`` of a document's meta as the driver returns it (JSON text or a dict)."""
    fields = json.loads(meta) if isinstance(meta, str) else meta
    date = (fields or {}).get("date")
    return None if date is None else str(date)


def _in_range(date: str | None, filters: SearchFilter) -> bool:
    if filters.date_from and (date is None or date < filters.date_from):
        return False
    return not (filters.date_to and (date is None or date > filters.date_to))


def _spans_by_document(
    connection: Connection, documents: Sequence[int], who: int | None
) -> dict[int, list[tuple[int, int, str]]]:
    query = (
        select(SPAN.c.document_id, SPAN.c.start, SPAN.c.end, LABEL.c.name)
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .where(SPAN.c.document_id.in_(list(documents)))
        .order_by(SPAN.c.document_id, SPAN.c.start)
    )
    if who is not None:
        query = query.where(SPAN.c.annotator_id == who)
    found: dict[int, list[tuple[int, int, str]]] = {}
    for document_id, start, end, label in driver_rows(connection, query):
        found.setdefault(document_id, []).append((start, end, label))
    return found


def _covering(spans: list[tuple[int, int, str]], start: int, end: int) -> tuple[str, ...]:
    labels = {label for s, e, label in spans if s <= start and end <= e}
    return tuple(sorted(labels))


def _with_labels(
    connection: Connection, batch: list[DocumentHits], filters: SearchFilter, who: int | None
) -> Generator[DocumentHits, None, None]:
    spans = _spans_by_document(connection, [doc.document_id for doc in batch], who)
    wanted = set(filters.labels)
    for doc in batch:
        own = spans.get(doc.document_id, [])
        pairs = [(hit, _covering(own, *hit)) for hit in doc.hits]
        if wanted:
            pairs = [(hit, labels) for hit, labels in pairs if wanted.intersection(labels)]
        if pairs:
            hits, covering = zip(*pairs, strict=True)
            yield DocumentHits(
                doc.document_id, doc.title, doc.date, doc.text, list(hits), list(covering)
            )


def matching_documents(
    connection: Connection,
    query: TextQuery,
    filters: SearchFilter = SearchFilter(),
    with_labels: bool = True,
) -> Generator[DocumentHits, None, None]:
    """The documents with hits, in id order, each with its hits and the labels covering them
    (``with_labels=False`` skips the span look-up when no label filter needs it)."""
    pattern = compile_query(query)
    who = _who(connection, filters.annotator)
    if filters.labels:
        _check_labels(connection, filters.labels)
    need_spans = with_labels or bool(filters.labels)
    dated = bool(filters.date_from or filters.date_to)
    batch: list[DocumentHits] = []
    size = FIRST_BATCH
    rows = driver_rows(connection, _documents(connection, query, filters, who), batch=64)
    with closing(rows):
        for document_id, title, meta, text in rows:
            hits = list(find_hits(pattern, text))
            if not hits:
                continue
            date = _date(meta) if dated or need_spans else None
            if dated and not _in_range(date, filters):
                continue
            found = DocumentHits(document_id, title, date, text, hits, [])
            if not need_spans:
                yield found
                continue
            batch.append(found)
            if len(batch) >= size:
                yield from _with_labels(connection, batch, filters, who)
                batch, size = [], min(BATCH, 2 * size)
    if batch:
        yield from _with_labels(connection, batch, filters, who)


def _hits_in(doc: DocumentHits, context: int) -> Iterator[Hit]:
    text = doc.text
    for (start, end), labels in zip(doc.hits, doc.covering, strict=True):
        yield Hit(
            document_id=doc.document_id,
            title=doc.title,
            date=doc.date,
            start=start,
            end=end,
            text=text[start:end],
            left=text[max(0, start - context) : start],
            right=text[end : end + context],
            labels=labels,
        )


def iter_hits(
    engine: Engine,
    query: TextQuery,
    filters: SearchFilter = SearchFilter(),
    context: int = CONTEXT,
) -> Generator[Hit, None, None]:
    """Every hit in document and offset order, streamed; close the iterator when done."""
    with reading(engine) as connection:
        documents = matching_documents(connection, query, filters)
        with closing(documents):
            for doc in documents:
                yield from _hits_in(doc, context)


def search_page(
    engine: Engine,
    query: TextQuery,
    filters: SearchFilter = SearchFilter(),
    offset: int = 0,
    limit: int = 50,
    context: int = CONTEXT,
) -> list[Hit]:
    """Hits ``offset`` to ``offset + limit`` (in document and offset order)."""
    with closing(iter_hits(engine, query, filters, context)) as hits:
        return list(islice(hits, offset, offset + limit))


def count_hits(engine: Engine, query: TextQuery, filters: SearchFilter = SearchFilter()) -> int:
    """How many hits there are in all, without building them."""
    with reading(engine) as connection:
        if not (filters.labels or filters.date_from or filters.date_to):
            who = _who(connection, filters.annotator)
            statuses = filters.statuses

            def restrict(statement: Select) -> Select:
                if not statuses:
                    return statement
                return statement.where(_status_condition(statuses, who))

            counted = count_in_sql(connection, query, restrict)
            if counted is not None:
                return counted
        documents = matching_documents(connection, query, filters, with_labels=False)
        with closing(documents):
            return sum(len(doc.hits) for doc in documents)
