"""Reading doccano, tokens and native files: detection, attachment, validation, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats import importing
from annotator.formats.importing import import_paths, import_steps
from annotator.store import open_store
from annotator.store.spans import document_spans
from annotator.store.stats import corpus_stats
from annotator.store.status import get_status
from tests.engines import dump
from tests.formats.helpers import Doc, export_to, fill

TEXT = "🚨 ICE arrested 44 people in Paramount."


def write(path: Path, *lines: object, tail: str = "") -> Path:
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    path.write_text(body + tail, encoding="utf-8")
    return path


def spans_of(engine, annotator: str) -> list[tuple]:
    return [(TEXT[s.start : s.end], s.label) for s in document_spans(engine, 1, annotator)]


@pytest.mark.parametrize(
    "line",
    [
        {"id": 3, "text": TEXT, "label": [[2, 5, "AGENCY"], [28, 37, "location"]]},
        {
            "text": TEXT,
            "entities": [
                {"id": 1, "label": "agency", "start_offset": 2, "end_offset": 5},
                {"id": 2, "label": "location", "start_offset": 28, "end_offset": 37},
            ],
            "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "in"}],
        },
        {
            "tokens": ["🚨", "ICE", "arrested", "44", "people", "in", "Paramount", "."],
            "ner_tags": ["O", "B-AGENCY", "O", "O", "O", "O", "B-LOCATION", "O"],
            "text": TEXT,
        },
    ],
    ids=["doccano", "doccano-relations", "tokens"],
)
def test_formats_are_detected_from_the_first_line(engine, tmp_path, line) -> None:
    path = write(tmp_path / "in.jsonl", line)
    summary = import_paths(engine, [path], annotator="model", add_missing_labels=True)
    assert summary.spans_added == 2
    assert summary.links_added == len(line.get("relations", []))
    assert spans_of(engine, "model") == [("ICE", "agency"), ("Paramount", "location")]


def test_tokens_without_text_join_the_tokens_with_spaces(engine, tmp_path) -> None:
    path = write(
        tmp_path / "hf.jsonl",
        {"tokens": ["Karen", "Bass", "spoke", "."], "ner_tags": ["B-ACTOR", "I-ACTOR", "O", "O"]},
    )
    import_paths(engine, [path], annotator="model")
    (span,) = document_spans(engine, 1)
    assert (span.start, span.end, span.label) == (0, 10, "actor")


def test_an_import_attaches_spans_to_a_document_already_present(engine, tmp_path) -> None:
    fill(engine, [Doc(TEXT, [(2, 5, "agency", "ana", "manual")])])
    path = write(tmp_path / "d.jsonl", {"text": TEXT, "label": [[28, 37, "location"]]})
    summary = import_paths(engine, [path], annotator="model")
    assert (summary.documents_added, summary.documents_existing) == (0, 1)
    assert spans_of(engine, "ana") == [("ICE", "agency")]
    assert spans_of(engine, "model") == [("Paramount", "location")]
    assert get_status(engine, 1, "model") == "in_progress"


def test_native_import_merges_statuses_without_undoing_progress(tmp_path) -> None:
    source = open_store(tmp_path / "a.db")
    fill(source, [Doc(TEXT, [(2, 5, "agency", "ana", "manual")], {"ana": "in_progress"})])
    export_to(source, tmp_path / "a.jsonl", "native")
    target = open_store(tmp_path / "b.db")
    fill(target, [Doc(TEXT, [], {"ana": "done"})])
    again = import_paths(target, [tmp_path / "a.jsonl"], annotator="x")
    assert get_status(target, 1, "ana") == "done"
    assert spans_of(target, "ana") == [("ICE", "agency")]
    assert import_paths(target, [tmp_path / "a.jsonl"], annotator="x").spans_added == 0
    assert again.spans_added == 1


HEADER = {"type": "header", "format": "annotator-native", "version": 1, "labels": []}


@pytest.mark.parametrize(
    ("lines", "tail", "reason"),
    [
        (
            [{"text": TEXT, "label": [[2, 99, "agency"]]}],
            "",
            "label 0: end 99 is past the end of the text",
        ),
        (
            [{"text": TEXT, "label": [[5, 2, "agency"]]}],
            "",
            "label 0: end 2 must be greater than start 5",
        ),
        ([{"text": TEXT, "label": ["agency"]}], "", "text-classification"),
        ([{"text": TEXT, "label": [[2, 5, "weapon"]]}], "", "unknown label 'weapon'"),
        ([{"text": TEXT, "label": [[2, 5, "agency"]]}], '{"text": "cut', "the line is cut off"),
        ([{"text": TEXT, "label": [[2, 5, "agency"]]}], '{"text": "a", "label": [[0, 1', "cut off"),
        (
            [{"text": TEXT, "spans": [{"start": 2, "end": 5, "label": "agency", "text": "ICe"}]}],
            "",
            "differs from the text",
        ),
        ([{"tokens": ["a", "b"], "ner_tags": ["O"]}], "", "2 tokens but 1 ner_tags"),
        ([{"tokens": ["a"], "ner_tags": [3]}], "", "numeric tags need their names"),
        ([{"tokens": ["a"], "ner_tags": ["X-ACTOR"]}], "", "is not O, B-LABEL or I-LABEL"),
        ([{"tokens": ["ICE"], "ner_tags": ["O"], "text": "CBP"}], "", "is not the text"),
        ([{**HEADER, "version": 99}], "", "written by a newer annotator"),
        (
            [HEADER, {"type": "document", "title": "t", "text": TEXT, "sha256": "0" * 64}],
            "",
            "does not match its sha256",
        ),
        ([HEADER, {"type": "comment", "text": "x"}], "", "unknown line type 'comment'"),
        (
            [HEADER, {"type": "document", "title": "t", "text": TEXT, "statuses": {"a": "??"}}],
            "",
            "'statuses' must map",
        ),
    ],
)
def test_bad_lines_name_file_line_and_reason_and_change_nothing(
    engine, database, tmp_path, lines, tail, reason
) -> None:
    fill(engine, [Doc("Already here.", [(0, 7, "actor", "ana", "manual")])])
    before = dump(database)
    path = write(tmp_path / "bad.jsonl", *lines, tail=tail)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="model")
    message = str(caught.value)
    assert reason in message
    assert f"{path}:" in message
    assert dump(database) == before


def test_up_to_a_handful_of_problems_are_listed(engine, tmp_path) -> None:
    bad = [{"text": TEXT, "label": [[0, 99, "agency"]]}] * 9
    with pytest.raises(InputError) as caught:
        import_paths(engine, [write(tmp_path / "bad.jsonl", *bad)], annotator="m")
    lines = str(caught.value).splitlines()
    assert len(lines) == 6 and lines[-1] == "... and 4 more problems"
    assert [line.split(":")[1] for line in lines[:5]] == ["1", "2", "3", "4", "5"]


def test_big_imports_read_the_file_twice_with_the_same_result(
    engine, tmp_path, monkeypatch
) -> None:
    lines = [
        {"text": f"Article {i}: ICE in Paramount.", "label": [[12, 15, "agency"]]}
        for i in range(50)
    ]
    path = write(tmp_path / "big.jsonl", *lines)
    monkeypatch.setattr(importing, "KEEP_SPANS", 10)
    summary = import_paths(engine, [path], annotator="m")
    assert (summary.documents_added, summary.spans_added) == (50, 50)
    assert corpus_stats(engine)["labels"]["agency"] == 50


def test_stopping_an_import_midway_rolls_everything_back(engine, database, tmp_path) -> None:
    lines = [
        {"text": f"Doc {i} ICE", "label": [[len(str(i)) + 5, len(str(i)) + 8, "agency"]]}
        for i in range(1000)
    ]
    path = write(tmp_path / "many.jsonl", *lines)
    before = dump(database)
    steps = import_steps(engine, [path], annotator="m")
    seen = [next(steps) for _ in range(8)]
    assert seen[-1].done > seen[-1].total // 2, "the writing pass had started"
    steps.close()
    assert dump(database) == before
