"""Running the store's tests on both engines: SQLite always, PostgreSQL when
``ANNOTATOR_TEST_PG`` names a server (``postgresql://user@host:port``).

Each PostgreSQL test gets a database of its own, created for it and dropped after it, with
a name no one else uses (tests may run while other people use the server). New databases
are copied from a template migrated once per test run, which is several times faster than
creating the tables anew for every test.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import pytest

from annotator.store import open_store, postgres

VARIABLE = "ANNOTATOR_TEST_PG"
# The tests of these folders and files run on both engines when they take `engine` or
# `database`; the UI's tests stay on SQLite.
BOTH_ENGINES = (
    "tests/store/",
    "tests/formats/",
    "tests/durability/",
    "tests/search/",
    "tests/session/test_review_session.py",
    "tests/test_migrate.py",
)
_RUN = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
_COUNT = itertools.count(1)


def server() -> str | None:
    return os.environ.get(VARIABLE) or None


def database_url(name: str) -> str:
    base = (server() or "").rstrip("/")
    return f"{base}/{name}"


def unique_name(kind: str) -> str:
    return f"annotator_{kind}_{_RUN}_{next(_COUNT)}"


def _reason_unreachable(url: str) -> str | None:
    import psycopg

    try:
        psycopg.connect(postgres.driver_url(url).replace("+psycopg", ""), connect_timeout=3).close()
    except psycopg.Error as exc:
        return postgres.describe(str(exc), url)
    return None


def template() -> Iterator[str]:
    """A migrated empty database to copy (session-wide); skips without a server."""
    if server() is None:
        pytest.skip(f"PostgreSQL: set {VARIABLE}=postgresql://user@host:port to run on it too")
    reason = _reason_unreachable(database_url("postgres"))
    if reason:
        pytest.skip(f"PostgreSQL at {server()}: {reason}")
    url = database_url(unique_name("template"))
    postgres.create_database(url)
    try:
        open_store(url).dispose()
        yield url
    finally:
        postgres.drop_database(url)


def fresh_database(template_url: str) -> Iterator[str]:
    """A new database copied from ``template_url``, dropped when the test ends."""
    url = database_url(unique_name("test"))
    postgres.create_database(url, template=template_url)
    try:
        yield url
    finally:
        postgres.drop_database(url)
