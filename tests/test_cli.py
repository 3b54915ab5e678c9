"""The command line as a user runs it: a real process, exit codes, messages on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str, db: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "annotator", *args]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        command, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120
    )


def test_help_documents_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("gui", "import", "docs", "stats"):
        assert command in result.stdout


def test_import_seeds_twice_then_docs_and_stats(db_path: Path) -> None:
    assert run("import", "seeds/", db=db_path).returncode == 0
    second = run("import", "seeds/", db=db_path)
    assert second.returncode == 0 and "0 added, 1 already present" in second.stdout
    docs = run("docs", "--json", db=db_path)
    rows = json.loads(docs.stdout)
    assert len(rows) == 1 and rows[0]["date"] == "2025-06-07" and rows[0]["status"] == "new"
    table = run("docs", db=db_path)
    assert "US Immigration and Customs Enforcement" in table.stdout
    stats = json.loads(run("stats", "--json", db=db_path).stdout)
    assert stats == {
        "documents": 1,
        "spans": 0,
        "labels": {"actor": 0, "agency": 0, "location": 0, "figure": 0, "quote": 0},
        "annotators": {},
    }


def test_database_from_environment_and_global_option_position(db_path: Path) -> None:
    assert run("import", "seeds/", env={"ANNOTATOR_DB": str(db_path)}).returncode == 0
    assert db_path.exists()
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db_path), "stats", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert json.loads(result.stdout)["documents"] == 1


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b"\xff\xfe caf\xe9"), "not UTF-8 text"),
        (lambda p: p.write_text(""), "the file is empty"),
        (lambda p: None, "no such file or folder"),
    ],
)
def test_bad_input_gets_one_line_and_exit_1_without_traceback(
    db_path: Path, tmp_path: Path, make, reason: str
) -> None:
    run("import", "seeds/", db=db_path)
    before = run("stats", "--json", db=db_path).stdout
    bad = tmp_path / "article.txt"
    make(bad)
    result = run("import", str(bad), db=db_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and reason in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr
    assert run("stats", "--json", db=db_path).stdout == before


def test_usage_error_exits_2() -> None:
    result = run("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_a_database_that_cannot_be_opened_exits_1(tmp_path: Path) -> None:
    not_db = tmp_path / "x.db"
    not_db.write_bytes(b"plain words, not SQLite" * 200)
    result = run("stats", db=not_db)
    assert result.returncode == 1 and "not an annotator database" in result.stderr
    assert "Traceback" not in result.stderr
