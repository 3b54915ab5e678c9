"""Running the store's tests on both engines: SQLite always, PostgreSQL when
``ANNOTATOR_TEST_PG`` names a server (``postgresql://user@host:port``).

Each PostgreSQL test gets a database of its own, created for it and dropped after it, with
a name no one else uses (tests may run while other people use the server). New databases
are copied from a template migrated once per test run, which is faster than creating the
tables anew for every test, by a thread that keeps the next ones ready and drops the used
ones while the tests run.
"""

from __future__ import annotations

import itertools
import os
import queue
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

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


def _without_waiting_for_disk(url: str) -> None:
    """Commits in ``url`` return before the server has flushed them to disk: a test database
    lives for one test, and a crash of the server (not of a client) is all it would risk."""
    engine = create_engine(
        postgres.driver_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as connection:
            name = url.rsplit("/", 1)[1]
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        engine.dispose()


class Databases:
    """Fresh databases copied from ``template``: one worker thread creates them ahead of the
    tests that take them and drops them behind, so the server does that work while tests
    run."""

    AHEAD = 2
    _Job = tuple[str, str] | None  # ("create" or "drop", url); None stops the worker

    def __init__(self, template: str) -> None:
        self.template = template
        self._jobs: queue.Queue[Databases._Job] = queue.Queue()
        self._ready: queue.Queue[str | Exception] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="test databases", daemon=True)
        self._worker.start()
        for _ in range(self.AHEAD):
            self._order()

    def _order(self) -> None:
        self._jobs.put(("create", database_url(unique_name("test"))))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            kind, url = job
            try:
                if kind == "create":
                    postgres.create_database(url, template=self.template)
                    _without_waiting_for_disk(url)
                    self._ready.put(url)
                else:
                    postgres.drop_database(url)
            except Exception as exc:
                if kind == "create":
                    self._ready.put(exc)

    def fresh(self) -> Iterator[str]:
        """A new database for one test, dropped after it."""
        self._order()
        url = self._ready.get(timeout=300)
        if isinstance(url, Exception):
            raise url
        try:
            yield url
        finally:
            self._jobs.put(("drop", url))

    def close(self) -> None:
        """Drop every database made, once the worker has finished what it was given."""
        self._jobs.put(None)
        self._worker.join()
        while not self._ready.empty():
            url = self._ready.get()
            if isinstance(url, str):
                postgres.drop_database(url)


def databases() -> Iterator[Databases]:
    """Fresh databases for a test run (session-wide); skips without a server."""
    if server() is None:
        pytest.skip(f"PostgreSQL: set {VARIABLE}=postgresql://user@host:port to run on it too")
    reason = _reason_unreachable(database_url("postgres"))
    if reason:
        pytest.skip(f"PostgreSQL at {server()}: {reason}")
    url = database_url(unique_name("template"))
    postgres.create_database(url)
    made = None
    try:
        open_store(url).dispose()
        made = Databases(url)
        yield made
    finally:
        if made is not None:
            made.close()
        postgres.drop_database(url)


def empty_database() -> Iterator[str]:
    """A new empty database (no tables), dropped when the test ends."""
    url = database_url(unique_name("empty"))
    postgres.create_database(url)
    try:
        yield url
    finally:
        postgres.drop_database(url)


def rows(db: str | Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` on either engine, read outside the store."""
    if "://" not in str(db):
        with closing(sqlite3.connect(db)) as connection:
            return connection.execute(sql).fetchall()
    engine = create_engine(postgres.driver_url(str(db)), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def dump(db: str | Path) -> list[str]:
    """Everything the database holds, in a stable order: equal dumps, equal databases. A
    SQLite file dumps as the statements that rebuild it; a PostgreSQL database as its
    tables' rows in key order."""
    if "://" not in str(db):
        with closing(sqlite3.connect(db)) as connection:
            return list(connection.iterdump())
    engine = create_engine(postgres.driver_url(str(db)), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            lines = []
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns))
                lines.extend(f"{table.name} {tuple(row)!r}" for row in rows)
            return lines
    finally:
        engine.dispose()
