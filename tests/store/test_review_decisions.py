"""The reviewer's decisions in the store: in native files both ways, refused in words when a
file gets them wrong, and a v8 database gains their table (after a backup)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from annotator.core.errors import InputError
from annotator.core.relations import SPEAKER
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.decisions import decisions_of
from annotator.store.engine import reading
from annotator.store.gold_links import decide_links
from annotator.store.migrations import SCHEMA_VERSION, migration_backups
from annotator.store.review import reject_all
from tests.crowd import TEXT, add_crowd, words
from tests.formats.helpers import export_to
from tests.schema_rollback import roll_back

PARAMOUNT = words(TEXT, "Paramount", "agency")
QUOTE = words(TEXT, "«no es justo»", "quote")


def _decisions(engine, doc: int):
    with reading(engine) as connection:
        return decisions_of(connection, doc)


def _decided(engine) -> int:
    doc = add_crowd(engine)
    reject_all(engine, doc, PARAMOUNT.start, PARAMOUNT.end, record=(PARAMOUNT.start, 120))
    decide_links(engine, doc, QUOTE.key, SPEAKER, [])
    return doc


def test_native_files_carry_the_decisions(engine, tmp_path) -> None:
    doc = _decided(engine)
    expected = _decisions(engine, doc)
    assert expected.groups == {(PARAMOUNT.start, 120)}
    assert expected.links == {(QUOTE.key, SPEAKER)}
    path = tmp_path / "all.jsonl"
    export_to(engine, path, "native")
    other = open_store(tmp_path / "other.db")
    try:
        import_paths(other, [path], annotator="importer")
        import_paths(other, [path], annotator="importer")  # again: nothing twice
        assert _decisions(other, 1) == expected
    finally:
        other.dispose()


@pytest.mark.parametrize(
    ("decisions", "reason"),
    [
        ({"start": 0}, "field 'decisions' must be a list"),
        ([{"start": 5, "end": 2}], "decision 0"),
        ([{"start": 0, "end": 3, "relation": "speaker"}], "decision 0"),
    ],
)
def test_a_file_with_bad_decisions_is_refused_in_words(engine, tmp_path, decisions, reason):
    _decided(engine)
    path = tmp_path / "all.jsonl"
    export_to(engine, path, "native")
    header, line = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    record["decisions"] = decisions
    path.write_text(header + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    other = open_store(tmp_path / "other.db")
    try:
        with pytest.raises(InputError) as refused:
            import_paths(other, [path], annotator="importer")
        message = str(refused.value)
        assert message.startswith(f"{path}:2: ") and reason in message
        assert "\n" not in message
    finally:
        other.dispose()


@pytest.mark.sqlite_only  # reason: rolls a SQLite file back to version 8 by hand
def test_a_v8_database_is_backed_up_and_gains_the_decisions_table(db_path) -> None:
    engine = open_store(db_path)
    doc = add_crowd(engine)
    engine.dispose()
    roll_back(db_path, 8)
    engine = open_store(db_path)
    try:
        reject_all(engine, doc, PARAMOUNT.start, PARAMOUNT.end, record=(0, 9))
        assert _decisions(engine, doc).groups == {(0, 9)}
    finally:
        engine.dispose()
    (backup,) = migration_backups(db_path)
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("8",)
    copy.close()
    raw = sqlite3.connect(db_path)
    version = raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    raw.close()
    assert version == (str(SCHEMA_VERSION),)
