"""A v2 database (before the text index) is backed up, migrated, and its texts searchable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.search import TextQuery
from annotator.store import open_store
from annotator.store.migrations import SCHEMA_VERSION, migration_backups
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
