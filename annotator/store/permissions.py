"""Who may write which layer: people write only their own layer (spans, statuses, notes,
links); only reviewers (and admins) write the gold layer; admins write everything.

On PostgreSQL each person connects as their own database role, and the server enforces the
rules with row-level security (``store/team_postgres.py``); the checks here come first so
that a refusal reads as one clear line. On SQLite, a single-user file, the store applies the
same rules to the person the program acts for (``act_as``: the app's annotator, the command
line's ``--annotator``) once ``annotator users add`` has made it a team's file; before that
it is one person's, who may write anything, as may a program that names nobody (a script).
"""

from __future__ import annotations

import threading
from enum import StrEnum
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import StoreError
from annotator.core.review import GOLD
from annotator.store.meta import get_meta
from annotator.store.tables import ANNOTATOR


class Role(StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class PermissionDenied(StoreError):
    """A write the person's role does not allow."""


_ACTING: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()
_LOGINS: WeakKeyDictionary[Engine, tuple[str, bool]] = WeakKeyDictionary()
_LOCK = threading.Lock()
# Built once: every edit asks them.
_ROLE_OF = select(ANNOTATOR.c.role).where(ANNOTATOR.c.name == bindparam("name"))
TEAM_KEY = "team"  # meta key: "on" once people were added with roles
_PG_ME = text(
    "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
    "OR pg_has_role(current_user, (SELECT tableowner FROM pg_tables "
    "WHERE tablename = 'annotator' AND schemaname = current_schema()), 'MEMBER')"
)


def act_as(engine: Engine, name: str | None) -> None:
    """Say whom the program writes for on a SQLite ``engine`` (``None``: the file's owner).
    On PostgreSQL the person is the role the engine connects as, whatever is said here."""
    with _LOCK:
        if name is None:
            _ACTING.pop(engine, None)
        else:
            _ACTING[engine] = " ".join(name.split())


def _login(connection: Connection) -> tuple[str, bool]:
    """The PostgreSQL role an engine connects as, and whether it owns the tables: asked once
    per engine, as neither changes while it is open."""
    engine = connection.engine
    with _LOCK:
        known = _LOGINS.get(engine)
    if known is None:
        name, owner = connection.execute(_PG_ME).one()
        known = (name, bool(owner))
        with _LOCK:
            _LOGINS[engine] = known
    return known


def acting(connection: Connection) -> tuple[str | None, Role]:
    """The person writing on ``connection`` and their role; ``ADMIN`` for the database's
    owner (a PostgreSQL superuser or owner of the tables; on SQLite a script, or anyone in a
    file that is not a team's)."""
    name: str | None
    if connection.dialect.name == "postgresql":
        name, owner = _login(connection)
        if owner:
            return None, Role.ADMIN
    else:
        with _LOCK:
            name = _ACTING.get(connection.engine)
        if name is None or get_meta(connection, TEAM_KEY) != "on":
            return name, Role.ADMIN
    found = connection.execute(_ROLE_OF, {"name": name}).scalar_one_or_none()
    return name, Role(found or Role.ANNOTATOR)


def require_layer(connection: Connection, layer: str) -> None:
    """Refuse, in one line, a write to ``layer`` (an annotator's name, or the gold layer)
    by someone who may not write it."""
    person, role = acting(connection)
    if role == Role.ADMIN or person is None:
        return
    if layer == GOLD:
        if role != Role.REVIEWER:
            raise PermissionDenied(
                f"{person} may not change the gold layer: only a reviewer may (ask an admin: "
                f"annotator users add {person} --role reviewer)"
            )
    elif layer != person:
        raise PermissionDenied(
            f"{person} may not change {layer}'s annotations: each person changes only their own"
        )


def require_admin(connection: Connection, what: str) -> None:
    person, role = acting(connection)
    if role != Role.ADMIN:
        raise PermissionDenied(f"{person} may not {what}: only an admin may")


def refusal(exc: Exception) -> PermissionDenied | None:
    """The server's refusal of a write the rules forbid (PostgreSQL's insufficient
    privilege: a row-level security policy or a missing grant), in one line."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    reason = (str(orig).strip().splitlines() or ["permission denied"])[0]
    return PermissionDenied(
        f"the server refused the write ({reason}): each person changes only their own "
        "annotations, and only reviewers the gold layer"
    )
