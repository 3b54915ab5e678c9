"""Corpus figures: documents, spans per label and per annotator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from annotator.store.engine import reading
from annotator.store.reservations import stored
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, SPAN


def corpus_stats(engine: Engine) -> dict[str, Any]:
    """``{"documents": N, "spans": N, "labels": {name: N}, "annotators": {name: N}}``."""
    with reading(engine) as connection:
        documents = connection.execute(select(func.count()).select_from(DOCUMENT)).scalar_one()
        labels: dict[str, int] = dict(
            connection.execute(
                select(LABEL.c.name, func.count(SPAN.c.id))
                .select_from(
                    LABEL.outerjoin(
                        SPAN, (SPAN.c.label_id == LABEL.c.id) & stored(SPAN.c.document_id)
                    )
                )
                .group_by(LABEL.c.id, LABEL.c.name)
                .order_by(LABEL.c.position, LABEL.c.id)
            ).all()
        )
        annotators: dict[str, int] = dict(
            connection.execute(
                select(ANNOTATOR.c.name, func.count(SPAN.c.id))
                .select_from(ANNOTATOR.join(SPAN, SPAN.c.annotator_id == ANNOTATOR.c.id))
                .where(stored(SPAN.c.document_id))
                .group_by(ANNOTATOR.c.id, ANNOTATOR.c.name)
                .order_by(ANNOTATOR.c.name)
            ).all()
        )
    return {
        "documents": documents,
        "spans": sum(labels.values()),
        "labels": labels,
        "annotators": annotators,
    }
