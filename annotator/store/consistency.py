"""Consistency checks over the stored spans, for one annotator or across annotators."""

from __future__ import annotations

import re

from sqlalchemy import select, union
from sqlalchemy.engine import Connection, Engine

from annotator.core.consistency import Case, label_conflicts, occurrence_cases
from annotator.core.review import GOLD
from annotator.core.search import TextQuery
from annotator.store.concordance import spans_with_text
from annotator.store.engine import reading
from annotator.store.search import matching_documents
from annotator.store.status import Status
from annotator.store.tables import ANNOTATOR, SPAN, STATUS

_WORDY = re.compile(r"\w")


def _worked(connection: Connection, annotator: str | None) -> dict[str, set[int]]:
    """The documents each annotator in scope worked on: has spans in, or a status past new."""
    spans = select(SPAN.c.annotator_id, SPAN.c.document_id)
    statuses = select(STATUS.c.annotator_id, STATUS.c.document_id).where(
        STATUS.c.status != Status.NEW
    )
    both = union(spans, statuses).subquery()
    query = select(ANNOTATOR.c.name, both.c.document_id).join(
        ANNOTATOR, ANNOTATOR.c.id == both.c.annotator_id
    )
    query = query.where(ANNOTATOR.c.name == annotator if annotator else ANNOTATOR.c.name != GOLD)
    worked: dict[str, set[int]] = {}
    for name, document_id in connection.execute(query):
        worked.setdefault(name, set()).add(document_id)
    return worked


def _occurrences(
    connection: Connection, text: str, documents: set[int]
) -> list[tuple[int, int, int]]:
    query = TextQuery(text, word=True, case=True)
    return [
        (doc.document_id, start, end)
        for doc in matching_documents(connection, query, with_labels=False)
        if doc.document_id in documents
        for start, end in doc.hits
    ]


def consistency_cases(engine: Engine, annotator: str | None = None) -> list[Case]:
    """The inconsistencies in ``annotator``'s spans, or across every annotator's (not gold)."""
    with reading(engine) as connection:
        spans = spans_with_text(connection, annotator=annotator)
        worked = _worked(connection, annotator)
        documents = set().union(*worked.values())
        texts = sorted({s.text for s in spans if _WORDY.search(s.text)})
        occurrences = {text: _occurrences(connection, text, documents) for text in texts}
    return label_conflicts(spans) + occurrence_cases(spans, worked, occurrences)
