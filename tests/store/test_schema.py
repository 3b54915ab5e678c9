from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import Label
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.labels import delete_label, get_schema, save_label
from annotator.store.migrations import SCHEMA_VERSION, migrate
from annotator.store.spans import add_span


def test_new_database_is_wal_with_foreign_keys_and_the_default_labels(engine, db_path) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert get_schema(engine).names == ["actor", "agency", "location", "figure", "quote"]
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    raw.close()


def test_labels_grow_and_a_label_in_use_cannot_be_deleted(engine, seed_document) -> None:
    save_label(engine, Label("weapon", "#aa3344", "6", "Arms and munitions."))
    save_label(engine, Label("actor", "#112233", "1", "Changed guideline."))
    schema = get_schema(engine)
    assert schema.names[-1] == "weapon" and schema["actor"].color == "#112233"
    with pytest.raises(InvalidSpan, match="hotkey '1' is used by both"):
        save_label(engine, Label("person", "#112233", "1"))
    doc = add_documents(engine, [seed_document]).ids[0]
    add_span(engine, doc, "ana", Span(0, 2, "weapon"))
    add_span(engine, doc, "ben", Span(0, 2, "weapon"))
    with pytest.raises(InvalidSpan, match="used by 2 spans"):
        delete_label(engine, "weapon")
    save_label(engine, Label("spare", "#445566"))
    delete_label(engine, "spare")
    assert "spare" not in get_schema(engine)


def _stamp(engine, version: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
        )


def test_older_database_is_backed_up_then_migrated_step_by_step(db_path, seed_document) -> None:
    engine = open_store(db_path)
    add_documents(engine, [seed_document])
    found = SCHEMA_VERSION - 1
    _stamp(engine, found)
    applied = []

    def step(connection) -> None:
        applied.append(connection.exec_driver_sql("SELECT count(*) FROM document").scalar())
        connection.exec_driver_sql("CREATE TABLE migrated_marker (x INTEGER)")

    assert migrate(engine, target=found + 1, migrations={found + 1: step}) == found
    assert applied == [1]
    backups = list(db_path.parent.glob(f"{db_path.name}.v{found}-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT count(*) FROM document").fetchone() == (1,)
    assert (
        copy.execute("SELECT name FROM sqlite_master WHERE name='migrated_marker'").fetchall() == []
    )
    copy.close()
    engine.dispose()


def test_a_failing_migration_leaves_the_database_at_its_version(db_path) -> None:
    engine = open_store(db_path)
    _stamp(engine, 0)

    def broken(connection) -> None:
        connection.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(engine, target=1, migrations={1: broken})
    with engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT value FROM meta WHERE key='schema_version'").scalar()
            == "0"
        )
        assert (
            connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name='half_done'"
            ).scalar()
            == 0
        )
    engine.dispose()


def test_newer_schema_is_refused_politely(db_path) -> None:
    engine = open_store(db_path)
    _stamp(engine, SCHEMA_VERSION + 1)
    engine.dispose()
    with pytest.raises(StoreError, match="newer version of annotator"):
        open_store(db_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not an annotator database"):
        open_store(bogus)
