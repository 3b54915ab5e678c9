"""Two programs writing one database at once: nobody sees "database is locked", nobody loses
the other's writes, and each can tell that the other changed something."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.core.errors import StoreError
from annotator.core.spans import Span
from annotator.store import changed_elsewhere, open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span, delete_span, document_spans, update_span
from tests import engines
from tests.durability.figures import add
from tests.durability.generate import write_spans_jsonl
from tests.durability.harness import (
    Log,
    apply,
    count_rows,
    integrity,
    spans_in,
    spawn,
    spawn_child,
)


def finish(process: subprocess.Popen, timeout: float = 600) -> str:
    """Wait for a child that should succeed; return its stderr."""
    _, err = process.communicate(timeout=timeout)
    stderr = err.decode()
    assert process.returncode == 0, stderr
    return stderr


def expected_spans(log: Log) -> dict:
    state: dict = {}
    for edit in log.acks:
        state = apply(state, edit)
    return state


def run_editors(
    db: str | Path, document_id: int, editors: int, edits: int, work: Path
) -> tuple[int, list[str]]:
    """Run ``editors`` editing children at once, each as its own annotator; check that the
    database holds exactly every acknowledged edit of each. Returns the edits made."""
    logs = [work / f"editor-{n}.log" for n in range(editors)]
    children = [
        spawn_child(["edits", db, document_id, 100 + n, edits, f"editor{n}"], log)
        for n, log in enumerate(logs)
    ]
    errors = [finish(child) for child in children]
    found = spans_in(db)
    engine = open_store(db)
    try:
        made = 0
        for n, log_path in enumerate(logs):
            log = Log.read(log_path)
            assert log.pending is None
            made += log.edits
            mine = {s.id for s in document_spans(engine, document_id, f"editor{n}")}
            expected = expected_spans(log)
            assert mine == set(expected)
            assert {i: found[i] for i in mine} == expected
    finally:
        engine.dispose()
    assert integrity(db) == "ok"
    return made, errors


Shared = tuple[str | Path, int]  # the database and its one document


@pytest.fixture
def shared_db(database: str | Path, seed_document: Document) -> Shared:
    engine = open_store(database)
    document_id = add_documents(engine, [seed_document]).ids[0]
    engine.dispose()
    return database, document_id


def test_two_editors_at_once_lose_nothing(shared_db: Shared, tmp_path: Path) -> None:
    db, document_id = shared_db
    made, errors = run_editors(db, document_id, editors=2, edits=150, work=tmp_path)
    assert made == 300
    add(**{"concurrent edits by 2 processes, none lost": made})
    assert not any("locked" in e.lower() for e in errors)


@pytest.mark.slow
def test_four_editors_at_once_lose_nothing(shared_db: Shared, tmp_path: Path) -> None:
    db, document_id = shared_db
    made, errors = run_editors(db, document_id, editors=4, edits=2500, work=tmp_path)
    add(**{"concurrent edits by 4 processes, none lost": made})
    assert made == 10_000
    assert not any(e.strip() for e in errors)


def test_editing_during_a_command_line_import(shared_db: Shared, tmp_path: Path) -> None:
    """The big import holds the write lock only for its final copy; the editor never fails."""
    db, document_id = shared_db
    source = tmp_path / "big.jsonl"
    span_total = write_spans_jsonl(source, 1500, salt="during edits")
    importer = spawn(["-m", "annotator", "--db", str(db), "import", str(source)], tmp_path / "o")
    editor_log = tmp_path / "editor.log"
    editor = spawn_child(["edits", db, document_id, 7, 300, "editor"], editor_log)
    import_errors, edit_errors = finish(importer), finish(editor)
    assert "locked" not in (import_errors + edit_errors).lower()
    log = Log.read(editor_log)
    assert log.edits == 300
    engine = open_store(db)
    try:
        assert {s.id for s in document_spans(engine, document_id, "editor")} == set(
            expected_spans(log)
        )
    finally:
        engine.dispose()
    assert count_rows(db, "document") == 1 + 1500
    assert count_rows(db, "span") == span_total + len(expected_spans(log))


def test_many_programs_creating_one_database_at_once(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    opener = "from annotator.store import open_store; import sys; open_store(sys.argv[1])"
    children = [spawn(["-c", opener, str(db)], tmp_path / f"open-{n}.log") for n in range(4)]
    for child in children:
        assert finish(child) == ""
    assert integrity(db) == "ok"
    assert count_rows(db, "label") == 5


def test_many_programs_creating_one_postgresql_database_at_once(
    pg_databases: engines.Databases, tmp_path: Path
) -> None:
    """The first to come creates the tables under an advisory lock; the others wait, then
    find them made."""
    for url in engines.empty_database():
        opener = "from annotator.store import open_store; import sys; open_store(sys.argv[1])"
        children = [spawn(["-c", opener, url], tmp_path / f"open-{n}.log") for n in range(4)]
        for child in children:
            assert finish(child) == ""
        assert count_rows(url, "label") == 5


def test_changes_made_elsewhere_are_noticed_and_own_ones_are_not(
    shared_db: Shared,
) -> None:
    db, document_id = shared_db
    mine, theirs = open_store(db), open_store(db)
    try:
        assert not changed_elsewhere(mine)
        add_span(mine, document_id, "me", Span(0, 4, "actor"))
        assert not changed_elsewhere(mine)
        add_span(theirs, document_id, "them", Span(5, 9, "location"))
        assert changed_elsewhere(mine)
        assert not changed_elsewhere(mine)
        # their write lands between two of ours: still noticed
        add_span(theirs, document_id, "them", Span(10, 14, "figure"))
        add_span(mine, document_id, "me", Span(15, 19, "agency"))
        assert changed_elsewhere(mine)
        assert not changed_elsewhere(mine)
        assert changed_elsewhere(theirs)
    finally:
        mine.dispose()
        theirs.dispose()


def test_a_command_line_import_is_noticed(shared_db: Shared, tmp_path: Path) -> None:
    db, _ = shared_db
    engine = open_store(db)
    try:
        source = tmp_path / "one.jsonl"
        write_spans_jsonl(source, 1, salt="elsewhere")
        finish(spawn(["-m", "annotator", "--db", str(db), "import", str(source)], tmp_path / "o"))
        assert changed_elsewhere(engine)
    finally:
        engine.dispose()


def test_editing_a_span_deleted_elsewhere_says_so(shared_db: Shared) -> None:
    db, document_id = shared_db
    mine, theirs = open_store(db), open_store(db)
    try:
        span, _ = add_span(mine, document_id, "me", Span(0, 4, "actor"))
        delete_span(theirs, span.id, "me")
        with pytest.raises(StoreError, match="that span no longer exists"):
            update_span(mine, span.id, "me", label="agency")
        with pytest.raises(StoreError, match="that span no longer exists"):
            delete_span(mine, span.id, "me")
    finally:
        mine.dispose()
        theirs.dispose()
