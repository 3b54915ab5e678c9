"""Building stores for format tests: documents with several annotators' spans and statuses."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.documents import Document, title_from_text
from annotator.core.spans import Origin, Span
from annotator.formats.exporting import ExportOptions, ExportSummary, export
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.formats.registry import get_format
from annotator.store import open_store
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


def round_trip(
    docs: list[Doc], fmt: str, options: ReadOptions | None = None
) -> tuple[bytes, bytes]:
    """The export of ``docs`` as ``fmt``, and the export of that file imported into a new
    database."""
    suffix = get_format(fmt).suffixes[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first_store = open_store(folder / "first.db")
        fill(first_store, docs)
        first = folder / f"first{suffix}"
        export_to(first_store, first, fmt)
        first_store.dispose()
        second_store = open_store(folder / "second.db")
        import_paths(second_store, [first], annotator="imported", options=options)
        second = folder / f"second{suffix}"
        export_to(second_store, second, fmt)
        second_store.dispose()
        return first.read_bytes(), second.read_bytes()
