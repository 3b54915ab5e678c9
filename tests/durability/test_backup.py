"""Backups: ``annotator backup`` copies a live database consistently, and migrations keep a
rolling set of copies."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.backup import backup_database
from annotator.store.documents import add_documents
from annotator.store.meta import set_meta
from annotator.store.migrations import KEEP_BACKUPS, migrate, migration_backups
from annotator.store.spans import document_spans
from tests.durability.figures import add
from tests.durability.harness import (
    ROOT,
    Log,
    apply,
    dump,
    integrity,
    kill,
    spans_in,
    spawn_child,
    wait_for_line,
)


def states(log: Log, start: dict) -> list[dict]:
    """Every state the database passed through: after each acknowledged edit, and with the
    edit that was committing when the log was read."""
    found = [start]
    for edit in log.acks:
        found.append(apply(found[-1], edit))
    return found


def backups_while_editing(db: Path, document_id: int, copies: int, work: Path) -> int:
    """Take ``copies`` backups while another process edits; each must be a state the
    database really had. Returns the edits made meanwhile."""
    rng = random.Random(copies)
    start = spans_in(db)
    log_path = work / "editor.log"
    editor = spawn_child(["edits", db, document_id, 11], log_path)
    engine = open_store(db)
    taken = []
    try:
        wait_for_line(editor, log_path, "ready")
        for n in range(copies):
            time.sleep(rng.uniform(0, 0.2))
            taken.append(backup_database(engine, work / f"copy-{n}.db"))
        time.sleep(0.3)  # the edit committing during the last copy is acknowledged by now
    finally:
        engine.dispose()
        kill(editor)
    log = Log.read(log_path)
    history = states(log, start)
    if log.pending and log.pending["op"] != "add":
        history.append(apply(history[-1], log.pending))
    seen = []
    for copy in taken:
        assert integrity(copy) == "ok"
        found = spans_in(copy)
        assert found in history, f"{copy.name} is not a state the database had"
        seen.append(history.index(found))
    assert seen == sorted(seen), "a later copy holds an older state"
    assert len(set(seen)) > 1, "the editor made no edits while the copies were taken"
    return log.edits


@pytest.fixture
def live_db(db_path: Path, seed_document: Document) -> tuple[Path, int]:
    engine = open_store(db_path)
    document_id = add_documents(engine, [seed_document]).ids[0]
    engine.dispose()
    return db_path, document_id


def test_backups_taken_while_another_program_writes_are_consistent(
    live_db: tuple[Path, int], tmp_path: Path
) -> None:
    db, document_id = live_db
    edits = backups_while_editing(db, document_id, copies=5, work=tmp_path)
    add(**{"backups taken during edits, all consistent": 5})
    assert edits > 0


@pytest.mark.slow
def test_many_backups_while_writing(live_db: tuple[Path, int], tmp_path: Path) -> None:
    db, document_id = live_db
    backups_while_editing(db, document_id, copies=100, work=tmp_path)
    add(**{"backups taken during edits, all consistent": 100})


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_the_backup_command_honours_db_and_the_environment(
    live_db: tuple[Path, int], tmp_path: Path
) -> None:
    db, document_id = live_db
    copy = tmp_path / "backups" / "monday.db"
    result = run_cli("--db", str(db), "backup", str(copy))
    assert result.returncode == 0, result.stderr
    assert f"to {copy}" in result.stdout
    folder = tmp_path / "nightly"
    folder.mkdir()
    result = run_cli("backup", str(folder), env={"ANNOTATOR_DB": str(db)})
    assert result.returncode == 0, result.stderr
    (dated,) = folder.iterdir()
    assert dated.name.startswith(db.stem + "-")
    for made in (copy, dated):
        assert dump(made) == dump(db)
        assert not made.with_name(made.name + "-wal").exists()
        engine = open_store(made)
        assert document_spans(engine, document_id) == []
        engine.dispose()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["monday.db"]


@pytest.mark.parametrize("problem", ["itself", "no database", "not writable"])
def test_the_backup_command_refuses_in_one_line(
    live_db: tuple[Path, int], tmp_path: Path, problem: str
) -> None:
    db, _ = live_db
    target = {
        "itself": db,
        "no database": tmp_path / "copy.db",
        "not writable": Path("/proc/annotator-copy.db"),
    }[problem]
    source = tmp_path / "missing.db" if problem == "no database" else db
    before = dump(db)
    result = run_cli("--db", str(source), "backup", str(target))
    assert result.returncode == 1
    assert result.stderr.startswith("annotator: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert dump(db) == before
    assert not (tmp_path / "missing.db").exists()


def older(engine: Engine, version: int) -> None:
    with engine.begin() as connection:
        set_meta(connection, "schema_version", str(version))


@pytest.mark.sqlite_only
def test_migrations_keep_a_rolling_set_of_backups(engine: Engine, db_path: Path) -> None:
    add_documents(engine, [Document(text="Kept in every copy.", title="Kept")])
    made = []
    for round_ in range(KEEP_BACKUPS + 3):
        older(engine, 1)
        add_documents(engine, [Document(text=f"Written before migration {round_}.", title="x")])
        migrate(engine, target=2, migrations={2: lambda connection: None})
        made.append(migration_backups(db_path)[-1])
        time.sleep(0.001)
    kept = migration_backups(db_path)
    assert kept == made[-KEEP_BACKUPS:]
    for round_, copy in enumerate(kept, start=len(made) - KEEP_BACKUPS):
        assert integrity(copy) == "ok"
        with closing(sqlite3.connect(copy)) as connection:
            texts = {row[0] for row in connection.execute("SELECT text FROM document")}
        assert f"Written before migration {round_}." in texts
        assert f"Written before migration {round_ + 1}." not in texts
