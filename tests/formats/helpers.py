"""Building stores for format tests: documents with several annotators' spans and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.documents import Document, title_from_text
from annotator.core.spans import Origin, Span
from annotator.formats.exporting import ExportOptions, ExportSummary, export
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.store.status import set_status


@dataclass
class Doc:
    text: str
    spans: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    title: str | None = None


def fill(engine: Engine, docs: list[Doc]) -> list[int]:
    """Store ``docs`` (spans as (start, end, label, annotator, origin)); returns their ids."""
    added = add_documents(
        engine,
        [
            Document(text=d.text, title=d.title or title_from_text(d.text), meta=d.meta)
            for d in docs
        ],
    )
    for doc_id, doc in zip(added.ids, docs, strict=True):
        for start, end, label, who, origin in doc.spans:
            add_span(engine, doc_id, who, Span(start, end, label, origin=Origin(origin)))
        for who, status in doc.statuses.items():
            set_status(engine, doc_id, who, status)
    return added.ids


def export_to(engine: Engine, path: Path, fmt: str = "spans", **options) -> ExportSummary:
    return export(engine, ExportOptions(format=fmt, output=path, **options))
