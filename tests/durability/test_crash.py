"""SIGKILL a process in the middle of editing spans: nothing acknowledged may be lost.

The quick versions run in CI; ``--run-slow`` runs the long ones (hundreds of kills) and
reports the figures at the end of the run.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.formats.exporting import output_paths
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import document_spans
from tests.durability.figures import add
from tests.durability.generate import write_spans_jsonl
from tests.durability.harness import (
    Log,
    count_rows,
    integrity,
    kill,
    matches,
    spans_in,
    spawn,
    wait_for_line,
)

APP_TEXT = (
    "ICE agents arrested at least 44 people in Paramount on Friday, the mayor said. "
    "Protesters gathered outside the federal building while the council met downtown."
)


def prepared_database(db: Path, document: Document) -> int:
    engine = open_store(db)
    try:
        return add_documents(engine, [document]).ids[0]
    finally:
        engine.dispose()


def kill_editors(
    db: Path, document_id: int, kills: int, seed: int, logs: Path, app: bool = False
) -> dict[str, int]:
    """Start an editing child (the store alone, or the whole app with ``app``) ``kills``
    times and SIGKILL it at a random moment each time, checking after each kill that the
    database holds exactly what was acknowledged."""
    rng = random.Random(seed)
    command = ["-m", "tests.durability.app_child"] if app else ["-m", "tests.durability.child"]
    figures = {"kills": 0, "acknowledged": 0, "killed_mid_edit": 0, "killed_starting": 0}
    for round_ in range(kills):
        before = spans_in(db)
        log_path = logs / f"editor-{round_}.log"
        arguments = [db] if app else ["edits", db, document_id]
        child = spawn([*command, *map(str, arguments), str(rng.randrange(1 << 30))], log_path)
        if rng.random() < 0.1:
            time.sleep(rng.uniform(0, 1.5 if app else 0.6))
        else:
            wait_for_line(child, log_path, "ready")
            time.sleep(rng.uniform(0, 1.0 if app else 0.3))
        kill(child)
        log = Log.read(log_path)
        assert integrity(db) == "ok", f"round {round_}"
        found = spans_in(db)
        assert matches(before, log, found), f"round {round_}: acknowledged edits lost"
        engine = open_store(db)
        try:
            assert {s.id for s in document_spans(engine, document_id)} == set(found)
        finally:
            engine.dispose()
        figures["kills"] += 1
        figures["acknowledged"] += log.edits
        figures["killed_mid_edit"] += log.pending is not None
        figures["killed_starting"] += "ready" not in log_path.read_text()
    return figures


def test_killed_app_keeps_every_edit_it_showed_as_saved(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    document_id = prepared_database(db, Document(text=APP_TEXT, title="Raid"))
    figures = kill_editors(db, document_id, kills=2, seed=4, logs=tmp_path, app=True)
    add(**{f"app {name}": value for name, value in figures.items()})


@pytest.mark.slow
def test_many_app_kills_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    document_id = prepared_database(db, Document(text=APP_TEXT, title="Raid"))
    figures = kill_editors(db, document_id, kills=100, seed=2026, logs=tmp_path, app=True)
    add(**{f"app {name}": value for name, value in figures.items()})
    assert figures["killed_mid_edit"] > 20


def test_killed_editor_keeps_every_acknowledged_edit(
    tmp_path: Path, seed_document: Document
) -> None:
    db = tmp_path / "crash.db"
    document_id = prepared_database(db, seed_document)
    figures = kill_editors(db, document_id, kills=5, seed=1, logs=tmp_path)
    assert figures["kills"] == 5
    add(**{f"editor {name}": value for name, value in figures.items()})
    assert figures["acknowledged"] > 0


@pytest.mark.slow
def test_many_kills_lose_nothing(tmp_path: Path, seed_document: Document) -> None:
    db = tmp_path / "crash.db"
    document_id = prepared_database(db, seed_document)
    figures = kill_editors(db, document_id, kills=150, seed=2026, logs=tmp_path)
    add(**{f"editor {name}": value for name, value in figures.items()})
    assert figures["killed_mid_edit"] > 50


def kill_imports(db: Path, rounds: int, documents: int, seed: int, work: Path) -> dict[str, int]:
    """Run ``annotator import`` on a big file and SIGKILL it at a random moment, ``rounds``
    times; each import must be entirely in the database or entirely absent, and leave no
    staging file behind in its temporary folder."""
    rng = random.Random(seed)
    scratch = work / "scratch"
    scratch.mkdir()
    figures = {"kills": 0, "absent": 0, "complete": 0, "absent_after_writing_began": 0}
    wal = db.with_name(db.name + "-wal")
    duration = None
    for round_ in range(rounds + 1):
        source = work / "big.jsonl"
        span_total = write_spans_jsonl(source, documents, salt=f"round {round_}", seed=round_)
        before = (count_rows(db, "document"), count_rows(db, "span"))
        wal_before = wal.stat().st_size if wal.exists() else 0
        started = time.monotonic()
        command = ["-m", "annotator", "--db", str(db), "import", str(source)]
        child = spawn(command, work / "out", env={"SQLITE_TMPDIR": str(scratch)})
        if duration is None:
            assert child.wait() == 0, child.stderr.read().decode()
            child.stderr.close()
            duration = time.monotonic() - started
            continue
        time.sleep(rng.uniform(0.4, 1.05) * duration)
        kill(child)
        wal_after = wal.stat().st_size if wal.exists() else 0
        assert integrity(db) == "ok", f"round {round_}"
        assert list(scratch.iterdir()) == [], f"round {round_}: staging files left behind"
        after = (count_rows(db, "document"), count_rows(db, "span"))
        complete = (before[0] + documents, before[1] + span_total)
        assert after in (before, complete), f"round {round_}: partial import {before} -> {after}"
        figures["kills"] += 1
        if after == before:
            figures["absent"] += 1
            figures["absent_after_writing_began"] += wal_after > wal_before
        else:
            figures["complete"] += 1
        open_store(db).dispose()
    return figures


def test_killed_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "import.db"
    open_store(db).dispose()
    figures = kill_imports(db, rounds=2, documents=400, seed=3, work=tmp_path)
    assert figures["kills"] == 2
    add(**{f"import {name}": value for name, value in figures.items()})


@pytest.mark.slow
def test_many_killed_imports_are_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "import.db"
    open_store(db).dispose()
    figures = kill_imports(db, rounds=40, documents=2000, seed=2026, work=tmp_path)
    add(**{f"import {name}": value for name, value in figures.items()})
    assert figures["absent"] > 0 and figures["complete"] > 0


def kill_exports(db: Path, rounds: int, seed: int, work: Path) -> dict[str, int]:
    """Run ``annotator export`` and SIGKILL it at a random moment, ``rounds`` times, half
    to a new file and half over the previous export: under its final name a file is always
    absent or a complete export (equal to an export that was not interrupted)."""
    rng = random.Random(seed)
    figures = {"kills": 0, "absent": 0, "complete": 0, "partial_files_left_aside": 0}

    def export(target: Path, split: bool):
        args = ["-m", "annotator", "--db", str(db), "export", "--format", "native", "-o"]
        return spawn([*args, str(target), *(["--split", "80/10/10"] if split else [])], work / "o")

    def outputs(target: Path, split: bool) -> list[Path]:
        return output_paths(target, (80, 10, 10) if split else None)

    reference: dict[bool, list[bytes]] = {}
    duration = 0.0
    for split in (False, True):
        target = work / f"reference-{split}.jsonl"
        started = time.monotonic()
        child = export(target, split)
        assert child.wait() == 0, child.stderr.read().decode()
        child.stderr.close()
        duration = max(duration, time.monotonic() - started)
        reference[split] = [path.read_bytes() for path in outputs(target, split)]
    for round_ in range(rounds):
        split = rng.random() < 0.3
        target = work / ("again.jsonl" if round_ % 2 else f"new-{round_}.jsonl")
        child = export(target, split)
        time.sleep(rng.uniform(0.2, 1.1) * duration)
        kill(child)
        for path, expected in zip(outputs(target, split), reference[split], strict=True):
            if path.exists():
                assert path.read_bytes() == expected, f"round {round_}: {path.name} is partial"
                figures["complete"] += 1
            else:
                figures["absent"] += 1
        figures["kills"] += 1
    figures["partial_files_left_aside"] = len(list(work.glob(".*.partial")))
    return figures


def exportable_database(db: Path, work: Path, documents: int) -> None:
    source = work / "corpus.jsonl"
    write_spans_jsonl(source, documents, salt="export")
    engine = open_store(db)
    try:
        import_paths(engine, [source], annotator="alice")
    finally:
        engine.dispose()


def test_killed_export_leaves_no_partial_file_under_its_name(tmp_path: Path) -> None:
    db = tmp_path / "export.db"
    exportable_database(db, tmp_path, documents=1500)
    figures = kill_exports(db, rounds=3, seed=5, work=tmp_path)
    assert figures["kills"] == 3
    add(**{f"export {name}": value for name, value in figures.items()})


@pytest.mark.slow
def test_many_killed_exports_leave_no_partial_file(tmp_path: Path) -> None:
    db = tmp_path / "export.db"
    exportable_database(db, tmp_path, documents=4000)
    figures = kill_exports(db, rounds=60, seed=2026, work=tmp_path)
    add(**{f"export {name}": value for name, value in figures.items()})
    assert figures["absent"] > 0 and figures["complete"] > 0
