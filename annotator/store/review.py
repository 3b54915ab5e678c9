"""Review commands: building the gold layer (with provenance) and reviewed status.

Every gold edit is one ``swap``: some gold spans go, others come, in one transaction. Each
command returns a ``GoldEdit`` naming both sides and the notes and gold links that went with
the removed spans, so undo is the opposite swap, restoring the recorded provenance, the span
ids (when still free), the notes and the links exactly. A span a fresh decision both removes
and adds (a version accepted where gold already has it) stays as it is, with its links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import Select, and_, func, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.review import GOLD, Gold, Note, agreed_spans, provenance
from annotator.core.spans import Origin, Span, check_span
from annotator.store.annotators import gold_id, sources_of
from annotator.store.changes import Change
from annotator.store.decisions import Range, forget_decision, record_decision
from annotator.store.engine import reading, writing
from annotator.store.labels import label_ids
from annotator.store.notes import notes_of, restore_notes
from annotator.store.permissions import require_layer
from annotator.store.relations import CarriedLink, restore_carried, take_links_of
from annotator.store.reservations import stored
from annotator.store.spans import insert_span, spans_of, text_length
from annotator.store.status import Status, mark_started, write_status
from annotator.store.tables import ANNOTATOR, SPAN, SPAN_SOURCE, STATUS

Key = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class GoldEdit:
    """What a gold command did: ``removed`` and ``added`` gold spans (as stored), and the
    ``notes`` and gold ``links`` that were on the removed spans and went with them."""

    document_id: int
    removed: list[Gold]
    added: list[Gold]
    change: Change
    notes: tuple[Note, ...] = ()
    links: tuple[CarriedLink, ...] = ()
    recorded: bool = False
    """True when the edit recorded its decision anew (``decisions.record_decision``)."""


def annotator_layers(connection: Connection, document_id: int) -> dict[str, list[Span]]:
    """The spans of every annotator who worked on the document (spans, or a status other
    than new: someone who found nothing has an empty layer), gold excepted, by name."""
    layers: dict[str, list[Span]] = defaultdict(list)
    statuses = connection.execute(
        select(ANNOTATOR.c.name)
        .select_from(STATUS.join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id))
        .where(and_(STATUS.c.document_id == document_id, STATUS.c.status != Status.NEW))
    )
    for name in statuses.scalars():
        layers[name] = []
    for span in spans_of(connection, document_id):
        layers[span.owner].append(span)
    layers.pop(GOLD, None)
    return dict(sorted(layers.items()))


def gold_of(connection: Connection, document_id: int) -> list[Gold]:
    spans = spans_of(connection, document_id, GOLD)
    owners = select(SPAN.c.id).where(SPAN.c.document_id == document_id)
    sources = sources_of(connection, SPAN_SOURCE.c.span_id, SPAN_SOURCE.c.annotator_id, owners)
    return [Gold(span, sources.get(span.stored_id, ())) for span in spans]


def gold_layer(engine: Engine, document_id: int) -> list[Gold]:
    """The document's gold spans in span order, each with the annotators who had it."""
    with reading(engine) as connection:
        return gold_of(connection, document_id)


def _id_is_free(connection: Connection, span_id: int | None) -> bool:
    if span_id is None:
        return False
    taken = connection.execute(select(SPAN.c.id).where(SPAN.c.id == span_id)).first()
    return taken is None


def _swap(
    connection: Connection,
    document_id: int,
    remove: Iterable[Key],
    add: Sequence[Gold],
    notes: Sequence[Note] = (),
    links: Sequence[CarriedLink] = (),
    record: Range | None = None,
    forget: Range | None = None,
) -> GoldEdit:
    require_layer(connection, GOLD)
    current = {g.span.key: g for g in gold_of(connection, document_id)}
    remove = list(dict.fromkeys(remove))
    if any(key not in current for key in remove):
        raise StoreError("that gold span no longer exists: it was changed elsewhere")
    # a fresh decision that keeps a gold span keeps it as it is (a restoration, with an id
    # or recorded provenance, puts the span back exactly instead)
    fresh = {item.span.key for item in add if item.span.id is None and item.sources is None}
    staying = set(remove) & fresh
    remove = [key for key in remove if key not in staying]
    add = [item for item in add if item.span.key not in staying]
    removed = [current.pop(key) for key in remove]
    carried: tuple[Note, ...] = ()
    carried_links: tuple[CarriedLink, ...] = ()
    if removed:
        gone = {g.span.stored_id for g in removed}
        carried = tuple(n for n in notes_of(connection, document_id) if n.span_id in gone)
        carried_links = tuple(take_links_of(connection, gone))
        connection.execute(SPAN.delete().where(SPAN.c.id.in_(gone)))
    labels = label_ids(connection)
    length = text_length(connection, document_id)
    who = gold_id(connection)
    layers = annotator_layers(connection, document_id)
    names = dict(connection.execute(select(ANNOTATOR.c.name, ANNOTATOR.c.id)).all())
    present = set(current)
    added: list[Gold] = []
    new_ids: dict[int, int] = {}
    for item in add:
        span = item.span
        check_span(span, length, labels)
        if span.key in present:
            continue
        present.add(span.key)
        sources = item.sources if item.sources is not None else provenance(span, layers)
        kept_id = span.id if _id_is_free(connection, span.id) else None
        row = Span(span.start, span.end, span.label, origin=Origin.REVIEW)
        new_id = insert_span(connection, document_id, who, labels[span.label], row, kept_id)
        if span.id is not None:
            new_ids[span.id] = new_id
        kept = [name for name in sources if name in names]
        if kept:
            connection.execute(
                insert(SPAN_SOURCE), [{"span_id": new_id, "annotator_id": names[n]} for n in kept]
            )
        stored = Span(span.start, span.end, span.label, new_id, GOLD, Origin.REVIEW)
        added.append(Gold(stored, tuple(kept)))
    restored = [
        replace(note, span_id=new_ids[note.span_id])
        for note in notes
        if note.span_id is not None and note.span_id in new_ids
    ]
    restore_notes(connection, restored)
    relinked = restore_carried(connection, links)
    recorded = record is not None and record_decision(connection, document_id, record)
    if forget is not None:
        forget_decision(connection, document_id, forget)
    if removed or added:
        mark_started(connection, document_id, who)
    touched = frozenset(g.span.id for g in removed + added if g.span.id is not None)
    notes_touched = frozenset(n.id for n in (*carried, *restored))
    links_touched = frozenset([*(link.stored_id for link, _ in carried_links), *relinked])
    change = (
        Change(
            documents=frozenset({document_id}),
            spans=touched,
            notes=notes_touched,
            links=links_touched,
        )
        if touched
        else Change()
    )
    return GoldEdit(document_id, removed, added, change, carried, carried_links, recorded)


def store_gold(connection: Connection, document_id: int, items: Sequence[Gold]) -> GoldEdit:
    """Add gold spans with the provenance they carry, in the caller's transaction (imports);
    a gold span already there is kept as it is."""
    return _swap(connection, document_id, [], items)


def swap_gold(
    engine: Engine,
    document_id: int,
    remove: Iterable[Key],
    add: Sequence[Gold],
    notes: Sequence[Note] = (),
    links: Sequence[CarriedLink] = (),
    *,
    record: Range | None = None,
    forget: Range | None = None,
) -> GoldEdit:
    """Delete the gold spans whose (start, end, label) are in ``remove`` and store ``add``;
    record the decision on the group ``record`` (or forget that on ``forget``) with them.

    ``swap_gold(keys of added, removed, notes)`` undoes it: spans are named by content, not
    id, so a step stays undoable after others re-created spans under new ids. A span of
    ``add`` given with an id keeps it if it is free, and those of ``notes`` and ``links``
    that were on it come back on it. A gold span given without sources gets the annotators
    who have it exactly."""
    with writing(engine) as connection:
        return _swap(connection, document_id, remove, add, notes, links, record, forget)


def _plain(span: Span) -> Gold:
    return Gold(Span(span.start, span.end, span.label, origin=Origin.REVIEW))


def _gold_in(connection: Connection, document_id: int, start: int, end: int) -> list[Key]:
    region = Span(start, end, "")
    return [g.span.key for g in gold_of(connection, document_id) if g.span.overlaps(region)]


def accept_version(
    engine: Engine,
    document_id: int,
    start: int,
    end: int,
    annotator: str,
    record: Range | None = None,
) -> GoldEdit:
    """Make ``annotator``'s spans in ``[start, end)`` the gold there, replacing what was
    (and record the decision on the group ``record``)."""
    with writing(engine) as connection:
        layers = annotator_layers(connection, document_id)
        if annotator not in layers:
            raise InvalidSpan(f"{annotator} has no spans on this document")
        region = Span(start, end, "")
        chosen = [_plain(s) for s in layers[annotator] if s.overlaps(region)]
        there = _gold_in(connection, document_id, start, end)
        return _swap(connection, document_id, there, chosen, record=record)


def reject_all(
    engine: Engine, document_id: int, start: int, end: int, record: Range | None = None
) -> GoldEdit:
    """No gold span in ``[start, end)``: every version there is rejected (and the decision
    on the group ``record`` recorded, so it reads as rejected when the review reopens)."""
    with writing(engine) as connection:
        there = _gold_in(connection, document_id, start, end)
        return _swap(connection, document_id, there, [], record=record)


def accept_agreed(engine: Engine, document_id: int) -> GoldEdit:
    """Add to gold every span that all annotators who have a layer on the document share.

    Every layer counts, whether the reviewer shows it or not, and a span one annotator alone
    has is never agreed (``agreed_spans`` needs two layers at least)."""
    with writing(engine) as connection:
        layers = annotator_layers(connection, document_id)
        return _swap(connection, document_id, [], [_plain(s) for s in agreed_spans(layers)])


def add_gold(engine: Engine, document_id: int, span: Span) -> GoldEdit:
    """The reviewer's own gold span (its provenance: the annotators who had it exactly)."""
    with writing(engine) as connection:
        return _swap(connection, document_id, [], [_plain(span)])


def edit_gold(
    engine: Engine,
    span_id: int,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
) -> GoldEdit:
    """Move or relabel a gold span; its provenance becomes who had the new span exactly."""
    with writing(engine) as connection:
        row = connection.execute(
            select(SPAN.c.document_id, SPAN.c.start, SPAN.c.end, SPAN.c.annotator_id).where(
                SPAN.c.id == span_id
            )
        ).one_or_none()
        if row is None or row.annotator_id != gold_id(connection):
            raise StoreError("that gold span no longer exists: it was changed elsewhere")
        old = next(g for g in gold_of(connection, row.document_id) if g.span.id == span_id)
        moved = Span(
            old.span.start if start is None else start,
            old.span.end if end is None else end,
            old.span.label if label is None else label,
        )
        return _swap(connection, row.document_id, [old.span.key], [_plain(moved)])


def is_reviewed(connection: Connection, document_id: int) -> bool:
    query = select(STATUS.c.status).where(
        and_(STATUS.c.document_id == document_id, STATUS.c.annotator_id == _gold_column())
    )
    return connection.execute(query).scalar_one_or_none() == Status.DONE


def write_reviewed(connection: Connection, document_id: int) -> None:
    require_layer(connection, GOLD)
    write_status(connection, document_id, gold_id(connection), Status.DONE)


def review_status(engine: Engine, document_id: int) -> Status:
    """Where the document's review stands: new, in progress, or done (reviewed)."""
    with reading(engine) as connection:
        query = select(STATUS.c.status).where(
            and_(STATUS.c.document_id == document_id, STATUS.c.annotator_id == _gold_column())
        )
        return Status(connection.execute(query).scalar_one_or_none() or Status.NEW)


def set_review_status(engine: Engine, document_id: int, status: Status) -> Change:
    """Record where the document's review stands (done: reviewed); undo sets the one before."""
    with writing(engine) as connection:
        require_layer(connection, GOLD)
        write_status(connection, document_id, gold_id(connection), status)
    return Change(statuses=frozenset({document_id}), document_list=True)


def mark_reviewed(engine: Engine, document_id: int, reviewed: bool = True) -> Change:
    """Record that the document's review is finished (or reopen it)."""
    return set_review_status(engine, document_id, Status.DONE if reviewed else Status.IN_PROGRESS)


class ReviewFilter(StrEnum):
    """Document list filters for review."""

    DISAGREEMENTS = "disagreements"
    READY = "ready"  # every assignee finished: ready for review
    REVIEWED = "reviewed"


def _gold_column():
    """The gold annotator's id as an SQL expression (NULL before anything was reviewed)."""
    return select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == GOLD).scalar_subquery()


def reviewed_ids() -> Select:
    """SELECT of the documents whose review is marked finished."""
    return select(STATUS.c.document_id).where(
        and_(STATUS.c.annotator_id == _gold_column(), STATUS.c.status == Status.DONE)
    )


def disagreement_ids() -> Select:
    """SELECT of the documents where at least two annotators worked and some span is not
    everyone's. An annotator worked on a document when they have spans there or a status
    other than new."""
    gold = func.coalesce(_gold_column(), -1)
    worked = (
        select(SPAN.c.document_id, SPAN.c.annotator_id)
        .where((SPAN.c.annotator_id != gold) & stored(SPAN.c.document_id))
        .union(
            select(STATUS.c.document_id, STATUS.c.annotator_id).where(
                and_(STATUS.c.status != Status.NEW, STATUS.c.annotator_id != gold)
            )
        )
        .subquery()
    )
    workers = (
        select(worked.c.document_id, func.count().label("n"))
        .group_by(worked.c.document_id)
        .having(func.count() >= 2)
        .subquery()
    )
    shared = (
        select(SPAN.c.document_id, func.count().label("n"))
        .where(SPAN.c.annotator_id != gold)
        .group_by(SPAN.c.document_id, SPAN.c.label_id, SPAN.c.start, SPAN.c.end)
        .subquery()
    )
    return (
        select(shared.c.document_id)
        .join(workers, workers.c.document_id == shared.c.document_id)
        .where(shared.c.n < workers.c.n)
        .distinct()
    )


def reviewed_documents(engine: Engine) -> set[int]:
    """Documents whose review is marked finished."""
    with reading(engine) as connection:
        return set(connection.execute(reviewed_ids()).scalars())


def disagreement_documents(engine: Engine) -> set[int]:
    """Documents with a disagreement (see ``disagreement_ids``)."""
    with reading(engine) as connection:
        return set(connection.execute(disagreement_ids()).scalars())
