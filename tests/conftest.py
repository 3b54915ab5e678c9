"""Shared fixtures: every test gets its own database, settings and data folders; Qt offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from annotator.core.documents import Document, document_from_article
from annotator.store import open_store
from tests import engines

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_e45a074a2e800fce.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run the long on-demand tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: use --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, data folders and the default database all point into the test's tmp dir."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The store's tests that take a database run on SQLite and on PostgreSQL."""
    wanted = {"engine", "database"} & set(metafunc.fixturenames)
    where = Path(metafunc.definition.path).relative_to(Path(__file__).parents[1]).as_posix()
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only")
    if wanted and where.startswith(engines.BOTH_ENGINES) and not sqlite_only:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The engine a test runs on: ``sqlite`` unless parametrised (see engines.py)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[engines.Databases]:
    yield from engines.databases()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def database(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[str | Path]:
    """What ``--db`` names for this test: a SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield db_path
    else:
        yield from request.getfixturevalue("pg_databases").fresh()


@pytest.fixture
def engine(database: str | Path) -> Iterator[Engine]:
    engine = open_store(database)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_document() -> Document:
    return document_from_article(SEED.read_text(encoding="utf-8"), source=SEED.name)
