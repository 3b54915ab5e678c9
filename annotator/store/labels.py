"""The project's label schema as stored in its database."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan
from annotator.core.labels import Label, LabelSchema, check_label
from annotator.store.changes import Change
from annotator.store.engine import reading, writing
from annotator.store.relation_types import drop_label, relation_types_of
from annotator.store.tables import LABEL, SPAN


def schema_of(connection: Connection) -> LabelSchema:
    rows = connection.execute(
        select(LABEL.c.name, LABEL.c.color, LABEL.c.hotkey, LABEL.c.guideline).order_by(
            LABEL.c.position, LABEL.c.id
        )
    )
    return LabelSchema((Label(*row) for row in rows), relation_types_of(connection))


def get_schema(engine: Engine) -> LabelSchema:
    with reading(engine) as connection:
        return schema_of(connection)


_IDS = select(LABEL.c.name, LABEL.c.id)  # built once: every span edit reads it


def label_ids(connection: Connection) -> dict[str, int]:
    return dict(connection.execute(_IDS).all())


def save_label(engine: Engine, label: Label) -> Change:
    """Add ``label`` or update the label of that name; the schema must stay consistent."""
    check_label(label)
    with writing(engine) as connection:
        current = [lab for lab in schema_of(connection) if lab.name != label.name]
        LabelSchema([*current, label])
        values = {"color": label.color, "hotkey": label.hotkey, "guideline": label.guideline}
        updated = connection.execute(
            LABEL.update().where(LABEL.c.name == label.name).values(**values)
        )
        if updated.rowcount == 0:
            position = connection.execute(select(func.coalesce(func.max(LABEL.c.position), -1)))
            connection.execute(
                insert(LABEL).values(name=label.name, position=position.scalar_one() + 1, **values)
            )
    return Change(labels=True)


def add_label_rows(connection: Connection, labels: list[Label]) -> None:
    """Append checked labels (name, colour, hotkey, guideline) to the schema's end."""
    start = connection.execute(select(func.coalesce(func.max(LABEL.c.position), -1))).scalar_one()
    for offset, label in enumerate(labels):
        connection.execute(
            insert(LABEL).values(
                name=label.name,
                color=label.color,
                hotkey=label.hotkey,
                guideline=label.guideline,
                position=start + 1 + offset,
            )
        )


def delete_label(engine: Engine, name: str) -> Change:
    """Delete an unused label (and take it out of the relation types that join it); a label
    in use is refused with its span count."""
    with writing(engine) as connection:
        label_id = label_ids(connection).get(name)
        if label_id is None:
            raise InvalidSpan(f"there is no label {name!r}")
        used = connection.execute(
            select(func.count()).select_from(SPAN).where(SPAN.c.label_id == label_id)
        ).scalar_one()
        if used:
            raise InvalidSpan(
                f"label {name!r} is used by {used} span{'s' if used != 1 else ''}; "
                "relabel or delete them first"
            )
        drop_label(connection, name)
        connection.execute(LABEL.delete().where(LABEL.c.id == label_id))
    return Change(labels=True)
