"""Spans in the store: each command validates, writes, commits and says what changed."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.relations import Link
from annotator.core.review import Note
from annotator.core.spans import Origin, Span, check_span
from annotator.store.annotators import annotator_id, clean_name, refuse_gold
from annotator.store.changes import Change
from annotator.store.engine import inserted_id, reading, writing
from annotator.store.labels import label_ids
from annotator.store.notes import restore_notes
from annotator.store.permissions import require_layer
from annotator.store.relations import (
    CarriedLink,
    restore_carried,
    restore_links,
    take_span_links,
    take_unjoined_links,
)
from annotator.store.status import mark_started
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, SPAN, utcnow

_SPAN_COLUMNS = (
    SPAN.c.id,
    SPAN.c.document_id,
    SPAN.c.start,
    SPAN.c.end,
    LABEL.c.name.label("label"),
    ANNOTATOR.c.name.label("annotator"),
    SPAN.c.origin,
)
_SPAN_FROM = SPAN.join(LABEL, SPAN.c.label_id == LABEL.c.id).join(
    ANNOTATOR, SPAN.c.annotator_id == ANNOTATOR.c.id
)


def _to_span(row) -> Span:
    return Span(
        start=row.start,
        end=row.end,
        label=row.label,
        id=row.id,
        annotator=row.annotator,
        origin=Origin(row.origin),
    )


def spans_of(connection: Connection, document_id: int, annotator: str | None = None) -> list[Span]:
    query = select(*_SPAN_COLUMNS).select_from(_SPAN_FROM).where(SPAN.c.document_id == document_id)
    if annotator is not None:
        query = query.where(ANNOTATOR.c.name == annotator)
    return sorted(_to_span(row) for row in connection.execute(query))


def document_spans(engine: Engine, document_id: int, annotator: str | None = None) -> list[Span]:
    """The spans of one document, in span order; only ``annotator``'s when given."""
    with reading(engine) as connection:
        return spans_of(connection, document_id, annotator)


# The statements an edit runs, built once: a statement built anew on every call costs
# SQLAlchemy ten times its execution (construction and cache key), on every keystroke.
_LENGTH = select(DOCUMENT.c.length).where(DOCUMENT.c.id == bindparam("document_id"))
_SPAN_BY_ID = select(*_SPAN_COLUMNS).select_from(_SPAN_FROM).where(SPAN.c.id == bindparam("id"))
_SAME_SPAN = select(SPAN.c.id).where(
    (SPAN.c.document_id == bindparam("document_id"))
    & (SPAN.c.annotator_id == bindparam("annotator_id"))
    & (SPAN.c.label_id == bindparam("label_id"))
    & (SPAN.c.start == bindparam("start"))
    & (SPAN.c.end == bindparam("end"))
)
_INSERT = insert(SPAN)
_DELETE = SPAN.delete().where(SPAN.c.id == bindparam("id"))
# (An update's parameters must not be named after columns, which name what it sets.)
_UPDATE = (
    SPAN.update()
    .where(SPAN.c.id == bindparam("span"))
    .values(
        start=bindparam("to_start"),
        end=bindparam("to_end"),
        label_id=bindparam("to_label"),
        updated=bindparam("stamp"),
    )
)


def text_length(connection: Connection, document_id: int) -> int:
    length = connection.execute(_LENGTH, {"document_id": document_id}).scalar_one_or_none()
    if length is None:
        raise StoreError(f"document {document_id} no longer exists")
    return length


def _span_row(connection: Connection, span_id: int):
    row = connection.execute(_SPAN_BY_ID, {"id": span_id}).one_or_none()
    if row is None:
        raise StoreError("that span no longer exists: it was deleted elsewhere")
    return row


def _owned_row(connection: Connection, span_id: int, annotator: str):
    refuse_gold(annotator)
    require_layer(connection, annotator)
    row = _span_row(connection, span_id)
    if row.annotator != annotator:
        raise InvalidSpan(f"that span belongs to {row.annotator}; annotators change only their own")
    return row


def _duplicate_id(connection: Connection, document_id: int, who: int, label: int, span: Span):
    values = {"document_id": document_id, "annotator_id": who, "label_id": label}
    values |= {"start": span.start, "end": span.end}
    return connection.execute(_SAME_SPAN, values).scalar_one_or_none()


def insert_span(
    connection: Connection,
    document_id: int,
    annotator: int,
    label: int,
    span: Span,
    span_id: int | None = None,
) -> int:
    """Insert one span row (with ``span_id`` when given), in the caller's transaction; its id."""
    values = {
        "document_id": document_id,
        "annotator_id": annotator,
        "label_id": label,
        "start": span.start,
        "end": span.end,
        "origin": span.origin,
    }
    if span_id is not None:
        values["id"] = span_id
    return inserted_id(connection, _INSERT, values)


def add_span(
    engine: Engine,
    document_id: int,
    annotator: str,
    span: Span,
    notes: Sequence[Note] = (),
    links: Sequence[Link] = (),
) -> tuple[Span | None, Change]:
    """Store ``span`` for ``annotator``; an exact duplicate is refused quietly (``None``).

    A span given with an id (an undone deletion coming back) keeps that id, and the
    ``notes`` and ``links`` it had come back with it in the same transaction. The span
    returned is built from what was written, not read back.
    """
    refuse_gold(annotator)
    annotator = clean_name(annotator)
    with writing(engine) as connection:
        require_layer(connection, annotator)
        labels = label_ids(connection)
        check_span(span, text_length(connection, document_id), labels)
        who = annotator_id(connection, annotator)
        if _duplicate_id(connection, document_id, who, labels[span.label], span) is not None:
            return None, Change()
        new_id = insert_span(connection, document_id, who, labels[span.label], span, span.id)
        restore_notes(connection, notes)
        relinked = restore_links(connection, links)
        started = mark_started(connection, document_id, who)
    stored = Span(span.start, span.end, span.label, new_id, annotator, Origin(span.origin))
    return stored, Change(
        documents=frozenset({document_id}),
        spans=frozenset({new_id}),
        statuses=frozenset({document_id}) if started else frozenset(),
        notes=frozenset(note.id for note in notes),
        links=frozenset(relinked),
    )


def delete_span(engine: Engine, span_id: int, annotator: str) -> tuple[Span, Change]:
    """Delete one of ``annotator``'s spans; returns it as it was, for undo."""
    span, _, change = delete_linked_span(engine, span_id, annotator)
    return span, change


def delete_linked_span(
    engine: Engine, span_id: int, annotator: str
) -> tuple[Span, list[Link], Change]:
    """Delete one of ``annotator``'s spans and the links it is an end of, in one transaction;
    returns the span and the links as they were, for undo."""
    with writing(engine) as connection:
        row = _owned_row(connection, span_id, annotator)
        links = take_span_links(connection, span_id)
        connection.execute(_DELETE, {"id": span_id})
    change = Change(
        documents=frozenset({row.document_id}),
        spans=frozenset({span_id}),
        links=frozenset(link.id for link in links if link.id is not None),
    )
    return _to_span(row), links, change


def update_span(
    engine: Engine,
    span_id: int,
    annotator: str,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
) -> tuple[Span, Change]:
    """Move or relabel one of ``annotator``'s spans; returns the span as now stored (built
    from what was written, not read back). A relabel takes away the links the new label
    cannot have (see ``update_linked_span``)."""
    moved, _, change = update_linked_span(
        engine, span_id, annotator, start=start, end=end, label=label
    )
    return moved, change


def update_linked_span(
    engine: Engine,
    span_id: int,
    annotator: str,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
    links: Sequence[CarriedLink] = (),
) -> tuple[Span, list[CarriedLink], Change]:
    """``update_span``, which also returns the links a relabel took away: those the
    schema's relation types no longer allow for the new label (a quote relabelled as a
    figure loses its speaker). ``links``: links to put back once the span is written (the
    undo of such a relabel), in the same transaction."""
    with writing(engine) as connection:
        row = _owned_row(connection, span_id, annotator)
        labels = label_ids(connection)
        moved = Span(
            start=row.start if start is None else start,
            end=row.end if end is None else end,
            label=row.label if label is None else label,
            id=span_id,
            annotator=row.annotator,
            origin=Origin(row.origin),
        )
        check_span(moved, text_length(connection, row.document_id), labels)
        who = annotator_id(connection, annotator)
        clash = _duplicate_id(connection, row.document_id, who, labels[moved.label], moved)
        if clash is not None and clash != span_id:
            raise InvalidSpan("an identical span is already there")
        values = {"span": span_id, "to_start": moved.start, "to_end": moved.end}
        connection.execute(_UPDATE, values | {"to_label": labels[moved.label], "stamp": utcnow()})
        taken = take_unjoined_links(connection, [span_id]) if moved.label != row.label else []
        restored = restore_carried(connection, links)
    relinked = {link.stored_id for link, _ in taken} | set(restored)
    change = Change(
        documents=frozenset({row.document_id}),
        spans=frozenset({span_id}),
        links=frozenset(relinked),
    )
    return moved, taken, change


SPAN_TUPLE_COLUMNS = ("document_id", "annotator_id", "label_id", "start", "end", "origin")


def insert_span_rows(connection: Connection, rows: Sequence[dict]) -> None:
    """Bulk insert of prepared span rows (document_id, annotator_id, label_id, start, end,
    origin), for imports and generators: one executemany, no ORM objects."""
    insert_span_tuples(connection, [tuple(row[c] for c in SPAN_TUPLE_COLUMNS) for row in rows])


def insert_span_tuples(connection: Connection, rows: Sequence[tuple]) -> int:
    """Bulk insert of ``(document_id, annotator_id, label_id, start, end, origin)`` tuples.

    The Core statement is compiled once for the connection's dialect and its parameters go
    straight to the driver's executemany: Core's per-row parameter handling would double the
    time of a million-span import. Returns the number of rows inserted.
    """
    if not rows:
        return 0
    now = utcnow()
    names = (*SPAN_TUPLE_COLUMNS, "created", "updated")
    statement = insert(SPAN).values({name: bindparam(name) for name in names})
    compiled = statement.compile(dialect=connection.dialect)
    stamp_type = SPAN.c.created.type.dialect_impl(connection.dialect)
    process = stamp_type.bind_processor(connection.dialect)
    stamp = process(now) if process else now
    if compiled.positiontup is None:
        for i in range(0, len(rows), 5000):
            chunk = [
                {**dict(zip(SPAN_TUPLE_COLUMNS, row, strict=True)), "created": now, "updated": now}
                for row in rows[i : i + 5000]
            ]
            connection.execute(insert(SPAN), chunk)
        return len(rows)
    tail = (stamp, stamp)
    if tuple(compiled.positiontup) == names:
        parameters = [row + tail for row in rows]
    else:
        order = [names.index(name) for name in compiled.positiontup]
        parameters = [tuple((row + tail)[i] for i in order) for row in rows]
    connection.exec_driver_sql(str(compiled), parameters)
    return len(rows)


def spans_by_id(
    engine: Engine, document_id: int, annotator: str, span_ids: Collection[int]
) -> list[Span]:
    """Those of ``span_ids`` that are ``annotator``'s spans in the document now (to refresh)."""
    with reading(engine) as connection:
        query = (
            select(*_SPAN_COLUMNS)
            .select_from(_SPAN_FROM)
            .where(
                (SPAN.c.document_id == document_id)
                & (ANNOTATOR.c.name == annotator)
                & SPAN.c.id.in_(list(span_ids))
            )
        )
        return sorted(_to_span(row) for row in connection.execute(query))
