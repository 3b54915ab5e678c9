"""Agreement over the stored corpus, streamed document by document.

Ordered cursors walk the documents, the chosen annotators' spans, links and statuses side by
side, so memory holds one document at a time plus the counts, whatever the corpus size. A
large corpus in a database file is split in two ranges of documents counted at once, one in
a forked second process, and the counts are added up. Only a process without other threads
forks (the command line, scripts): the app counts in its own process.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import groupby, pairwise
from multiprocessing import get_context
from operator import itemgetter

import orjson
from sqlalchemy import Select, and_, create_engine, exists, or_, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.agreement import AgreementCounter, AgreementReport, SpanKey
from annotator.core.bulk_agreement import BulkAgreementCounter, BulkLinkAgreementCounter
from annotator.core.errors import AnnotatorError
from annotator.core.link_agreement import LinkAgreementCounter, LinkKey
from annotator.core.review import GOLD
from annotator.store import sqlite
from annotator.store.engine import reading
from annotator.store.labels import label_ids, schema_of
from annotator.store.reservations import stored
from annotator.store.rows import driver_rows, json_rows
from annotator.store.status import Status
from annotator.store.tables import (
    ANNOTATOR,
    DOCUMENT,
    LABEL,
    RELATION,
    RELATION_TYPE,
    SPAN,
    STATUS,
)


class _Walk:
    """Rows of a query ordered by document id, handed out one document at a time."""

    def __init__(self, connection: Connection, query: Select) -> None:
        self._groups = groupby(driver_rows(connection, query), key=_DOCUMENT)
        self._pending = next(self._groups, None)

    def rows(self, document_id: int) -> Iterable[tuple]:
        """The rows of ``document_id``; documents must be asked for in ascending order, and
        a document's rows read before the next document is asked for."""
        while self._pending is not None and self._pending[0] < document_id:
            self._pending = next(self._groups, None)
        if self._pending is not None and self._pending[0] == document_id:
            return self._pending[1]
        return ()


_DOCUMENT = itemgetter(0)


def _active(connection: Connection, candidates: Collection[int]) -> set[int]:
    """The candidates who annotated anything (a span, or a status other than new). Each
    search stops at the first row found, so an annotator's million spans are not read."""
    spans = exists().where(SPAN.c.annotator_id == ANNOTATOR.c.id, stored(SPAN.c.document_id))
    statuses = exists().where(
        and_(STATUS.c.annotator_id == ANNOTATOR.c.id, STATUS.c.status != Status.NEW)
    )
    query = select(ANNOTATOR.c.id).where(ANNOTATOR.c.id.in_(candidates), or_(spans, statuses))
    return set(connection.execute(query).scalars())


def _choose(connection: Connection, annotators: Sequence[str] | None) -> dict[str, int]:
    known: dict[str, int] = dict(
        connection.execute(
            select(ANNOTATOR.c.name, ANNOTATOR.c.id)
            .where(ANNOTATOR.c.name != GOLD)
            .order_by(ANNOTATOR.c.name)
        ).all()
    )
    if annotators is None:
        active = _active(connection, known.values())
        chosen = {name: i for name, i in known.items() if i in active}
    else:
        unknown = [name for name in annotators if name not in known]
        if unknown:
            listed = ", ".join(known) or "none"
            raise AnnotatorError(f"no annotator named {unknown[0]!r} (annotators: {listed})")
        chosen = {name: known[name] for name in dict.fromkeys(annotators)}
    if len(chosen) < 2:
        listed = ", ".join(chosen) or "none"
        raise AnnotatorError(f"agreement needs two annotators who annotated (found: {listed})")
    return chosen


IdRange = tuple[int, int] | None  # documents with ``low <= id <= high``; None: all
PARALLEL_FROM = 2000
"""Corpora of fewer documents are counted in this process alone: a second one takes longer
to start than they take to count."""


def _documents(
    connection: Connection,
    chosen: dict[str, int],
    labels: Sequence[str] | None,
    document_ids: Collection[int] | None,
    ids: IdRange = None,
) -> Iterator[tuple[str, dict[str, set[SpanKey]], dict[str, list[LinkKey]]]]:
    """Each document two or more chosen annotators worked on, with their spans' keys
    (start, end, label) and their links' keys (head key, child key, relation type).

    Each annotator's spans on a document come in one row, as a JSON array the database
    builds (the span table's unique index hands them out in document and annotator order),
    and become a set of keys in C: no Python step and no object per span."""
    names = {i: name for name, i in chosen.items()}
    documents = select(DOCUMENT.c.id, DOCUMENT.c.text).order_by(DOCUMENT.c.id)
    spans = (
        select(
            SPAN.c.document_id,
            SPAN.c.annotator_id,
            json_rows(connection, SPAN.c.start, SPAN.c.end, LABEL.c.name),
        )
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .where(SPAN.c.annotator_id.in_(names))
        .group_by(SPAN.c.document_id, SPAN.c.annotator_id)
        .order_by(SPAN.c.document_id, SPAN.c.annotator_id)
    )
    statuses = (
        select(STATUS.c.document_id, STATUS.c.annotator_id)
        .where(and_(STATUS.c.annotator_id.in_(names), STATUS.c.status != Status.NEW))
        .order_by(STATUS.c.document_id)
    )
    if labels is not None:
        spans = spans.where(LABEL.c.name.in_(labels))
    links = _link_keys(connection, names, labels)
    if document_ids is not None:
        documents = documents.where(DOCUMENT.c.id.in_(document_ids))
        spans = spans.where(SPAN.c.document_id.in_(document_ids))
        statuses = statuses.where(STATUS.c.document_id.in_(document_ids))
        links = links.where(RELATION.c.document_id.in_(document_ids))
    if ids is not None:
        documents = documents.where(DOCUMENT.c.id.between(*ids))
        spans = spans.where(SPAN.c.document_id.between(*ids))
        statuses = statuses.where(STATUS.c.document_id.between(*ids))
        links = links.where(RELATION.c.document_id.between(*ids))
    span_walk, status_walk = _Walk(connection, spans), _Walk(connection, statuses)
    link_walk = _Walk(connection, links)
    types = dict(connection.execute(select(RELATION_TYPE.c.id, RELATION_TYPE.c.name)).all())
    for document_id, text in driver_rows(connection, documents, batch=50):
        layers: dict[str, set[SpanKey]] = {
            names[who]: set() for _, who in status_walk.rows(document_id)
        }
        for _, who, keys in span_walk.rows(document_id):
            layers[names[who]] = set(map(tuple, orjson.loads(keys)))
        found: dict[str, list[LinkKey]] = {name: [] for name in layers}
        for row in link_walk.rows(document_id):
            found[names[row[1]]].append((row[2:5], row[5:8], types[row[8]]))
        if len(layers) >= 2:
            yield text, layers, found


def _link_keys(
    connection: Connection, annotator_ids: Collection[int], labels: Sequence[str] | None
) -> Select:
    """Links by document: document, annotator id, the head's and the child's (start, end,
    label id), the relation type id; only links whose two ends have ``labels``, when given.
    Ids stand for names (agreement only compares them), sparing four joins per link."""
    head, child = SPAN.alias("head"), SPAN.alias("child")
    query = (
        select(
            RELATION.c.document_id,
            RELATION.c.annotator_id,
            head.c.start,
            head.c.end,
            head.c.label_id,
            child.c.start,
            child.c.end,
            child.c.label_id,
            RELATION.c.type_id,
        )
        .join(head, head.c.id == RELATION.c.head_id)
        .join(child, child.c.id == RELATION.c.child_id)
        .where(RELATION.c.annotator_id.in_(annotator_ids))
        .order_by(RELATION.c.document_id)
    )
    if labels is None:
        return query
    chosen = [i for name, i in label_ids(connection).items() if name in labels]
    return query.where(head.c.label_id.in_(chosen) & child.c.label_id.in_(chosen))


def corpus_agreement(
    engine: Engine,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    document_ids: Collection[int] | None = None,
    processes: int | None = None,
) -> AgreementReport:
    """Agreement among ``annotators`` (default: everyone who annotated, gold excluded) over
    the corpus or the documents ``document_ids``, restricted to ``labels`` when given (links
    count when both their ends have those labels). ``processes``: how many to count with
    (default: two for a corpus of ``PARALLEL_FROM`` documents or more in a database file,
    on a machine with two cores or more, from a process that may fork; else one)."""
    with reading(engine) as connection:
        full_schema = schema_of(connection)
        schema, relations = full_schema.names, full_schema.relations
        if labels is not None:
            unknown = [name for name in labels if name not in schema]
            if unknown:
                raise AnnotatorError(f"no label named {unknown[0]!r} (labels: {', '.join(schema)})")
        chosen = _choose(connection, annotators)
        ranges = _ranges(connection, engine, document_ids, processes)
    job = _Job(chosen, labels, schema, list(relations))
    if len(ranges) == 1:
        counter, link_counter = job.count(engine, document_ids, ranges[0])
    else:
        url = engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(len(ranges) - 1, mp_context=get_context("fork")) as pool:
            others = [pool.submit(job.count_in, url, document_ids, r) for r in ranges[1:]]
            counter, link_counter = job.count(engine, document_ids, ranges[0])
            for other in others:
                counts, link_counts = other.result()
                counter.merge(counts)
                link_counter.merge(link_counts)
    return replace(counter.report(), relations=link_counter.report())


def _ranges(
    connection: Connection,
    engine: Engine,
    document_ids: Collection[int] | None,
    processes: int | None,
) -> list[IdRange]:
    """The document id ranges to count apart: ``[None]`` (everything here) unless the
    corpus is large, in a file, and more than one process is wanted."""
    if processes is None:
        processes = 2 if (os.cpu_count() or 1) >= 2 and _may_fork() else 1
    if processes < 2 or sqlite.database_path(engine) is None:
        return [None]
    query = select(DOCUMENT.c.id).order_by(DOCUMENT.c.id)
    if document_ids is not None:
        if len(document_ids) < PARALLEL_FROM:
            return [None]
        query = query.where(DOCUMENT.c.id.in_(document_ids))
    ids = list(connection.execute(query).scalars())
    if len(ids) < PARALLEL_FROM:
        return [None]
    cuts = [ids[len(ids) * n // processes] for n in range(processes)] + [ids[-1] + 1]
    return [(low, high - 1) for low, high in pairwise(cuts) if high > low]


def _may_fork() -> bool:
    """Forking is safe only in a process running one thread and no Qt (whose threads
    Python does not see)."""
    return threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules


class _Job:
    """What each process counts: the chosen annotators' agreement on one range of documents.
    Picklable, as the process pool sends it."""

    def __init__(
        self,
        chosen: dict[str, int],
        labels: Sequence[str] | None,
        schema: Sequence[str],
        relations: Sequence[str],
    ) -> None:
        self.chosen, self.labels = chosen, labels
        self.schema, self.relations = list(schema), list(relations)

    def count(
        self, engine: Engine, document_ids: Collection[int] | None, ids: IdRange
    ) -> tuple[AgreementCounter, LinkAgreementCounter]:
        names = list(self.chosen)
        counter = BulkAgreementCounter(names, self.labels, order=self.schema)
        link_counter = BulkLinkAgreementCounter(names, order=self.relations)
        with reading(engine) as connection:
            for text, layers, links in _documents(
                connection, self.chosen, self.labels, document_ids, ids
            ):
                counter.add_document(text, layers)
                link_counter.add_document(links)
        return counter, link_counter

    def count_in(
        self, url: str, document_ids: Collection[int] | None, ids: IdRange
    ) -> tuple[AgreementCounter, LinkAgreementCounter]:
        """``count`` in another process, on its own read-only connection to ``url``."""
        engine = create_engine(url)
        sqlite.configure(engine)
        try:
            return self.count(engine, document_ids, ids)
        finally:
            engine.dispose()
