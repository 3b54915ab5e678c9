"""People of a team: ``annotator users add NAME --role ROLE``.

Each person is an annotator row with a role; on PostgreSQL also a login role of the same
name, with the privileges and the row-level security policies of ``team_postgres``. Adding
someone makes a SQLite file a team's, whose rules the store then applies (permissions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from annotator.core.review import GOLD
from annotator.store import team_postgres
from annotator.store.annotators import annotator_id, clean_name, gold_id
from annotator.store.engine import reading, writing
from annotator.store.meta import set_meta
from annotator.store.permissions import TEAM_KEY, Role, require_admin
from annotator.store.tables import ANNOTATOR


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: Role


def _is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def add_user(engine: Engine, name: str, role: Role = Role.ANNOTATOR) -> bool:
    """Add ``name`` with ``role`` (or give someone already there that role). On PostgreSQL
    also create the login role ``name`` and install the team's policies when the tables'
    owner runs it. Returns True when a login role was created."""
    name, role = clean_name(name), Role(role)
    created = False
    with writing(engine) as connection:
        require_admin(connection, "add people")
        who = annotator_id(connection, name)
        connection.execute(ANNOTATOR.update().where(ANNOTATOR.c.id == who).values(role=role))
        if role == Role.REVIEWER:
            gold_id(connection)  # reviewers write the gold layer, but may not create it
        set_meta(connection, TEAM_KEY, "on")
        if _is_postgres(connection):
            if not team_postgres.policies_installed(connection):
                team_postgres.install_policies(connection)
            created = team_postgres.create_login(connection, name, role == Role.ADMIN)
    return created


def list_users(engine: Engine) -> list[Person]:
    """Everyone but the gold layer, with their roles, by name."""
    with reading(engine) as connection:
        rows = connection.execute(
            select(ANNOTATOR.c.name, ANNOTATOR.c.role)
            .where(ANNOTATOR.c.name != GOLD)
            .order_by(ANNOTATOR.c.name)
        )
        return [Person(name, Role(role)) for name, role in rows]
