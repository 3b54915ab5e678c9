"""Key/value facts about the database itself."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from annotator.store.tables import META


def get_meta(connection: Connection, key: str) -> str | None:
    return connection.execute(select(META.c.value).where(META.c.key == key)).scalar_one_or_none()


def set_meta(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(META.update().where(META.c.key == key).values(value=value))
    if updated.rowcount == 0:
        connection.execute(insert(META).values(key=key, value=value))
