"""Noticing that another program changed the database.

Every write transaction adds one to a ``generation`` counter in the meta table, while it
holds the write lock. Each engine remembers the last generation it knows of: when a write
of ours starts from a generation we did not produce, or a check finds a generation we never
saw, someone else (another app instance, a command-line import) has written in between.
Plain SQL on the meta table, so it works for any database the store supports, and exact:
our own writes never count as changes made elsewhere.

The counter is read ``FOR UPDATE``: on PostgreSQL the row lock makes write transactions take
turns, as ``BEGIN IMMEDIATE`` does on SQLite (where the clause is left out), so every
check-then-write in the store sees the writes committed before it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from annotator.store.meta import get_meta, set_meta
from annotator.store.tables import META

KEY = "generation"
_LOCKED = select(META.c.value).where(META.c.key == KEY).with_for_update()


@dataclass(slots=True)
class _Seen:
    generation: int | None = None
    elsewhere: bool = False


_SEEN: WeakKeyDictionary[Engine, _Seen] = WeakKeyDictionary()
_LOCK = threading.Lock()


def _seen(engine: Engine) -> _Seen:
    with _LOCK:
        return _SEEN.setdefault(engine, _Seen())


def current(connection: Connection) -> int:
    value = get_meta(connection, KEY)
    return int(value) if value else 0


def begin_write(engine: Engine, connection: Connection) -> int:
    """Count a write transaction (call it holding the write lock); returns the generation
    the transaction will have produced once it commits."""
    value = connection.execute(_LOCKED).scalar_one_or_none()
    found = int(value) if value else 0
    seen = _seen(engine)
    with _LOCK:
        if seen.generation is not None and found != seen.generation:
            seen.elsewhere = True
    set_meta(connection, KEY, str(found + 1))
    return found + 1


def committed(engine: Engine, generation: int) -> None:
    """Record that our transaction producing ``generation`` has committed."""
    seen = _seen(engine)
    with _LOCK:
        seen.generation = generation


def check(engine: Engine, connection: Connection) -> bool:
    """True (once) if someone else has written since this engine last looked or wrote.

    The first check on an engine that never wrote sets the baseline and says False.
    """
    found = current(connection)
    seen = _seen(engine)
    with _LOCK:
        changed = seen.elsewhere or (seen.generation is not None and found != seen.generation)
        seen.generation, seen.elsewhere = found, False
    return changed
