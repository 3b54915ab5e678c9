"""Agreement over the stored corpus, streamed document by document.

Two ordered cursors walk the documents and the chosen annotators' spans side by side, so
memory holds one document at a time plus the counts, whatever the corpus size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from itertools import groupby
from operator import itemgetter

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.agreement import AgreementCounter, AgreementReport, SpanLike
from annotator.core.errors import AnnotatorError
from annotator.core.review import GOLD
from annotator.store.engine import reading
from annotator.store.labels import schema_of
from annotator.store.status import Status
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, SPAN, STATUS


def _workers(connection: Connection, chosen: Collection[int]) -> dict[int, set[int]]:
    """For each document, which chosen annotators worked on it (spans, or a status set)."""
    worked: dict[int, set[int]] = defaultdict(set)
    spans = (
        select(SPAN.c.document_id, SPAN.c.annotator_id)
        .where(SPAN.c.annotator_id.in_(chosen))
        .distinct()
    )
    statuses = select(STATUS.c.document_id, STATUS.c.annotator_id).where(
        and_(STATUS.c.annotator_id.in_(chosen), STATUS.c.status != Status.NEW)
    )
    for query in (spans, statuses):
        for document_id, who in connection.execute(query):
            worked[document_id].add(who)
    return worked


def _choose(connection: Connection, annotators: Sequence[str] | None) -> dict[str, int]:
    known = dict(
        connection.execute(
            select(ANNOTATOR.c.name, ANNOTATOR.c.id)
            .where(ANNOTATOR.c.name != GOLD)
            .order_by(ANNOTATOR.c.name)
        ).all()
    )
    if annotators is None:
        worked = _workers(connection, known.values())
        active = set().union(*worked.values()) if worked else set()
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


def _documents(
    connection: Connection,
    chosen: dict[str, int],
    labels: Sequence[str] | None,
    document_ids: Collection[int] | None,
) -> Iterator[tuple[str, dict[str, list[SpanLike]]]]:
    """Each document two or more chosen annotators worked on, with their span rows (which
    carry start, end and label: the counter reads nothing else, so no objects are built)."""
    names = {i: name for name, i in chosen.items()}
    worked = _workers(connection, chosen.values())
    documents = select(DOCUMENT.c.id, DOCUMENT.c.text).order_by(DOCUMENT.c.id)
    spans = (
        select(
            SPAN.c.document_id,
            SPAN.c.annotator_id,
            SPAN.c.start,
            SPAN.c.end,
            LABEL.c.name.label("label"),
        )
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .where(SPAN.c.annotator_id.in_(names))
        .order_by(SPAN.c.document_id)
    )
    if labels is not None:
        spans = spans.where(LABEL.c.name.in_(labels))
    if document_ids is not None:
        documents = documents.where(DOCUMENT.c.id.in_(document_ids))
        spans = spans.where(SPAN.c.document_id.in_(document_ids))
    by_document = groupby(
        connection.execution_options(yield_per=5000).execute(spans), key=itemgetter(0)
    )
    pending = next(by_document, None)
    for document_id, text in connection.execute(documents):
        layers: dict[str, list[SpanLike]] = {names[i]: [] for i in worked.get(document_id, ())}
        while pending is not None and pending[0] <= document_id:
            if pending[0] == document_id:
                for row in pending[1]:
                    layers[names[row.annotator_id]].append(row)
            pending = next(by_document, None)
        if len(layers) >= 2:
            yield text, layers


def corpus_agreement(
    engine: Engine,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    document_ids: Collection[int] | None = None,
) -> AgreementReport:
    """Agreement among ``annotators`` (default: everyone who annotated, gold excluded) over
    the corpus or the documents ``document_ids``, restricted to ``labels`` when given."""
    with reading(engine) as connection:
        schema = schema_of(connection).names
        if labels is not None:
            unknown = [name for name in labels if name not in schema]
            if unknown:
                raise AnnotatorError(f"no label named {unknown[0]!r} (labels: {', '.join(schema)})")
        chosen = _choose(connection, annotators)
        counter = AgreementCounter(list(chosen), labels, order=schema)
        for text, layers in _documents(connection, chosen, labels, document_ids):
            counter.add_document(text, layers)
    return counter.report()
