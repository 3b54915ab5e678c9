"""A v2 database (before the text index) is backed up, migrated, and its texts searchable;
a v4 one (an index kept by a trigger per row) keeps its index and indexes in bulk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from annotator.core.documents import Document
from annotator.core.search import TextQuery
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.migrations import SCHEMA_VERSION, migrate, migration_backups
from annotator.store.search import count_hits, search_page
from annotator.store.spans import document_spans

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WHEN = "2025-06-07 10:00:00.000000"
TEXTS = ["ICE raid in Paramount 🚨", "Zürich: ICE again, and Straße"]


def _v2_database(path: Path) -> None:
    raw = sqlite3.connect(path)
    for version in ("schema_v1.sql", "schema_v2.sql"):  # v2 holds what v2 added to v1
        raw.executescript((FIXTURES / version).read_text(encoding="utf-8"))
    raw.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    raw.execute("INSERT INTO label VALUES (1, 'agency', '#e8833a', '2', '', 0)")
    raw.executemany(
        "INSERT INTO document VALUES (?, ?, ?, ?, ?, '', '{}', ?)",
        [(i + 1, f"t{i}", text, len(text), f"sha{i}", WHEN) for i, text in enumerate(TEXTS)],
    )
    raw.execute("INSERT INTO annotator VALUES (1, 'ana', ?)", (WHEN,))
    raw.execute("INSERT INTO span VALUES (1, 1, 1, 1, 0, 3, 'manual', ?, ?)", (WHEN, WHEN))
    raw.commit()
    raw.close()


def test_a_v2_database_gets_its_text_index_filled(tmp_path) -> None:
    path = tmp_path / "team.db"
    _v2_database(path)
    engine = open_store(path)
    try:
        assert count_hits(engine, TextQuery("ice")) == 2
        assert [
            (h.document_id, h.start, h.labels) for h in search_page(engine, TextQuery("ICE"))
        ] == [
            (1, 0, ("agency",)),
            (2, 8, ()),
        ]
        assert count_hits(engine, TextQuery("zürich")) == 1
        assert [s.label for s in document_spans(engine, 1)] == ["agency"]
    finally:
        engine.dispose()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    indexed = raw.execute(
        "SELECT rowid FROM document_text_index WHERE document_text_index MATCH '\"rai\"'"
    ).fetchall()
    assert indexed == [(1,)]
    raw.close()
    (backup,) = migration_backups(path)
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("2",)
    assert copy.execute("SELECT count(*) FROM document").fetchone() == (2,)
    copy.close()


_V4_TRIGGERS = (
    "CREATE TRIGGER document_text_index_insert AFTER INSERT ON document BEGIN "
    "INSERT INTO document_text_index(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER document_text_index_delete AFTER DELETE ON document BEGIN "
    "INSERT INTO document_text_index(document_text_index, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
)


def test_a_v4_database_moves_to_indexing_in_bulk(tmp_path) -> None:
    """v4 kept the index with a trigger per row; v5 keeps the index and indexes new texts
    when a write commits."""
    path = tmp_path / "team.db"
    _v2_database(path)
    migrate(create_engine(f"sqlite:///{path}"), target=4)
    raw = sqlite3.connect(path)
    raw.execute("DROP TABLE document_text_pending")
    for name in ("insert", "delete", "update"):
        raw.execute(f"DROP TRIGGER document_text_index_{name}")
    for trigger in _V4_TRIGGERS:
        raw.execute(trigger)
    raw.execute(
        "INSERT INTO document VALUES (3, 't3', 'Another ICE raid', 16, 'sha3', '', '{}', ?)",
        (WHEN,),
    )
    raw.commit()
    raw.close()
    engine = open_store(path)
    try:
        assert count_hits(engine, TextQuery("raid")) == 2
        add_documents(engine, [Document(text="A raid in Downey", title="t4")])
        assert [h.document_id for h in search_page(engine, TextQuery("RAID"))] == [1, 3, 4]
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM document WHERE id = 1")
            check = connection.exec_driver_sql(
                "INSERT INTO document_text_index(document_text_index, rank) "
                "VALUES ('integrity-check', 1)"
            )
            check.close()
        assert count_hits(engine, TextQuery("raid")) == 2
    finally:
        engine.dispose()
