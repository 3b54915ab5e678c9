"""Storage faults: a read-only database or folder, a full disk, a file that is not a
database, a database from a newer annotator. Each is refused with one line naming the file
(from the store, the command line and the app), and nothing committed is lost.

Run as root, read-only files are made with ``chattr +i`` (root ignores permission bits) and
the full disk is a 2 MB tmpfs mounted for the test; tests that cannot set these up skip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.documents import Document
from annotator.core.errors import StoreError
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.migrations import SCHEMA_VERSION
from annotator.store.spans import add_span
from annotator.ui.app import run_app
from tests.durability.generate import write_spans_jsonl
from tests.durability.harness import ROOT, dump, integrity, spans_in

IS_ROOT = os.geteuid() == 0


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or a folder) unwritable, even for root, for the block."""
    if IS_ROOT:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a file read-only for root")
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if made.returncode:
            pytest.skip(f"chattr +i failed: {made.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own, mounted for the test."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def annotated_database(db: Path) -> None:
    engine = open_store(db)
    try:
        (doc,) = add_documents(engine, [Document(text="The mayor spoke.", title="Mayor")]).ids
        add_span(engine, doc, "alice", Span(4, 9, "actor"))
    finally:
        engine.dispose()


def refused_everywhere(db: Path, reason: str) -> None:
    """``open_store`` and the command line both refuse ``db`` with ``reason`` in one line."""
    with pytest.raises(StoreError) as caught:
        open_store(db)
    assert str(caught.value).startswith(f"{db}: ")
    assert reason in str(caught.value)
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "stats"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == f"annotator: {caught.value}\n"


def test_a_read_only_database_file_is_refused_and_kept(db_path: Path) -> None:
    annotated_database(db_path)
    before = dump(db_path)
    with read_only(db_path):
        refused_everywhere(db_path, "the database file is read-only")
    assert dump(db_path) == before
    engine = open_store(db_path)
    engine.dispose()


def test_a_read_only_folder_is_refused_and_the_database_kept(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "corpus.db"
    annotated_database(db)
    before = dump(db)
    with read_only(folder):
        refused_everywhere(db, f"the folder {folder} is read-only")
        refused_everywhere(folder / "new.db", f"the folder {folder} is read-only")
    assert dump(db) == before
    assert not (folder / "new.db").exists()


def test_a_full_disk_loses_nothing_committed(small_disk: Path) -> None:
    db = small_disk / "corpus.db"
    filler = small_disk / "filler"
    engine = open_store(db)
    try:
        (doc,) = add_documents(engine, [Document(text="word " * 2000, title="Words")]).ids
        filler.write_bytes(b"\0" * (os.statvfs(small_disk).f_bavail * 4096 - 400_000))
        acknowledged = {}
        with pytest.raises(StoreError, match="the disk is full; nothing was written"):
            for n in range(100_000):
                text = f"article {n} " + "filling the disk " * 200
                add_documents(engine, [Document(text=text, title=f"{n}")])
                span, _ = add_span(
                    engine, doc, "alice", Span(5 * (n % 1999), 5 * (n % 1999) + 4, "actor")
                )
                acknowledged[span.id] = (span.start, span.end, span.label)
        assert len(acknowledged) > 5
        assert integrity(db) == "ok"
        assert spans_in(db) == acknowledged
        source = small_disk.parent / "more.jsonl"
        write_spans_jsonl(source, 50, salt="too much")
        before = dump(db)
        result = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(db), "import", str(source)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert result.stderr == "annotator: the disk is full; nothing was written\n"
        assert dump(db) == before
        filler.unlink()
        span, _ = add_span(engine, doc, "alice", Span(0, 4, "figure"))
        assert span.id in spans_in(db)
    finally:
        engine.dispose()
    assert integrity(db) == "ok"


def test_creating_a_database_on_a_full_disk_says_so(small_disk: Path) -> None:
    (small_disk / "filler").write_bytes(b"\0" * (os.statvfs(small_disk).f_bavail * 4096))
    refused_everywhere(small_disk / "new.db", "the disk is full")


def sqlite_file_of_another_program(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.commit()


def truncated_annotator_database(path: Path) -> None:
    annotated_database(path)
    with path.open("r+b") as handle:
        handle.truncate(8192)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(os.urandom(8192)), "not an annotator database"),
        (lambda p: p.write_text("name,age\nada,36\n"), "not an annotator database"),
        (sqlite_file_of_another_program, "holds tables but is not an annotator database"),
        (truncated_annotator_database, "not an annotator database (or it is damaged)"),
    ],
    ids=["random bytes", "csv", "another program's database", "truncated"],
)
def test_a_file_that_is_not_our_database_is_refused_untouched(
    tmp_path: Path, make, reason: str
) -> None:
    path = tmp_path / "file.db"
    make(path)
    before = path.read_bytes()
    refused_everywhere(path, reason)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.db"]


def newer_database(db: Path) -> None:
    annotated_database(db)
    with closing(sqlite3.connect(db)) as connection:
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
        connection.commit()


def test_a_database_from_a_newer_annotator_is_refused_and_kept(db_path: Path) -> None:
    newer_database(db_path)
    before = dump(db_path)
    refused_everywhere(db_path, "written by a newer version of annotator")
    assert dump(db_path) == before


@pytest.mark.parametrize("fault", ["newer", "read-only"])
def test_the_app_refuses_politely(qtbot, db_path: Path, fault: str) -> None:
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        shown.append(box.text())
        box.accept()

    if fault == "newer":
        newer_database(db_path)
        QTimer.singleShot(0, answer)
        status = run_app(db_path, "alice")
    else:
        annotated_database(db_path)
        with read_only(db_path):
            QTimer.singleShot(0, answer)
            status = run_app(db_path, "alice")
    assert status == 1
    assert len(shown) == 1
    assert shown[0].startswith(f"Cannot open {db_path}:")
    assert ("newer version" if fault == "newer" else "read-only") in shown[0]
    assert integrity(db_path) == "ok"
