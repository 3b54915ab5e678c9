"""The span concordance: every span of a label and/or text across the corpus, grouped by the
text it covers, with counts per label and per annotator (the groups a bulk relabel or delete
acts on)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.consistency import TextSpan
from annotator.core.review import GOLD
from annotator.store.engine import reading
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, SPAN

_covered_text = func.substr(DOCUMENT.c.text, SPAN.c.start + 1, SPAN.c.end - SPAN.c.start)


@dataclass(frozen=True, slots=True)
class ConcordanceGroup:
    """The spans covering one text: how many, with which labels, by whom."""

    text: str
    labels: dict[str, int]
    annotators: dict[str, int]
    span_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.span_ids)


def spans_with_text(
    connection: Connection,
    label: str | None = None,
    text: str | None = None,
    annotator: str | None = None,
) -> list[TextSpan]:
    """Spans (the gold layer only when ``annotator`` names it) with their texts, in document
    and offset order; only those with ``label``, covering exactly ``text``, by ``annotator``."""
    query = (
        select(
            SPAN.c.id,
            SPAN.c.document_id,
            SPAN.c.start,
            SPAN.c.end,
            LABEL.c.name,
            ANNOTATOR.c.name,
            _covered_text,
        )
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
        .join(DOCUMENT, DOCUMENT.c.id == SPAN.c.document_id)
        .order_by(SPAN.c.document_id, SPAN.c.start, SPAN.c.end, SPAN.c.id)
    )
    query = query.where(ANNOTATOR.c.name == annotator if annotator else ANNOTATOR.c.name != GOLD)
    if label is not None:
        query = query.where(LABEL.c.name == label)
    if text is not None:
        query = query.where(SPAN.c.end - SPAN.c.start == len(text), _covered_text == text)
    return [TextSpan(*row) for row in connection.execute(query)]


def find_spans(
    engine: Engine, label: str | None = None, text: str | None = None, annotator: str | None = None
) -> list[TextSpan]:
    with reading(engine) as connection:
        return spans_with_text(connection, label, text, annotator)


def concordance(
    engine: Engine, label: str | None = None, text: str | None = None, annotator: str | None = None
) -> list[ConcordanceGroup]:
    """The spans grouped by text, most frequent first."""
    groups: dict[str, list[TextSpan]] = {}
    for span in find_spans(engine, label, text, annotator):
        groups.setdefault(span.text, []).append(span)
    found = [
        ConcordanceGroup(
            text=key,
            labels=dict(Counter(s.label for s in spans).most_common()),
            annotators=dict(Counter(s.annotator for s in spans).most_common()),
            span_ids=tuple(s.id for s in spans),
        )
        for key, spans in groups.items()
    ]
    return sorted(found, key=lambda group: (-group.count, group.text))
