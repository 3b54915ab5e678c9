"""A big import stages its rows and holds the write lock only for the final copy: the app's
edits commit meanwhile, and the import stays all or nothing and idempotent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from annotator.core.documents import Document
from annotator.core.errors import InputError
from annotator.core.spans import Span
from annotator.formats import importing
from annotator.formats.exporting import run_steps
from annotator.formats.importing import ImportSummary, import_paths, import_steps
from annotator.store import open_store
from annotator.store.documents import add_documents, count_documents, document_summaries
from annotator.store.labels import delete_label, get_schema
from annotator.store.spans import add_span, document_spans
from annotator.store.stats import corpus_stats
from annotator.store.status import get_status
from tests.engines import dump

RAID = (
    "🚨 ICE agents arrested “at least 44 people” in Paramount, the mayor said.\r\nZoë Chen spoke."
)
#: (start, end, label) over RAID: nested (a figure inside a quote) and overlapping spans
RAID_SPANS = [(2, 12, "agency"), (22, 42, "quote"), (23, 41, "figure"), (46, 55, "location")]


def article(n: int) -> tuple[str, list[tuple[int, int, str]]]:
    """Article ``n``: non-ASCII text with nested and overlapping spans."""
    head = f"Nº {n} — "
    text = head + RAID
    shift = len(head)
    return text, [(s + shift, e + shift, label) for s, e, label in RAID_SPANS]


def write_articles(path: Path, count: int, tail: list[dict] | None = None) -> Path:
    lines = []
    for n in range(count):
        text, spans = article(n)
        lines.append({"text": text, "label": [list(s) for s in spans]})
    lines.extend(tail or [])
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    return path


@pytest.fixture
def impatient(database: str | Path, engine: Engine) -> Iterator[Engine]:
    """The app's store on the same database, with no busy timeout: an edit that finds the
    database locked fails at once instead of waiting."""
    other = open_store(database)
    wait = "PRAGMA busy_timeout = 0" if other.dialect.name == "sqlite" else "SET lock_timeout = 1"

    @event.listens_for(other, "connect")
    def _no_waiting(dbapi_connection, _record) -> None:
        dbapi_connection.execute(wait)

    other.dispose()
    yield other
    other.dispose()


def staging_begun(steps: Iterator) -> None:
    """Advance the import until it is writing (staging) records."""
    while True:
        progress = next(steps)
        if progress.done > progress.total // 2 + 20:
            return


def test_edits_commit_while_an_import_is_writing_and_both_are_kept(
    engine, impatient, tmp_path
) -> None:
    (raid_id,) = add_documents(engine, [Document(text=RAID, title="Raid")]).ids
    brought_by_both, _ = article(399)
    path = write_articles(
        tmp_path / "big.jsonl",
        400,
        tail=[{"text": RAID, "label": [list(s) for s in RAID_SPANS]}],
    )
    steps = import_steps(engine, [path], annotator="model")
    staging_begun(steps)

    mine, _ = add_span(impatient, raid_id, "ana", Span(46, 55, "actor"))
    same, _ = add_span(impatient, raid_id, "model", Span(2, 12, "agency"))
    meanwhile = Document(text=brought_by_both, title="Nº 399")
    (added_meanwhile,) = add_documents(impatient, [meanwhile]).ids
    summary = run_steps(steps)

    assert isinstance(summary, ImportSummary)
    assert mine is not None and same is not None
    assert (summary.documents_added, summary.documents_existing) == (399, 2)
    assert (summary.spans_added, summary.spans_existing) == (401 * 4 - 1, 1)
    model = [(RAID[s.start : s.end], s.label) for s in document_spans(engine, raid_id, "model")]
    assert model == [(RAID[s:e], label) for s, e, label in RAID_SPANS]
    assert [s.id for s in document_spans(engine, raid_id, "ana")] == [mine.id]
    assert len(document_spans(engine, added_meanwhile, "model")) == 4
    assert count_documents(engine) == 401
    assert corpus_stats(engine)["annotators"] == {"ana": 1, "model": 401 * 4}


def test_a_bad_line_late_in_a_big_file_leaves_the_database_as_it_was(
    engine, database, tmp_path, monkeypatch
) -> None:
    import_paths(engine, [write_articles(tmp_path / "first.jsonl", 3)], annotator="ana")
    before = dump(database)
    text, _ = article(1000)
    bad = {"text": text, "label": [[0, len(text) + 1, "agency"]]}
    path = write_articles(tmp_path / "late.jsonl", 600, tail=[bad])
    monkeypatch.setattr(importing, "KEEP_SPANS", 50)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="model")
    assert f"{path}:601: label 0: end {len(text) + 1} is past the end of the text" in str(
        caught.value
    )
    assert dump(database) == before


def test_importing_the_same_file_again_adds_and_changes_nothing(engine, tmp_path) -> None:
    path = write_articles(tmp_path / "articles.jsonl", 250)
    first = import_paths(engine, [path], annotator="model")
    listed = document_summaries(engine, annotator="model")
    again = import_paths(engine, [path], annotator="model")
    assert (first.documents_added, first.spans_added) == (250, 1000)
    assert dict(first.spans_per_label) == {
        "agency": 250,
        "quote": 250,
        "figure": 250,
        "location": 250,
    }
    assert (again.documents_added, again.documents_existing) == (0, 250)
    assert (again.spans_added, again.spans_existing) == (0, 1000)
    assert not again.spans_per_label and not again.change.statuses
    assert document_summaries(engine, annotator="model") == listed
    assert {get_status(engine, row.id, "model") for row in listed} == {"in_progress"}


def test_stopping_an_import_during_staging_leaves_nothing(engine, database, tmp_path) -> None:
    before = dump(database)
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 600)], annotator="m")
    staging_begun(steps)
    steps.close()
    assert dump(database) == before
    summary = import_paths(engine, [tmp_path / "a.jsonl"], annotator="m")
    assert (summary.documents_added, summary.spans_added) == (600, 2400)


def test_a_label_deleted_in_the_app_during_an_import_is_named_and_nothing_is_imported(
    engine, database, impatient, tmp_path
) -> None:
    steps = import_steps(engine, [write_articles(tmp_path / "a.jsonl", 600)], annotator="m")
    staging_begun(steps)
    delete_label(impatient, "actor")
    delete_label(impatient, "figure")
    before = dump(database)
    with pytest.raises(InputError) as caught:
        run_steps(steps)
    assert str(caught.value).endswith("the label 'figure' was deleted while the import ran")
    assert "actor" not in str(caught.value), "an unused label may go"
    assert dump(database) == before
    assert "actor" not in get_schema(engine).names
