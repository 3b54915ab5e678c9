"""``annotator import`` of other tools' files with --map, --offsets, --text-field and
--predictions, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.formats.peer import TEXT, at, utf16, write_lines
from tests.test_cli import run


def refused(*args: str, db: Path) -> list[str]:
    """The stderr lines of an import that must fail with exit status 1."""
    result = run("import", *args, db=db)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


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
    assert refused(str(path), db=db_path) == [
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


def label_studio(path: Path, data: dict) -> Path:
    ice = {"start": at("ICE")[0], "end": at("ICE")[1], "text": "ICE", "labels": ["ORG"]}
    tasks = [
        {
            "id": 1,
            "data": data,
            "annotations": [
                {"completed_by": 3, "result": [{"type": "labels", "value": ice, "id": "a"}]}
            ],
            "predictions": [
                {"model_version": "v2", "result": [{"type": "labels", "value": ice, "id": "b"}]}
            ],
        }
    ]
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_label_studio_text_field_and_predictions(db_path: Path, tmp_path: Path) -> None:
    path = label_studio(tmp_path / "export.json", {"text": TEXT, "title": "Redada"})
    assert refused(str(path), "--map", "ORG=agency", db=db_path) == [
        f"annotator: {path}:2: the task's data holds several strings (text, title); choose "
        "the text with --text-field NAME"
    ]
    done = run("import", str(path), "--map", "ORG=agency", "--text-field", "text", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "not read: 1 Label Studio predictions (import them with --predictions)" in done.stdout
    again = run(
        "import",
        str(path),
        "--map",
        "ORG=agency",
        "--text-field",
        "text",
        "--predictions",
        db=db_path,
    )
    assert "spans: 1 added, 1 already present" in again.stdout
    stats = json.loads(run("stats", "--json", db=db_path).stdout)
    assert stats["annotators"] == {"labelstudio-3": 1, "v2": 1}


def test_a_json_array_given_as_jsonl_is_named_in_one_line(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps([{"text": "a"}, {"text": "b"}], indent=1), encoding="utf-8")
    assert refused(str(path), "--format", "spans", db=db_path) == [
        f"annotator: {path}:1: this is a JSON document (an array of 2 objects), not JSON Lines; "
        "import a Label Studio export with --format labelstudio, or save one JSON object per line"
    ]


def test_label_studio_options_on_other_files_are_refused(db_path: Path, tmp_path: Path) -> None:
    path = doccano_ids(tmp_path / "old.jsonl")
    assert refused(
        str(path), "--map", "1=agency,2=actor,3=location", "--predictions", db=db_path
    ) == ["annotator: --text-field and --predictions apply to Label Studio files; none was read"]
