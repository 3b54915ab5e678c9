"""Changes to many spans at once, each in one transaction: tag every hit of a search, relabel
or delete a group of spans, and the exact reverse of each for undo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.review import Note
from annotator.core.search import TextQuery
from annotator.core.snapping import snap
from annotator.core.spans import Origin, Span
from annotator.store.annotators import annotator_id, refuse_gold
from annotator.store.changes import Change
from annotator.store.engine import writing
from annotator.store.labels import label_ids
from annotator.store.notes import _NOTE_COLUMNS, _NOTE_FROM, _to_note, restore_notes
from annotator.store.permissions import require_layer
from annotator.store.relations import (
    CarriedLink,
    restore_carried,
    take_links_of,
    take_unjoined_links,
)
from annotator.store.search import SearchFilter, matching_documents
from annotator.store.spans import _SPAN_COLUMNS, _SPAN_FROM, _to_span, insert_span_tuples
from annotator.store.status import Status, advance_statuses
from annotator.store.tables import NOTE, SPAN, utcnow

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PlacedSpan:
    """A stored span with the document it belongs to (``span`` has its id and annotator)."""

    document_id: int
    span: Span


@dataclass(frozen=True, slots=True)
class TagAllResult:
    """What tagging every hit did (or, on a dry run, would do)."""

    hits: int
    added: tuple[PlacedSpan, ...]
    already: int
    """Hits whose snapped span the annotator already has with that label."""
    unsnappable: int
    """Hits that snap to nothing worth a span (only punctuation or space). The other hits
    snapped to the same word as an earlier hit and share its span."""
    change: Change


@dataclass(frozen=True, slots=True)
class Relabelled:
    """Spans relabelled, with the label each had before; ``clashes`` were left as they were
    because the annotator already has an identical span with the new label; ``unlinked``:
    the links the new label could not have, taken away with the relabel."""

    before: dict[int, str]
    clashes: tuple[int, ...]
    change: Change
    unlinked: tuple[CarriedLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Deleted:
    """Spans deleted as they were, and their notes and links, to restore them exactly."""

    spans: tuple[PlacedSpan, ...]
    notes: tuple[Note, ...]
    change: Change
    links: tuple[CarriedLink, ...] = ()


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _label_id(connection: Connection, label: str) -> int:
    found = label_ids(connection).get(label)
    if found is None:
        raise InvalidSpan(f"there is no label {label!r}")
    return found


def _existing(
    connection: Connection, documents: Sequence[int], who: int, label: int
) -> set[tuple[int, int, int]]:
    found: set[tuple[int, int, int]] = set()
    for chunk in _chunks(documents):
        rows = connection.execute(
            select(SPAN.c.document_id, SPAN.c.start, SPAN.c.end).where(
                SPAN.c.document_id.in_(list(chunk)),
                SPAN.c.annotator_id == who,
                SPAN.c.label_id == label,
            )
        )
        found.update(tuple(row) for row in rows)
    return found


def _insert_placed(connection: Connection, placed: Sequence[PlacedSpan]) -> None:
    """Insert spans with their ids, and move their documents on to in progress."""
    labels = label_ids(connection)
    owners = {p.span.owner for p in placed}
    for owner in owners:
        require_layer(connection, owner)
    people = {name: annotator_id(connection, name) for name in owners}
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "id": p.span.stored_id,
            "document_id": p.document_id,
            "annotator_id": people[p.span.owner],
            "label_id": labels[p.span.label],
            "start": p.span.start,
            "end": p.span.end,
            "origin": p.span.origin,
            "created": now,
            "updated": now,
        }
        for p in placed
    ]
    for chunk in _chunks(rows, 5000):
        connection.execute(insert(SPAN), list(chunk))
    advance_statuses(
        connection,
        {(p.document_id, people[p.span.owner]): Status.IN_PROGRESS for p in placed},
    )


def _change(placed: Iterable[PlacedSpan]) -> Change:
    placed = list(placed)
    return Change(
        documents=frozenset(p.document_id for p in placed),
        spans=frozenset(p.span.stored_id for p in placed if p.span.stored_id is not None),
    )


def _insert_new(
    connection: Connection, places: Sequence[tuple[int, int, int]], who: int, label: int
) -> dict[tuple[int, int, int], int]:
    """Insert new manual spans at ``(document, start, end)`` places in one executemany, move
    their documents on to in progress; the id each got."""
    first = connection.execute(select(func.coalesce(func.max(SPAN.c.id), 0))).scalar_one()
    insert_span_tuples(connection, [(doc, who, label, s, e, Origin.MANUAL) for doc, s, e in places])
    rows = connection.execute(
        select(SPAN.c.id, SPAN.c.document_id, SPAN.c.start, SPAN.c.end).where(
            SPAN.c.id > first, SPAN.c.annotator_id == who, SPAN.c.label_id == label
        )
    )
    advance_statuses(connection, {(doc, who): Status.IN_PROGRESS for doc, _, _ in places})
    return {(doc, start, end): span_id for span_id, doc, start, end in rows}


def tag_all(
    engine: Engine,
    query: TextQuery,
    label: str,
    annotator: str,
    filters: SearchFilter | None = None,
    dry_run: bool = False,
) -> TagAllResult:
    """Tag every hit of ``query`` with ``label`` for ``annotator``, snapped to whole words as a
    selection would be; hits already tagged so are skipped. One transaction; a dry run writes
    nothing (the spans it would add have no ids)."""
    refuse_gold(annotator)
    with writing(engine) as connection:
        label_id = _label_id(connection, label)
        if not dry_run:
            require_layer(connection, annotator)
        who = annotator_id(connection, annotator, create=not dry_run)
        wanted: Counter[tuple[int, int, int]] = Counter()
        hits = unsnappable = 0
        found = matching_documents(connection, query, filters or SearchFilter(), with_labels=False)
        for doc in found:
            for start, end in doc.hits:
                hits += 1
                snapped = snap(doc.text, start, end, label)
                if snapped is None:
                    unsnappable += 1
                else:
                    wanted[(doc.document_id, *snapped)] += 1
        documents = sorted({doc for doc, _, _ in wanted})
        existing = set() if who is None else _existing(connection, documents, who, label_id)
        fresh = [key for key in wanted if key not in existing]
        ids = {} if dry_run or who is None else _insert_new(connection, fresh, who, label_id)
        added = tuple(
            PlacedSpan(
                doc, Span(start, end, label, id=ids.get((doc, start, end)), annotator=annotator)
            )
            for doc, start, end in fresh
        )
    return TagAllResult(
        hits=hits,
        added=added,
        already=sum(count for key, count in wanted.items() if key in existing),
        unsnappable=unsnappable,
        change=Change() if dry_run else _change(added),
    )


def restore_spans(
    engine: Engine,
    placed: Sequence[PlacedSpan],
    notes: Sequence[Note] = (),
    links: Sequence[CarriedLink] = (),
) -> Change:
    """Put spans back with their ids (and the notes and links they had): redo of a tag-all,
    undo of a deletion."""
    with writing(engine) as connection:
        taken: set[int] = set()
        for chunk in _chunks([p.span.stored_id for p in placed]):
            taken.update(
                connection.execute(select(SPAN.c.id).where(SPAN.c.id.in_(list(chunk)))).scalars()
            )
        if taken:
            raise StoreError(
                f"{len(taken)} of those spans are back already (changed elsewhere); "
                "nothing was restored"
            )
        _insert_placed(connection, placed)
        restore_notes(connection, notes)
        relinked = restore_carried(connection, links)
    return _change(placed) | Change(
        notes=frozenset(note.id for note in notes), links=frozenset(relinked)
    )


def _placed(connection: Connection, span_ids: Sequence[int]) -> list[PlacedSpan]:
    found: list[PlacedSpan] = []
    for chunk in _chunks(span_ids):
        rows = connection.execute(
            select(*_SPAN_COLUMNS).select_from(_SPAN_FROM).where(SPAN.c.id.in_(list(chunk)))
        )
        found.extend(PlacedSpan(row.document_id, _to_span(row)) for row in rows)
    return sorted(found, key=lambda p: (p.document_id, p.span))


def _owned(connection: Connection, span_ids: Collection[int], annotator: str) -> list[PlacedSpan]:
    refuse_gold(annotator)
    require_layer(connection, annotator)
    placed = _placed(connection, sorted(set(span_ids)))
    if len(placed) != len(set(span_ids)):
        raise StoreError("some of those spans no longer exist: they were deleted elsewhere")
    others = {p.span.owner for p in placed} - {annotator}
    if others:
        raise InvalidSpan(
            f"some of those spans belong to {', '.join(sorted(others))}; "
            "annotators change only their own"
        )
    return placed


def delete_spans(engine: Engine, span_ids: Collection[int], annotator: str) -> Deleted:
    """Delete ``annotator``'s spans ``span_ids`` and the links they are ends of, in one
    transaction; what they were, for undo."""
    with writing(engine) as connection:
        placed = _owned(connection, span_ids, annotator)
        notes: list[Note] = []
        links: list[CarriedLink] = []
        ids = [p.span.stored_id for p in placed]
        for chunk in _chunks(ids):
            notes.extend(_notes_on(connection, chunk))
            links.extend(take_links_of(connection, chunk))
            connection.execute(SPAN.delete().where(SPAN.c.id.in_(list(chunk))))
    change = replace(_change(placed), links=frozenset(link.stored_id for link, _ in links))
    return Deleted(tuple(placed), tuple(notes), change, tuple(links))


def _notes_on(connection: Connection, span_ids: Sequence[int]) -> list[Note]:
    query = (
        select(*_NOTE_COLUMNS)
        .select_from(_NOTE_FROM)
        .where(NOTE.c.span_id.in_(list(span_ids)))
        .order_by(NOTE.c.id)
    )
    return [_to_note(row) for row in connection.execute(query)]


def relabel_spans(
    engine: Engine, span_ids: Collection[int], label: str, annotator: str
) -> Relabelled:
    """Give ``annotator``'s spans ``span_ids`` the label ``label`` in one transaction; a span
    whose twin with that label exists already is left as it is and counted."""
    with writing(engine) as connection:
        target = _label_id(connection, label)
        placed = _owned(connection, span_ids, annotator)
        who = annotator_id(connection, annotator)
        documents = sorted({p.document_id for p in placed})
        twins = _existing(connection, documents, who, target)
        moving = [p for p in placed if p.span.label != label]
        clashes = tuple(
            p.span.stored_id for p in moving if (p.document_id, p.span.start, p.span.end) in twins
        )
        changed = [p for p in moving if p.span.stored_id not in set(clashes)]
        changed_ids = [p.span.stored_id for p in changed]
        _set_label(connection, changed_ids, target)
        unlinked = [
            link
            for chunk in _chunks(changed_ids)
            for link in take_unjoined_links(connection, chunk)
        ]
    before = {p.span.stored_id: p.span.label for p in changed}
    change = replace(_change(changed), links=frozenset(link.stored_id for link, _ in unlinked))
    return Relabelled(before, clashes, change, tuple(unlinked))


def _set_label(connection: Connection, span_ids: Sequence[int], label_id: int) -> None:
    now = utcnow()
    for chunk in _chunks(span_ids):
        connection.execute(
            SPAN.update().where(SPAN.c.id.in_(list(chunk))).values(label_id=label_id, updated=now)
        )


def restore_labels(
    engine: Engine,
    labels: Mapping[int, str],
    annotator: str,
    links: Sequence[CarriedLink] = (),
) -> Change:
    """Give each span its label back and put back ``links``, the links the relabel took
    away (undo of a relabel), in one transaction."""
    with writing(engine) as connection:
        placed = _owned(connection, labels, annotator)
        ids = label_ids(connection)
        by_label: dict[str, list[int]] = {}
        for span_id, label in labels.items():
            by_label.setdefault(label, []).append(span_id)
        for label, span_ids in by_label.items():
            if label not in ids:
                raise StoreError(f"label {label!r} was deleted; the relabel cannot be undone")
            _set_label(connection, span_ids, ids[label])
        restored = restore_carried(connection, links)
    return replace(_change(placed), links=frozenset(restored))
