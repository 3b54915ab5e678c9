"""The relation types of the label schema as stored: read and appended in the caller's
transaction (the store's engine module and migrations use these, so nothing here opens one)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from annotator.core.labels import RelationType
from annotator.store.tables import RELATION_TYPE


def relation_types_of(connection: Connection) -> list[RelationType]:
    rows = connection.execute(
        select(
            RELATION_TYPE.c.name,
            RELATION_TYPE.c.heads,
            RELATION_TYPE.c.children,
            RELATION_TYPE.c.guideline,
        ).order_by(RELATION_TYPE.c.position, RELATION_TYPE.c.id)
    )
    return [
        RelationType(name, tuple(heads), tuple(children), guide)
        for name, heads, children, guide in rows
    ]


def add_relation_type_rows(connection: Connection, relations: Iterable[RelationType]) -> None:
    """Append relation types to the schema's end (new databases and migrations)."""
    start = connection.execute(
        select(func.coalesce(func.max(RELATION_TYPE.c.position), -1))
    ).scalar_one()
    for offset, relation in enumerate(relations):
        connection.execute(
            insert(RELATION_TYPE).values(
                name=relation.name,
                heads=list(relation.heads),
                children=list(relation.children),
                guideline=relation.guideline,
                position=start + 1 + offset,
            )
        )


def drop_label(connection: Connection, label: str) -> None:
    """Take an unused label out of the relation types that join it; a type left without a
    label at one end goes too (it has no links: they would need spans of that label)."""
    for relation in relation_types_of(connection):
        heads = [name for name in relation.heads if name != label]
        children = [name for name in relation.children if name != label]
        where = RELATION_TYPE.c.name == relation.name
        if not heads or not children:
            connection.execute(RELATION_TYPE.delete().where(where))
        elif (len(heads), len(children)) != (len(relation.heads), len(relation.children)):
            connection.execute(
                RELATION_TYPE.update().where(where).values(heads=heads, children=children)
            )
