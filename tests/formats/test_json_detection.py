"""Every JSON reader names a JSON document as such and never ignores fields that carry
annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.registry import readable_formats
from tests.formats.peer import TEXT, at, write_lines

LINE_READERS = sorted(
    f.name for f in readable_formats() if ".jsonl" in f.suffixes and f.name != "labelstudio"
)


@pytest.mark.parametrize("fmt", [*LINE_READERS, None])
@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_is_one_problem_not_one_per_line(engine, tmp_path, fmt, indent) -> None:
    rows = [{"text": TEXT, "spans": [{"start": 0, "end": 1, "label": "actor"}]}] * 4
    path = tmp_path / "array.jsonl"
    path.write_text(json.dumps(rows, indent=indent), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x", format_name=fmt)
    (problem,) = caught.value.problems
    assert problem.source == str(path) and problem.line == 1
    assert problem.reason.startswith(
        "this is a JSON document (an array of 4 objects), not JSON Lines;"
    )


@pytest.mark.parametrize("fmt", LINE_READERS)
def test_a_pretty_printed_object_is_named(engine, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": TEXT, "spans": []}, indent=2), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x", format_name=fmt)
    assert "this is a JSON document (one object over 4 lines), not JSON Lines" in str(caught.value)


RANGES = [{"start": at("ICE")[0], "end": at("ICE")[1], "label": "agency"}]


@pytest.mark.parametrize(
    ("fmt", "line", "field"),
    [
        ("spans", {"text": TEXT, "spans": [], "entities": RANGES}, "entities"),
        ("spans", {"text": TEXT, "ner": RANGES}, "ner"),
        ("spans", {"text": TEXT, "result": [{"value": {}}]}, "result"),
        ("doccano", {"text": TEXT, "label": [], "spans": RANGES}, "spans"),
        ("tokens", {"tokens": ["ICE"], "ner_tags": ["B-AGENCY"], "spans": RANGES}, "spans"),
        (
            "native",
            {"type": "header", "format": "annotator-native", "version": 1, "spans": RANGES},
            "spans",
        ),
    ],
)
def test_fields_that_carry_annotations_are_read_or_refused(
    engine, tmp_path: Path, fmt: str, line: dict, field: str
) -> None:
    path = write_lines(tmp_path / "in.jsonl", line)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x", format_name=fmt)
    assert str(caught.value).startswith(
        f"{path}:1: field {field!r} looks like annotations, which the {fmt} format does not read"
    )


def test_empty_annotation_fields_carry_nothing_and_pass(engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", {"text": TEXT, "spans": RANGES, "relations": []})
    assert import_paths(engine, [path], "x").spans_added == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            {"data": {"text": TEXT}, "annotations": [{"completed_by": "gold", "result": []}]},
            "annotation 0: 'gold' is the reviewed layer, not an annotator",
        ),
        (
            {
                "text": TEXT,
                "annotations": [
                    {"label": "x", "start_offset": 0, "end_offset": 1, "user": "u" * 200}
                ],
            },
            "annotation 0: an annotator name is at most 128 characters",
        ),
        (
            {"text": TEXT, "spans": [], "answer": "accept", "_annotator_id": " gold "},
            "field '_annotator_id': 'gold' is the reviewed layer, not an annotator",
        ),
    ],
)
def test_annotators_a_file_names_must_be_storable(engine, database, tmp_path, line, reason) -> None:
    path = write_lines(tmp_path / "in.jsonl", line)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "x")
    assert str(caught.value) == f"{path}:1: {reason}"
