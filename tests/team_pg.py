"""PostgreSQL for the team tests: a fresh database per test and login roles with unique
names, all dropped afterwards. Skipped unless ``ANNOTATOR_TEST_PG`` names a server
(``postgresql://user@host:port``) that answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from annotator.store import team_postgres

VARIABLE = "ANNOTATOR_TEST_PG"


def server() -> str:
    found = os.environ.get(VARIABLE)
    if not found:
        pytest.skip(f"PostgreSQL: set {VARIABLE}=postgresql://user@host:port to run these")
    return found.rstrip("/")


def url(database: str, user: str | None = None) -> str:
    parsed = make_url(f"{server()}/{database}")
    if user is not None:
        parsed = parsed.set(username=user, password=None)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _admin() -> Engine:
    return create_engine(url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def unique(kind: str) -> str:
    return f"ann_{kind}_{uuid.uuid4().hex[:10]}"


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, migrated annotator database (as the server's user), dropped after
    along with every role the test created on it (named by ``unique``)."""
    from annotator.store import open_store

    name = unique("db")
    server_engine = _admin()
    try:
        with server_engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no server: skip, as the pg fixtures do
        server_engine.dispose()
        pytest.skip(f"PostgreSQL at {server()}: {exc}")
    try:
        open_store(url(name)).dispose()
        yield url(name)
    finally:
        _drop_roles(name)
        with server_engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server_engine.dispose()


def _drop_roles(database: str) -> None:
    """Drop the login roles made for people of ``database`` (their names are its people's)."""
    engine = create_engine(url(database), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            names = connection.exec_driver_sql(
                "SELECT a.name FROM annotator a JOIN pg_roles r ON r.rolname = a.name"
            ).scalars()
            for name in list(names):
                team_postgres.drop_login(connection, name)
    finally:
        engine.dispose()
