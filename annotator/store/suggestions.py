"""Suggestions an annotator rejected, per document: the window does not offer them again.

Suggestions themselves are never stored (they are recomputed from the suggesters); only a
rejection is, so that it survives closing the document and restarting the app.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from annotator.core.spans import Origin, Span, check_span
from annotator.store.annotators import annotator_id, clean_name, refuse_gold
from annotator.store.changes import Change
from annotator.store.engine import reading, writing
from annotator.store.labels import label_ids
from annotator.store.spans import insert_span, spans_of, text_length
from annotator.store.status import mark_started
from annotator.store.tables import ANNOTATOR, LABEL, REJECTED_SUGGESTION

SpanKey = tuple[int, int, str]

_R = REJECTED_SUGGESTION


def rejected_suggestions(engine: Engine, document_id: int, annotator: str) -> set[SpanKey]:
    """``(start, end, label)`` of every suggestion ``annotator`` rejected on the document."""
    query = (
        select(_R.c.start, _R.c.end, LABEL.c.name)
        .select_from(
            _R.join(LABEL, _R.c.label_id == LABEL.c.id).join(
                ANNOTATOR, _R.c.annotator_id == ANNOTATOR.c.id
            )
        )
        .where((_R.c.document_id == document_id) & (ANNOTATOR.c.name == clean_name(annotator)))
    )
    with reading(engine) as connection:
        return {(start, end, label) for start, end, label in connection.execute(query)}


def reject_suggestions(
    engine: Engine, document_id: int, annotator: str, keys: Collection[SpanKey]
) -> Change:
    """Remember that ``annotator`` rejected ``keys`` on the document (again: no-op)."""
    with writing(engine) as connection:
        labels = label_ids(connection)
        who = annotator_id(connection, annotator)
        known = {
            tuple(row)
            for row in connection.execute(
                select(_R.c.start, _R.c.end, _R.c.label_id).where(
                    (_R.c.document_id == document_id) & (_R.c.annotator_id == who)
                )
            )
        }
        rows = [
            {"document_id": document_id, "annotator_id": who, "label_id": labels[label]}
            | {"start": start, "end": end}
            for start, end, label in sorted(set(keys))
            if label in labels and (start, end, labels[label]) not in known
        ]
        if rows:
            connection.execute(insert(_R), rows)
    return Change(documents=frozenset({document_id}))


def forget_rejections(
    engine: Engine, document_id: int, annotator: str, keys: Collection[SpanKey]
) -> Change:
    """Offer ``keys`` on the document again (the undo of a rejection)."""
    with writing(engine) as connection:
        labels = label_ids(connection)
        who = annotator_id(connection, annotator)
        for start, end, label in keys:
            if label in labels:
                connection.execute(
                    delete(_R).where(
                        (_R.c.document_id == document_id)
                        & (_R.c.annotator_id == who)
                        & (_R.c.label_id == labels[label])
                        & (_R.c.start == start)
                        & (_R.c.end == end)
                    )
                )
    return Change(documents=frozenset({document_id}))


def accept_suggestions(
    engine: Engine, document_id: int, annotator: str, keys: Collection[SpanKey]
) -> tuple[list[Span], Change]:
    """Store ``keys`` as ``annotator``'s spans with origin ``suggested``, in one transaction;
    those the annotator has already are skipped. Returns the spans written."""
    refuse_gold(annotator)
    annotator = clean_name(annotator)
    with writing(engine) as connection:
        labels = label_ids(connection)
        length = text_length(connection, document_id)
        who = annotator_id(connection, annotator)
        present = {span.key for span in spans_of(connection, document_id, annotator)}
        stored = []
        for start, end, label in sorted(set(keys) - present):
            span = Span(start, end, label, origin=Origin.SUGGESTED)
            check_span(span, length, labels)
            new_id = insert_span(connection, document_id, who, labels[label], span)
            stored.append(Span(start, end, label, new_id, annotator, Origin.SUGGESTED))
        started = bool(stored) and mark_started(connection, document_id, who)
    return stored, Change(
        documents=frozenset({document_id}),
        spans=frozenset(span.stored_id for span in stored),
        statuses=frozenset({document_id}) if started else frozenset(),
    )
