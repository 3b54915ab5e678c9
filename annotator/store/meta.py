"""Key/value facts about the database itself."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection

from annotator.store.tables import META

# Built once: every write transaction reads and sets the generation counter here.
# (An update's parameters must not be named after columns, which name what it sets.)
_GET = select(META.c.value).where(META.c.key == bindparam("meta_key"))
_SET = META.update().where(META.c.key == bindparam("meta_key")).values(value=bindparam("to"))


def get_meta(connection: Connection, key: str) -> str | None:
    return connection.execute(_GET, {"meta_key": key}).scalar_one_or_none()


def set_meta(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(_SET, {"meta_key": key, "to": value})
    if updated.rowcount == 0:
        connection.execute(insert(META).values(key=key, value=value))
