"""``annotator export`` with several annotators: refuse to merge, one by name, each, gold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.formats.helpers import fill
from tests.formats.test_export_layers import ANA, ANA_2, CRACKDOWN, QUIET, RAID, TEAM
from tests.test_cli import run


@pytest.fixture
def team_db(engine, db_path) -> Path:
    fill(engine, TEAM)
    return db_path


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_plain_export_names_the_choices_and_writes_nothing(team_db, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("export", "-o", str(out), db=team_db)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "annotator: 2 annotators worked here and an export never merges their layers: choose "
        "--annotator NAME (one of ana, bo) or --each (one record per document and annotator)\n"
    )
    assert list(tmp_path.glob("*out.jsonl*")) == []
    both = run("export", "--annotator", "ana,bo", "-o", str(out), db=team_db)
    assert both.returncode == 1 and "never merges" in both.stderr and not out.exists()


def test_one_annotator_by_name_with_their_finished_empty_document(team_db, tmp_path) -> None:
    out = tmp_path / "ana.jsonl"
    result = run("export", "--annotator", "ana", "-o", str(out), db=team_db)
    assert result.returncode == 0, result.stderr
    spans = [
        (r["text"], [(s["start"], s["end"], s["label"]) for s in r["spans"]]) for r in records(out)
    ]
    assert spans == [(RAID, sorted(ANA)), (CRACKDOWN, sorted(ANA_2)), (QUIET, [])]
    assert "documents left out: 1 (not annotated by ana)" in result.stdout


def test_each_writes_a_record_per_document_and_annotator(team_db, tmp_path) -> None:
    out = tmp_path / "each.jsonl"
    result = run("export", "--each", "--format", "doccano", "-o", str(out), db=team_db)
    assert result.returncode == 0, result.stderr
    assert [(r["id"], r["annotator"], len(r["label"])) for r in records(out)] == [
        (1, "ana", 5),
        (1, "bo", 5),
        (2, "ana", 3),
        (2, "bo", 4),
        (3, "ana", 0),
    ]
    assert "records: 5, one per document and annotator (ana 3, bo 2)" in result.stdout
    only_bo = run("export", "--each", "--annotator", "bo", "-o", str(out), db=team_db)
    assert only_bo.returncode == 0, only_bo.stderr
    assert [(r["id"], r["annotator"]) for r in records(out)] == [(1, "bo"), (2, "bo")]
    native = run("export", "--each", "--format", "native", "-o", str(out), db=team_db)
    assert native.returncode == 1 and "leave out each" in native.stderr


def test_gold_with_nothing_reviewed_exits_1_without_a_file(team_db, tmp_path) -> None:
    out = tmp_path / "gold.jsonl"
    result = run("export", "--gold", "-o", str(out), db=team_db)
    assert result.returncode == 1
    assert result.stderr == (
        "annotator: no document has been reviewed yet, so there is no gold layer to export\n"
    )
    assert list(tmp_path.glob("*gold.jsonl*")) == []
    mixed = run("export", "--gold", "--each", db=team_db)
    assert mixed.returncode == 1 and "leave out --annotator and --each" in mixed.stderr


def test_without_output_the_file_goes_to_exports_here_or_in_the_data_folder(
    team_db, tmp_path
) -> None:
    clone, elsewhere = tmp_path / "clone", tmp_path / "elsewhere"
    (clone / "exports").mkdir(parents=True)
    elsewhere.mkdir()
    for cwd in (clone, elsewhere):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "annotator",
                "--db",
                str(team_db),
                "export",
                "--annotator",
                "bo",
            ],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    (here,) = (clone / "exports").iterdir()
    data = tmp_path / "home" / "xdg_data_home" / "annotator" / "exports"
    (there,) = data.iterdir()
    assert here.name.startswith("spans-") and there.name.startswith("spans-")
    assert len(records(here)) == len(records(there)) == 2
    assert list(elsewhere.iterdir()) == []
