"""Documents in the store: bulk adding with dedupe by text hash, reading, listing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.documents import Document, text_sha256
from annotator.core.errors import StoreError
from annotator.store.changes import Change
from annotator.store.engine import reading, writing
from annotator.store.reservations import any_reserved, next_document_id
from annotator.store.tables import ANNOTATOR, DOCUMENT, SPAN, STATUS, utcnow

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class AddedDocuments:
    """Outcome of adding documents: the id of each input, in input order."""

    ids: list[int]
    added: int
    existing: int
    change: Change


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What a document list shows; the text itself is not loaded."""

    id: int
    title: str
    date: str | None
    length: int
    status: str
    spans: int


def ids_by_sha(connection: Connection, hashes: Iterable[str]) -> dict[str, int]:
    """Map each known hash to its document id."""
    hashes = list(dict.fromkeys(hashes))
    found: dict[str, int] = {}
    for i in range(0, len(hashes), _CHUNK):
        chunk = hashes[i : i + _CHUNK]
        rows = connection.execute(
            select(DOCUMENT.c.sha256, DOCUMENT.c.id).where(DOCUMENT.c.sha256.in_(chunk))
        )
        found.update(rows.all())
    return found


def insert_documents(connection: Connection, documents: Sequence[Document]) -> AddedDocuments:
    """Add the documents whose text is new, in one statement per chunk; keep the rest.
    While an import holds ids for its documents, new ones are numbered above them."""
    hashes = [doc.sha256 for doc in documents]
    known = ids_by_sha(connection, hashes)
    fresh: dict[str, Document] = {}
    for sha, doc in zip(hashes, documents, strict=True):
        if sha not in known and sha not in fresh:
            fresh[sha] = doc
    now = utcnow()
    rows = [
        {
            "title": doc.title,
            "text": doc.text,
            "length": len(doc.text),
            "sha256": sha,
            "source": doc.source,
            "meta": doc.meta,
            "created": now,
        }
        for sha, doc in fresh.items()
    ]
    if any_reserved(connection):
        first = next_document_id(connection)
        for n, row in enumerate(rows):
            row["id"] = first + n
    for i in range(0, len(rows), _CHUNK):
        connection.execute(insert(DOCUMENT), rows[i : i + _CHUNK])
    known.update(ids_by_sha(connection, fresh))
    added_ids = frozenset(known[sha] for sha in fresh)
    return AddedDocuments(
        ids=[known[sha] for sha in hashes],
        added=len(fresh),
        existing=len(documents) - len(fresh),
        change=Change(documents=added_ids, document_list=bool(added_ids)),
    )


def add_documents(engine: Engine, documents: Iterable[Document]) -> AddedDocuments:
    """Add documents in one transaction; a text already stored (same sha256) is not copied."""
    with writing(engine) as connection:
        return insert_documents(connection, list(documents))


def _to_document(row) -> Document:
    return Document(
        text=row.text, title=row.title, meta=dict(row.meta or {}), source=row.source, id=row.id
    )


def get_document(engine: Engine, document_id: int) -> Document:
    with reading(engine) as connection:
        row = connection.execute(select(DOCUMENT).where(DOCUMENT.c.id == document_id)).one_or_none()
    if row is None:
        raise StoreError(f"there is no document {document_id}")
    if text_sha256(row.text) != row.sha256:
        raise StoreError(f"document {document_id}: its text no longer matches its sha256")
    return _to_document(row)


def count_documents(engine: Engine) -> int:
    with reading(engine) as connection:
        return connection.execute(select(func.count()).select_from(DOCUMENT)).scalar_one()


def document_summaries(
    engine: Engine,
    annotator: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[DocumentSummary]:
    """Documents in id order with ``annotator``'s status and span count (all spans if None)."""
    with reading(engine) as connection:
        annotator_id = None
        if annotator is not None:
            annotator_id = connection.execute(
                select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == annotator)
            ).scalar_one_or_none()
        span_filter = SPAN.c.document_id == DOCUMENT.c.id
        status_join = and_(
            STATUS.c.document_id == DOCUMENT.c.id, STATUS.c.annotator_id == annotator_id
        )
        if annotator is not None:
            span_filter = and_(span_filter, SPAN.c.annotator_id == annotator_id)
        span_count = select(func.count()).where(span_filter).scalar_subquery()
        query = (
            select(
                DOCUMENT.c.id,
                DOCUMENT.c.title,
                DOCUMENT.c.meta,
                DOCUMENT.c.length,
                STATUS.c.status,
                span_count.label("spans"),
            )
            .select_from(DOCUMENT.outerjoin(STATUS, status_join))
            .order_by(DOCUMENT.c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [summary_from_row(row) for row in connection.execute(query)]


def summary_from_row(row) -> DocumentSummary:
    """A list row (id, title, meta, length, status, spans) as a ``DocumentSummary``."""
    return DocumentSummary(
        id=row.id,
        title=row.title,
        date=(row.meta or {}).get("date"),
        length=row.length,
        status=row.status or "new",
        spans=row.spans,
    )
