"""A big import merges in short steps: the app's reads never see part of it, its edits get
in between the steps, and a process killed mid-merge leaves nothing once the database is
opened again."""

from __future__ import annotations

import re
import sqlite3
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InputError
from annotator.core.search import TextQuery
from annotator.core.spans import Span
from annotator.formats.exporting import run_steps
from annotator.formats.importing import import_steps
from annotator.store import importing, open_store, pacing
from annotator.store.concordance import concordance
from annotator.store.consistency import consistency_cases
from annotator.store.documents import add_documents, count_documents, document_summaries
from annotator.store.engine import reading
from annotator.store.exporting import workers
from annotator.store.migrations import SCHEMA_VERSION
from annotator.store.search import count_hits, iter_hits
from annotator.store.spans import add_span, document_spans
from annotator.store.stats import corpus_stats
from tests.durability.harness import kill, spawn, wait_for_line
from tests.engines import dump
from tests.formats.test_import_staging import RAID, article, write_articles
from tests.schema_rollback import roll_back


@pytest.fixture
def stepped(monkeypatch) -> None:
    """Every import merges in steps of a few hundred rows, without pauses."""
    monkeypatch.setattr(importing, "STEPPED_FROM", 0)
    monkeypatch.setattr(importing, "FIRST_STEP_ROWS", 300)
    monkeypatch.setattr(pacing, "PAUSE_S", 0.0)
    monkeypatch.setattr(pacing, "STEP_S", 0.0)


def without_generation(lines: list[str]) -> list[str]:
    """A dump without the write counter, which every transaction moves on."""
    return [line for line in lines if "'generation'" not in line]


def merge_begun(steps, database: Path) -> None:
    """Advance an import until its merge has copied spans onto documents not yet there."""
    while True:
        next(steps)
        with closing(sqlite3.connect(database)) as raw:
            if raw.execute(_ORPHANS).fetchone()[0]:
                return


_ORPHANS = "SELECT count(*) FROM span WHERE document_id NOT IN (SELECT id FROM document)"


def visible(engine) -> dict:
    """What the app can read about the whole corpus."""
    with reading(engine) as connection:
        people = workers(connection)
    return {
        "documents": count_documents(engine),
        "listed": [row.id for row in document_summaries(engine, annotator="model")],
        "stats": corpus_stats(engine),
        "workers": people,
        "concordance": [(g.text, g.count) for g in concordance(engine, label="figure")],
        "hits": count_hits(engine, TextQuery("Zoë")),
    }


def test_reads_during_a_stepped_merge_see_all_of_the_import_or_none(
    engine, stepped, tmp_path
) -> None:
    (raid_id,) = add_documents(engine, [Document(text=RAID, title="Raid")]).ids
    add_span(engine, raid_id, "ana", Span(2, 12, "agency"))
    before = visible(engine)
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 300)], annotator="model")
    seen, merged = [], False
    try:
        while True:
            next(steps)
            seen.append(visible(engine))
    except StopIteration as stop:
        summary = stop.value
        merged = True
    after = visible(engine)
    assert merged and summary.documents_added == 300 and summary.spans_added == 1200
    assert after["documents"] == 301 and after["stats"]["spans"] == 1 + 1200
    assert after["workers"] == ["ana", "model"]
    assert after["hits"] == 301
    states = {repr(state) for state in seen}
    assert states <= {repr(before), repr(after)}, "a read saw part of the import"
    if engine.dialect.name == "sqlite":
        assert repr(before) in states, "the merge took no step before its end"


@pytest.mark.sqlite_only  # PostgreSQL merges in one transaction
def test_edits_and_documents_added_between_steps_are_kept_apart_from_the_import(
    engine, database, stepped, tmp_path
) -> None:
    (raid_id,) = add_documents(engine, [Document(text=RAID, title="Raid")]).ids
    brought_by_both, _ = article(7)
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 300)], annotator="model")
    merge_begun(steps, database)
    mine, _ = add_span(engine, raid_id, "ana", Span(46, 55, "location"))
    ids = add_documents(
        engine, [Document(text=brought_by_both, title="7"), Document(text="Meanwhile.", title="M")]
    ).ids
    summary = run_steps(steps)
    assert (summary.documents_added, summary.documents_existing) == (299, 1)
    assert summary.spans_added == 1200
    assert [s.id for s in document_spans(engine, raid_id, "ana")] == [mine.id]
    assert len(document_spans(engine, ids[0], "model")) == 4
    listed = document_summaries(engine, annotator="model")
    assert len(listed) == 302 and len({row.id for row in listed}) == 302
    assert sum(row.spans for row in listed) == 1200
    assert corpus_stats(engine)["spans"] == 1201


CHILD = textwrap.dedent(
    """
    import sys, time
    from annotator.formats.importing import import_paths
    from annotator.store import importing, open_store, pacing

    importing.STEPPED_FROM, importing.FIRST_STEP_ROWS = 0, 300
    pacing.PAUSE_S = pacing.STEP_S = 0.0
    done = pacing.Pace.done
    steps = [0]

    def stop_after_two(pace, rows):
        done(pace, rows)
        steps[0] += 1
        if steps[0] == 2:
            print("merging", flush=True)
            time.sleep(600)

    pacing.Pace.done = stop_after_two
    import_paths(open_store(sys.argv[1]), [sys.argv[2]], annotator="model", add_missing_labels=True)
    """
)


@pytest.mark.sqlite_only  # PostgreSQL merges in one transaction, which a kill rolls back
def test_an_import_killed_mid_merge_leaves_the_database_as_it_was(
    engine, database, tmp_path
) -> None:
    (raid_id,) = add_documents(engine, [Document(text=RAID, title="Raid")]).ids
    add_span(engine, raid_id, "ana", Span(2, 12, "agency"))
    engine.dispose()
    before = without_generation(dump(database))
    lines = [
        line.replace('"agency"', '"agency2"') if n % 2 else line
        for n, line in enumerate(write_articles(tmp_path / "a.jsonl", 400).read_text().splitlines())
    ]
    source = tmp_path / "b.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = tmp_path / "child.log"
    child = spawn(["-c", CHILD, str(database), str(source)], log)
    wait_for_line(child, log, "merging")
    kill(child)
    with closing(sqlite3.connect(database)) as raw:
        orphans = raw.execute(_ORPHANS).fetchone()[0]
        reserved = raw.execute("SELECT count(*) FROM import_reservation").fetchone()[0]
    assert orphans >= 600 and reserved == 1, "the child died between steps of its merge"
    reopened = open_store(database)
    try:
        assert count_documents(reopened) == 1
        assert corpus_stats(reopened)["annotators"] == {"ana": 1}
        assert not consistency_cases(reopened)
    finally:
        reopened.dispose()
    assert without_generation(dump(database)) == before


@pytest.mark.sqlite_only  # PostgreSQL merges in one transaction
def test_an_import_stopped_mid_merge_takes_back_what_it_copied(
    engine, database, stepped, tmp_path
) -> None:
    add_documents(engine, [Document(text=RAID, title="Raid")])
    before = without_generation(dump(database))
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 300)], annotator="model")
    merge_begun(steps, database)
    steps.close()
    assert without_generation(dump(database)) == before
    summary = run_steps(import_steps(engine, [tmp_path / "a.jsonl"], annotator="model"))
    assert (summary.documents_added, summary.spans_added) == (300, 1200)


@pytest.mark.sqlite_only  # PostgreSQL merges in one transaction
def test_search_is_exact_while_imported_texts_wait_to_be_indexed(engine, stepped, tmp_path) -> None:
    add_documents(engine, [Document(text=RAID + " Zoë again.", title="Raid")])
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 300)], annotator="model")
    checked = 0
    try:
        while True:
            next(steps)
            with reading(engine) as connection:
                pending = connection.exec_driver_sql(
                    "SELECT count(*) FROM document_text_pending"
                ).scalar()
            for needle in ("Zoë", "Nº 12 ", "🚨 ICE", "again"):
                found = [
                    (h.document_id, h.start, h.end) for h in iter_hits(engine, TextQuery(needle))
                ]
                assert found == _scanned(engine, needle)
                assert count_hits(engine, TextQuery(needle)) == len(found)
            checked += bool(pending)
    except StopIteration:
        pass
    assert checked, "no search ran while texts waited to be indexed"


def _scanned(engine, needle: str) -> list[tuple[int, int, int]]:
    """Every occurrence of ``needle``, by a plain Python scan of every text."""
    with reading(engine) as connection:
        rows = connection.exec_driver_sql("SELECT id, text FROM document ORDER BY id").all()
    return [
        (document_id, m.start(), m.end())
        for document_id, text in rows
        for m in re.finditer(re.escape(needle), text)
    ]


@pytest.mark.sqlite_only  # the reservations and the pending list are SQLite's
def test_a_v8_database_gains_import_reservations_and_imports_in_steps(
    database, stepped, tmp_path
) -> None:
    engine = open_store(database)
    add_documents(engine, [Document(text=RAID, title="Raid")])
    engine.dispose()
    roll_back(str(database), 8)
    engine = open_store(database)
    try:
        steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 50)], annotator="m")
        merge_begun(steps, database)
        summary = run_steps(steps)
        assert (summary.documents_added, summary.spans_added) == (50, 200)
        assert count_hits(engine, TextQuery("Nº 49 ")) == 1
    finally:
        engine.dispose()
    with closing(sqlite3.connect(database)) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
        assert raw.execute("SELECT count(*) FROM document_text_pending").fetchone() == (0,)


def _left_to_index(database: Path) -> int:
    with closing(sqlite3.connect(database)) as raw:
        return raw.execute("SELECT count(*) FROM document_text_pending").fetchone()[0]


@pytest.mark.sqlite_only  # the pending list is SQLite's
def test_texts_left_unindexed_by_a_stopped_import_are_searched_then_indexed_by_the_next(
    engine, database, stepped, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("annotator.store.indexing.Pace", lambda size, least: pacing.Pace(5, 5))
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 60)], annotator="m")
    while count_documents(engine) == 0 or _left_to_index(database) == 60:
        next(steps)
    steps.close()
    assert count_documents(engine) == 60 and 0 < _left_to_index(database) < 60
    found = [(hit.document_id, hit.start) for hit in iter_hits(engine, TextQuery("Nº 5"))]
    assert found == [(d, s) for d, s, _ in _scanned(engine, "Nº 5")] and len(found) == 11
    again = run_steps(
        import_steps(engine, [write_articles(tmp_path / "b.jsonl", 2)], annotator="other")
    )
    assert again.documents_added == 0
    assert _left_to_index(database) == 0
    assert count_hits(engine, TextQuery("Nº 5")) == 11


@pytest.mark.sqlite_only  # PostgreSQL merges in one transaction
def test_a_label_gone_after_the_merge_began_is_named_and_the_import_taken_back(
    engine, database, stepped, tmp_path
) -> None:
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 100)], annotator="m")
    merge_begun(steps, database)
    with closing(sqlite3.connect(database)) as raw:  # around the store's check of labels in use
        raw.execute("DELETE FROM label WHERE name = 'quote'")
        raw.commit()
    with pytest.raises(InputError) as caught:
        run_steps(steps)
    assert str(caught.value).endswith("the label 'quote' was deleted while the import ran")
    assert count_documents(engine) == 0
    with closing(sqlite3.connect(database)) as raw:
        assert raw.execute("SELECT count(*) FROM span").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM import_reservation").fetchone() == (0,)
