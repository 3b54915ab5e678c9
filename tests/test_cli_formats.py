"""``annotator export`` and ``annotator import`` of datasets, as a user runs them."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.test_cli import run


def test_export_prints_a_summary_and_import_reads_it_back(db_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "model.jsonl"
    data.write_text(
        json.dumps({"text": "ICE in Paramount.", "label": [[0, 3, "agency"], [7, 16, "place"]]})
        + "\n",
        encoding="utf-8",
    )
    refused = run("import", str(data), db=db_path)
    assert refused.returncode == 1
    assert f"{data}:1: unknown label 'place'" in refused.stderr
    assert run("import", str(data), "--add-labels", "--annotator", "m", db=db_path).returncode == 0
    out = tmp_path / "out.jsonl"
    result = run(
        "export",
        "--format",
        "tokens",
        "--annotator",
        "m",
        "--labels",
        "agency",
        "-o",
        str(out),
        db=db_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "no progress bar when not on a terminal"
    assert "documents: 1" in result.stdout and "agency: 1" in result.stdout
    assert f"wrote {out}" in result.stdout
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["ner_tags"] == ["B-AGENCY", "O", "O", "O"]
    again = run("import", str(out), "--annotator", "m", db=db_path)
    assert "0 added, 1 already present" in again.stdout


def test_export_split_writes_three_files(db_path: Path, tmp_path: Path) -> None:
    assert run("import", "seeds/", db=db_path).returncode == 0
    result = run(
        "export", "--split", "80/10/10", "--seed", "3", "-o", str(tmp_path / "d.jsonl"), db=db_path
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("d.*.jsonl")) == [
        "d.dev.jsonl",
        "d.test.jsonl",
        "d.train.jsonl",
    ]


def test_bad_export_options_are_one_line_errors(db_path: Path) -> None:
    result = run("export", "--split", "70/20", db=db_path)
    assert result.returncode == 1
    assert result.stderr.startswith("annotator: --split '70/20'")
    assert run("export", "--format", "csv", db=db_path).returncode == 2


def test_a_terminal_gets_a_progress_bar(db_path: Path, tmp_path: Path) -> None:
    assert run("import", "seeds/", db=db_path).returncode == 0
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "annotator", "export", "-o", str(tmp_path / "o.jsonl")]
    process = subprocess.run(
        [*command, "--db", str(db_path)],
        stdout=follower,
        stderr=follower,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 4096):
            shown += chunk
    os.close(leader)
    assert process.returncode == 0
    assert b"exporting [" in shown and b"] 1/1" in shown
    assert b"documents: 1" in shown


def test_brat_relations_of_an_unknown_type_are_refused_or_added_with_add_labels(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("ICE in Paramount.\n", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tAgency 0 3\tICE\nT2\tLocation 7 16\tParamount\nR1\tIn Arg1:T1 Arg2:T2\n",
        encoding="utf-8",
    )
    refused = run("import", str(folder), db=db_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"annotator: {folder / 'a.ann'}: unknown relation 'in'")
    done = run("import", str(folder), "--add-labels", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "links: 1 added" in done.stdout and "in (relation)" in done.stdout
    out = tmp_path / "out"
    exported = run("export", "--format", "brat", "-o", str(out), db=db_path)
    assert exported.returncode == 0, exported.stderr
    assert (out / "a.ann").read_text(encoding="utf-8") == (
        "T1\tagency 0 3\tICE\nT2\tlocation 7 16\tParamount\nR1\tin Arg1:T1 Arg2:T2\n"
    )
    conll = tmp_path / "out.conll"
    assert run("export", "--format", "conll", "-o", str(conll), db=db_path).returncode == 0
    assert run("import", str(conll), "--annotator", "c", db=db_path).returncode == 0
