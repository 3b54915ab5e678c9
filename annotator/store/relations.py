"""Links between spans in the store, and the relation types of the label schema.

A link joins two spans of one document and one annotator, with a relation type that allows
the two spans' labels. Deleting a span deletes its links (the foreign keys cascade); the
span commands take them first so an undo can put them back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Select, func, insert, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import RelationType, check_relation_type
from annotator.core.relations import Link
from annotator.store.annotators import annotator_id, refuse_gold, sources_of
from annotator.store.changes import Change
from annotator.store.engine import inserted_id, reading, writing
from annotator.store.permissions import require_layer
from annotator.store.relation_types import add_relation_type_rows, relation_types_of
from annotator.store.tables import ANNOTATOR, LABEL, RELATION, RELATION_SOURCE, RELATION_TYPE, SPAN

_LINK_COLUMNS = (
    RELATION.c.id,
    RELATION.c.document_id,
    RELATION.c.head_id,
    RELATION.c.child_id,
    RELATION_TYPE.c.name.label("label"),
    ANNOTATOR.c.name.label("annotator"),
)
_LINK_FROM = RELATION.join(RELATION_TYPE, RELATION_TYPE.c.id == RELATION.c.type_id).join(
    ANNOTATOR, ANNOTATOR.c.id == RELATION.c.annotator_id
)


def _to_link(row) -> Link:
    return Link(
        head_id=row.head_id,
        child_id=row.child_id,
        label=row.label,
        id=row.id,
        document_id=row.document_id,
        annotator=row.annotator,
    )


def link_ends(
    annotator_ids: Collection[int] | None = None, labels: Collection[str] | None = None
) -> Select:
    """Links by document, as plain values: document, annotator id and name, the head's and
    the child's (start, end, label), the relation type; only ``annotator_ids``' links and
    links whose two ends have ``labels``, when given. Exports and the gold layer read these."""
    head, child = SPAN.alias("head"), SPAN.alias("child")
    head_label, child_label = LABEL.alias("head_label"), LABEL.alias("child_label")
    query = (
        select(
            RELATION.c.document_id,
            RELATION.c.annotator_id,
            ANNOTATOR.c.name,
            head.c.start,
            head.c.end,
            head_label.c.name,
            child.c.start,
            child.c.end,
            child_label.c.name,
            RELATION_TYPE.c.name,
        )
        .join(head, head.c.id == RELATION.c.head_id)
        .join(child, child.c.id == RELATION.c.child_id)
        .join(head_label, head_label.c.id == head.c.label_id)
        .join(child_label, child_label.c.id == child.c.label_id)
        .join(RELATION_TYPE, RELATION_TYPE.c.id == RELATION.c.type_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == RELATION.c.annotator_id)
        .order_by(RELATION.c.document_id)
    )
    if annotator_ids is not None:
        query = query.where(RELATION.c.annotator_id.in_(annotator_ids))
    if labels is not None:
        query = query.where(head_label.c.name.in_(labels) & child_label.c.name.in_(labels))
    return query


def _label_names(connection: Connection) -> list[str]:
    return list(connection.execute(select(LABEL.c.name)).scalars())


def save_relation_type(engine: Engine, relation: RelationType) -> Change:
    """Add ``relation`` or update the relation type of that name (the labels it joins)."""
    with writing(engine) as connection:
        check_relation_type(relation, _label_names(connection))
        updated = connection.execute(
            RELATION_TYPE.update()
            .where(RELATION_TYPE.c.name == relation.name)
            .values(
                heads=list(relation.heads),
                children=list(relation.children),
                guideline=relation.guideline,
            )
        )
        if updated.rowcount == 0:
            add_relation_type_rows(connection, [relation])
    return Change(labels=True)


def delete_relation_type(engine: Engine, name: str) -> Change:
    """Delete an unused relation type; one in use is refused with its link count."""
    with writing(engine) as connection:
        type_id = connection.execute(
            select(RELATION_TYPE.c.id).where(RELATION_TYPE.c.name == name)
        ).scalar_one_or_none()
        if type_id is None:
            raise InvalidSpan(f"there is no relation {name!r}")
        used = connection.execute(
            select(func.count()).select_from(RELATION).where(RELATION.c.type_id == type_id)
        ).scalar_one()
        if used:
            raise InvalidSpan(
                f"relation {name!r} is used by {used} link{'s' if used != 1 else ''}; "
                "unlink them first"
            )
        connection.execute(RELATION_TYPE.delete().where(RELATION_TYPE.c.id == type_id))
    return Change(labels=True)


def links_of(connection: Connection, document_id: int, annotator: str | None = None) -> list[Link]:
    query = (
        select(*_LINK_COLUMNS).select_from(_LINK_FROM).where(RELATION.c.document_id == document_id)
    )
    if annotator is not None:
        query = query.where(ANNOTATOR.c.name == annotator)
    return [_to_link(row) for row in connection.execute(query.order_by(RELATION.c.id))]


def document_links(engine: Engine, document_id: int, annotator: str | None = None) -> list[Link]:
    """The links of one document, oldest first; only ``annotator``'s when given."""
    with reading(engine) as connection:
        return links_of(connection, document_id, annotator)


def _span_end(connection: Connection, span_id: int):
    row = connection.execute(
        select(SPAN.c.document_id, SPAN.c.annotator_id, LABEL.c.name.label("label"))
        .select_from(SPAN.join(LABEL, LABEL.c.id == SPAN.c.label_id))
        .where(SPAN.c.id == span_id)
    ).one_or_none()
    if row is None:
        raise StoreError("that span no longer exists: it was deleted elsewhere")
    return row


def link_values(connection: Connection, document_id: int, who: int, link: Link) -> dict:
    """The row of ``link`` in ``who``'s layer of the document, checked: both spans are
    there and in that layer, the relation type exists and allows their labels."""
    head, child = _span_end(connection, link.head_id), _span_end(connection, link.child_id)
    for end in (head, child):
        if end.document_id != document_id or end.annotator_id != who:
            raise InvalidSpan("a link joins two spans of one document and one annotator")
    if link.head_id == link.child_id:
        raise InvalidSpan("a span cannot be linked to itself")
    row = connection.execute(
        select(RELATION_TYPE.c.id, RELATION_TYPE.c.heads, RELATION_TYPE.c.children).where(
            RELATION_TYPE.c.name == link.label
        )
    ).one_or_none()
    if row is None:
        raise InvalidSpan(f"there is no relation {link.label!r}")
    if not RelationType(link.label, tuple(row.heads), tuple(row.children)).joins(
        head.label, child.label
    ):
        raise InvalidSpan(
            f"a {link.label!r} link cannot go from a {head.label!r} span to a {child.label!r} span"
        )
    return {
        "document_id": document_id,
        "annotator_id": who,
        "type_id": row.id,
        "head_id": link.head_id,
        "child_id": link.child_id,
    }


def _duplicate(connection: Connection, values: dict) -> bool:
    found = connection.execute(
        select(RELATION.c.id).where(
            (RELATION.c.head_id == values["head_id"])
            & (RELATION.c.child_id == values["child_id"])
            & (RELATION.c.type_id == values["type_id"])
        )
    ).first()
    return found is not None


def _link_row(connection: Connection, link_id: int) -> Link:
    row = connection.execute(
        select(*_LINK_COLUMNS).select_from(_LINK_FROM).where(RELATION.c.id == link_id)
    ).one_or_none()
    if row is None:
        raise StoreError("that link no longer exists: it was deleted elsewhere")
    return _to_link(row)


def _change(document_id: int, link_ids: Iterable[int]) -> Change:
    return Change(documents=frozenset({document_id}), links=frozenset(link_ids))


def _insert_link(connection: Connection, document_id: int, who: int, link: Link) -> int | None:
    """Insert a checked ``link`` (keeping its id when given); ``None`` for a duplicate."""
    values = link_values(connection, document_id, who, link)
    if _duplicate(connection, values):
        return None
    if link.id is not None:
        values["id"] = link.id
    return inserted_id(connection, insert(RELATION).values(**values))


def _take_owned(connection: Connection, link_id: int, annotator: str) -> Link:
    require_layer(connection, annotator)
    link = _link_row(connection, link_id)
    if link.annotator != annotator:
        raise InvalidSpan(
            f"that link belongs to {link.annotator}; annotators change only their own"
        )
    connection.execute(RELATION.delete().where(RELATION.c.id == link_id))
    return link


def add_link(
    engine: Engine, document_id: int, annotator: str, link: Link
) -> tuple[Link | None, Change]:
    """Store ``link`` in ``annotator``'s layer; an exact duplicate is refused quietly
    (``None``). A link given with an id (an undone unlink coming back) keeps that id."""
    added, _, change = replace_links(engine, document_id, annotator, [], [link])
    return (added[0] if added else None), change


def delete_link(engine: Engine, link_id: int, annotator: str) -> tuple[Link, Change]:
    """Delete one of ``annotator``'s links; returns it as it was, for undo."""
    refuse_gold(annotator)
    with writing(engine) as connection:
        link = _take_owned(connection, link_id, annotator)
    return link, _change(link.document_id or 0, [link_id])


def replace_links(
    engine: Engine,
    document_id: int,
    annotator: str,
    removed: Sequence[int],
    added: Sequence[Link],
) -> tuple[list[Link], list[Link], Change]:
    """In one transaction, delete ``annotator``'s links ``removed`` and add ``added`` (checked,
    duplicates skipped, ids kept when given): a relink and its undo are one step each.
    Returns the links added as stored, the links removed as they were, and the change."""
    refuse_gold(annotator)
    with writing(engine) as connection:
        require_layer(connection, annotator)
        taken = [_take_owned(connection, link_id, annotator) for link_id in removed]
        who = annotator_id(connection, annotator)
        new_ids = [_insert_link(connection, document_id, who, link) for link in added]
        stored = [_link_row(connection, link_id) for link_id in new_ids if link_id is not None]
    ids = [link.id for link in [*taken, *stored] if link.id is not None]
    return stored, taken, _change(document_id, ids) if ids else Change()


def take_span_links(connection: Connection, span_id: int) -> list[Link]:
    """Delete, in the caller's transaction, the links ``span_id`` is an end of; returns them."""
    return [link for link, _ in take_links_of(connection, [span_id])]


def restore_links(connection: Connection, links: Sequence[Link]) -> list[int]:
    """Put deleted links back with their ids, in the caller's transaction; a link whose
    other span has gone meanwhile stays gone. Returns the ids restored."""
    types = dict(connection.execute(select(RELATION_TYPE.c.name, RELATION_TYPE.c.id)).all())
    restored = []
    for link in links:
        ends = connection.execute(
            select(func.count())
            .select_from(SPAN)
            .where(SPAN.c.id.in_([link.head_id, link.child_id]))
        ).scalar_one()
        if ends != 2 or link.label not in types:
            continue
        connection.execute(
            insert(RELATION).values(
                id=link.id,
                document_id=link.document_id,
                annotator_id=annotator_id(connection, link.owner),
                type_id=types[link.label],
                head_id=link.head_id,
                child_id=link.child_id,
            )
        )
        restored.append(link.stored_id)
    return restored


CarriedLink = tuple[Link, tuple[str, ...]]
"""A link taken away with one of its spans, and its provenance (gold links have one)."""


def take_links_of(connection: Connection, span_ids: Collection[int]) -> list[CarriedLink]:
    """Delete, in the caller's transaction, the links any of ``span_ids`` is an end of;
    returns them with their provenance (oldest first), for ``restore_carried``."""
    ids = list(span_ids)
    if not ids:
        return []
    return _take(connection, or_(RELATION.c.head_id.in_(ids), RELATION.c.child_id.in_(ids)))


def take_unjoined_links(connection: Connection, span_ids: Collection[int]) -> list[CarriedLink]:
    """Delete, in the caller's transaction, the links of ``span_ids`` that their relation
    type no longer allows now that the spans have new labels (a quote relabelled as a figure
    is nobody's quote, an actor relabelled as a place says nothing); returns them with their
    provenance, for ``restore_carried``."""
    ids = list(span_ids)
    head, child = SPAN.alias("head"), SPAN.alias("child")
    head_label, child_label = LABEL.alias("head_label"), LABEL.alias("child_label")
    query = (
        select(RELATION.c.id, RELATION_TYPE.c.name, head_label.c.name, child_label.c.name)
        .join(RELATION_TYPE, RELATION_TYPE.c.id == RELATION.c.type_id)
        .join(head, head.c.id == RELATION.c.head_id)
        .join(child, child.c.id == RELATION.c.child_id)
        .join(head_label, head_label.c.id == head.c.label_id)
        .join(child_label, child_label.c.id == child.c.label_id)
        .where(or_(RELATION.c.head_id.in_(ids), RELATION.c.child_id.in_(ids)))
    )
    types = {relation.name: relation for relation in relation_types_of(connection)}
    unjoined = [
        link_id
        for link_id, name, head_name, child_name in connection.execute(query)
        if not types[name].joins(head_name, child_name)
    ]
    return _take(connection, RELATION.c.id.in_(unjoined)) if unjoined else []


def _take(connection: Connection, chosen: ColumnElement[bool]) -> list[CarriedLink]:
    query = select(*_LINK_COLUMNS).select_from(_LINK_FROM).where(chosen).order_by(RELATION.c.id)
    links = [_to_link(row) for row in connection.execute(query)]
    if not links:
        return []
    link_ids = [link.stored_id for link in links]
    source = RELATION_SOURCE.c
    sources = sources_of(connection, source.relation_id, source.annotator_id, link_ids)
    connection.execute(RELATION.delete().where(RELATION.c.id.in_(link_ids)))
    return [(link, sources.get(link.stored_id, ())) for link in links]


def restore_carried(connection: Connection, carried: Sequence[CarriedLink]) -> list[int]:
    """Put back links taken with their spans once the spans are back (``restore_links``),
    with their provenance; returns the ids restored."""
    restored = restore_links(connection, [link for link, _ in carried])
    names = dict(connection.execute(select(ANNOTATOR.c.name, ANNOTATOR.c.id)).all())
    rows = [
        {"relation_id": link.stored_id, "annotator_id": names[name]}
        for link, sources in carried
        if link.stored_id in restored
        for name in sources
        if name in names
    ]
    if rows:
        connection.execute(insert(RELATION_SOURCE), rows)
    return restored
