from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import Label
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.gold_links import GoldLink, decide_links
from annotator.store.labels import delete_label, get_schema, save_label
from annotator.store.migrations import SCHEMA_VERSION, migrate
from annotator.store.notes import document_notes
from annotator.store.relations import add_link, document_links
from annotator.store.spans import add_span, document_spans


@pytest.mark.sqlite_only
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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WHEN = "2025-06-07 10:00:00.000000"


def _v2_database(path: Path, labels: list[str]) -> None:
    """A database as version 2 wrote it: ana's quote, speaker and a note on the quote."""
    raw = sqlite3.connect(path)
    for version in ("schema_v1.sql", "schema_v2.sql"):  # v2 holds what v2 added to v1
        raw.executescript((FIXTURES / version).read_text(encoding="utf-8"))
    raw.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    raw.executemany(
        "INSERT INTO label (id, name, color, hotkey, guideline, position)"
        " VALUES (?, ?, '#aa3344', '', '', ?)",
        [(n + 1, name, n) for n, name in enumerate(labels)],
    )
    text_ = "“Go home,” said Ms Bass."
    raw.execute(
        "INSERT INTO document VALUES (1, 'Bass', ?, ?, 'a1', '', '{}', ?)",
        (text_, len(text_), WHEN),
    )
    raw.execute("INSERT INTO annotator VALUES (1, 'ana', ?)", (WHEN,))
    raw.executemany(
        "INSERT INTO span VALUES (?, 1, 1, ?, ?, ?, 'manual', ?, ?)",
        [(1, labels.index("quote") + 1, 1, 8, WHEN, WHEN), (2, 1, 16, 23, WHEN, WHEN)],
    )
    raw.execute("INSERT INTO note VALUES (1, 1, 1, 1, 'check the speaker', ?, ?)", (WHEN, WHEN))
    raw.commit()
    raw.close()


def test_a_v2_database_is_backed_up_and_gains_links_and_gold_links(tmp_path) -> None:
    path = tmp_path / "team.db"
    _v2_database(path, ["actor", "agency", "quote"])
    engine = open_store(path)
    assert [(s.start, s.end, s.label) for s in document_spans(engine, 1)] == [
        (1, 8, "quote"),
        (16, 23, "actor"),
    ]
    assert [n.text for n in document_notes(engine, 1)] == ["check the speaker"]
    speaker = get_schema(engine).relations[SPEAKER]
    assert (speaker.heads, speaker.children) == (("quote",), ("actor", "agency"))
    link, _ = add_link(engine, 1, "ana", Link(1, 2, SPEAKER))
    assert document_links(engine, 1) == [link]
    quote, speaker = (1, 8, "quote"), (16, 23, "actor")
    gold = decide_links(engine, 1, quote, SPEAKER, [GoldLink(quote, speaker, SPEAKER, ("ana",))])
    assert [x.sources for x in gold.added] == [("ana",)]  # v7: gold links keep their provenance
    engine.dispose()
    backups = list(tmp_path.glob("team.db.v2-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    for table in ("relation", "relation_source"):
        found = copy.execute("SELECT name FROM sqlite_master WHERE name=?", (table,)).fetchall()
        assert found == []
    assert copy.execute("SELECT count(*) FROM span").fetchone() == (2,)
    copy.close()


def test_a_v2_project_without_agencies_gets_a_speaker_relation_to_actors_only(tmp_path) -> None:
    path = tmp_path / "team.db"
    _v2_database(path, ["actor", "quote"])
    engine = open_store(path)
    speaker = get_schema(engine).relations[SPEAKER]
    assert (speaker.heads, speaker.children) == (("quote",), ("actor",))
    engine.dispose()
    path.unlink()
    _v2_database(path, ["person", "quote"])
    engine = open_store(path)
    assert get_schema(engine).relations == {}
    with pytest.raises(InvalidSpan, match="no relation 'speaker'"):
        add_link(engine, 1, "ana", Link(1, 2, SPEAKER))
    engine.dispose()
