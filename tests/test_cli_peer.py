"""``annotator import`` of other tools' files with --map, --offsets, --text-field and
--predictions, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.formats.peer import TEXT, at, utf16, write_lines
from tests.test_cli import run


def doccano_ids(path: Path, offset=lambda n: n) -> Path:
    spans = [("ICE", 1), ("Paramount", 3), ("Karen Bass", 2)]
    return write_lines(
        path,
        {
            "text": TEXT,
            "annotations": [
                {"label": number, "start_offset": offset(at(p)[0]), "end_offset": offset(at(p)[1])}
                for p, number in spans
            ],
        },
    )


def test_doccano_label_ids_need_the_map(db_path: Path, tmp_path: Path) -> None:
    path = doccano_ids(tmp_path / "old.jsonl")
    refused = run("import", str(path), db=db_path)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"annotator: {path}:1: annotation 0: label 1 is a doccano label id, not a name; name "
        "the ids with --map, e.g. --map 1=actor"
    ]
    done = run("import", str(path), "--map", "1=agency,2=actor", "--map", "3=location", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "spans: 3 added" in done.stdout
    assert "  agency: 1" in done.stdout and "  location: 1" in done.stdout


def test_a_label_mapped_to_nothing_is_counted(db_path: Path, tmp_path: Path) -> None:
    path = doccano_ids(tmp_path / "old.jsonl", offset=utf16)
    result = run(
        "import", str(path), "--offsets", "utf16", "--map", "1=agency,2=actor,3=", db=db_path
    )
    assert result.returncode == 0, result.stderr
    assert "spans: 2 added" in result.stdout
    assert "not read: 1 3 spans (mapped to nothing)" in result.stdout


def test_a_malformed_map_is_a_usage_error(db_path: Path, tmp_path: Path) -> None:
    path = doccano_ids(tmp_path / "old.jsonl")
    result = run("import", str(path), "--map", "PER:actor", db=db_path)
    assert result.returncode == 2
    assert "'PER:actor' is not SRC=DST" in result.stderr
    assert "Traceback" not in result.stderr
