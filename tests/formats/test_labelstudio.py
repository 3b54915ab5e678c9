"""Label Studio's JSON export and JSON-MIN, read and written as Label Studio documents them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store import open_store
from annotator.store.relations import document_links
from annotator.store.spans import document_spans
from annotator.store.status import get_status
from tests.engines import dump
from tests.formats.helpers import Doc, export_to, fill
from tests.formats.peer import SPANS, TEXT, at, expected, stored, utf16

LS_LABELS = {"location": "LOC", "agency": "ORG", "figure": "CARDINAL", "actor": "PER"}
LS_MAP = {"LOC": "location", "ORG": "agency", "CARDINAL": "figure", "PER": "actor"}
NER = [(p, label) for p, label in SPANS if label != "quote"]


def result(phrase: str, label: str, ident: str, offset=lambda n: n) -> dict:
    start, end = at(phrase)
    return {
        "value": {
            "start": offset(start),
            "end": offset(end),
            "text": phrase,
            "labels": [LS_LABELS[label]],
        },
        "id": ident,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
    }


def task(offset=lambda n: n) -> dict:
    """A task as Label Studio's JSON export writes it: two annotators (one as a user id, one
    as a user object), a cancelled annotation, a relation and a choice, a prediction, a
    draft."""
    first = [result(p, label, f"r{i}", offset) for i, (p, label) in enumerate(NER)]
    return {
        "id": 12,
        "annotations": [
            {
                "id": 31,
                "completed_by": 1,
                "result": [
                    *first,
                    {
                        "from_id": "r4",
                        "to_id": "r1",
                        "type": "relation",
                        "direction": "right",
                        "labels": [],
                    },
                    {
                        "value": {"choices": ["Politics"]},
                        "id": "c1",
                        "from_name": "topic",
                        "to_name": "text",
                        "type": "choices",
                    },
                ],
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2026-11-30T10:01:02.345678Z",
                "lead_time": 41.2,
                "task": 12,
            },
            {
                "id": 32,
                "completed_by": {"id": 7, "email": "bea@example.org", "first_name": "Bea"},
                "result": [result("Karen Bass", "actor", "b1", offset)],
                "was_cancelled": False,
            },
            {"id": 33, "completed_by": 9, "result": [], "was_cancelled": True},
        ],
        "drafts": [{"result": [], "user": "x@example.org"}],
        "predictions": [
            {
                "id": 4,
                "model_version": "spacy-es 3.7",
                "score": 0.81,
                "result": [result("ICE", "agency", "p1", offset)],
            }
        ],
        "data": {"text": TEXT},
        "meta": {},
        "created_at": "2026-11-30T09:00:00.000000Z",
        "inner_id": 1,
        "total_annotations": 2,
        "cancelled_annotations": 1,
        "project": 3,
    }


def test_relations_between_span_results_become_links(engine, tmp_path: Path) -> None:
    start, end = at("“No lo aceptaremos”")
    quote = {
        "id": "q",
        "type": "labels",
        "value": {"start": start, "end": end, "labels": ["quote"]},
    }
    link = {
        "type": "relation",
        "from_id": "b",
        "to_id": "q",
        "direction": "left",
        "labels": ["speaker"],
    }
    annotation = {"completed_by": 1, "result": [result("Karen Bass", "actor", "b"), quote, link]}
    path = export_file(tmp_path / "t.json", {"data": {"text": TEXT}, "annotations": [annotation]})
    summary = import_paths(engine, [path], annotator="ana", options=options())
    assert summary.links_added == 1
    spans = {s.id: TEXT[s.start : s.end] for s in document_spans(engine, 1)}
    [stored_link] = document_links(engine, 1)
    assert (spans[stored_link.head_id], spans[stored_link.child_id]) == (
        "“No lo aceptaremos”",
        "Karen Bass",
    )
    annotation["result"][2] = {**link, "to_id": "nowhere"}
    bad = export_file(
        tmp_path / "bad.json", {"data": {"text": TEXT + "!"}, "annotations": [annotation]}
    )
    with pytest.raises(InputError, match="to_id 'nowhere' is not a one-label span"):
        import_paths(engine, [bad], annotator="ana", options=options())


def export_file(path: Path, *tasks: dict) -> Path:
    path.write_text(json.dumps(list(tasks), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def options(**given) -> ReadOptions:
    return ReadOptions(label_map=LS_MAP, **given)


def test_an_export_imports_each_annotator_apart(engine, tmp_path: Path) -> None:
    path = export_file(tmp_path / "project-3-at-2026-11-30.json", task())
    summary = import_paths(engine, [path], annotator="imported", options=options())
    assert stored(engine) == sorted(
        [
            *expected("labelstudio-1", spans=NER),
            ("Karen Bass", "actor", "bea@example.org", "imported"),
        ]
    )
    assert summary.not_read == {
        "Label Studio relations without exactly one label": 1,
        "Label Studio 'choices' results (only 'labels' spans are read)": 1,
        "cancelled Label Studio annotations (spans not read)": 1,
        "Label Studio predictions (import them with --predictions)": 1,
        "Label Studio drafts (not submitted)": 1,
    }
    assert get_status(engine, 1, "labelstudio-1") == "done"
    assert get_status(engine, 1, "labelstudio-9") == "skipped"


def test_predictions_on_request_and_one_named_annotator(engine, tmp_path: Path) -> None:
    path = export_file(tmp_path / "export.json", task())
    given = options(annotator="ana", predictions=True)
    summary = import_paths(engine, [path], annotator="ana", options=given)
    assert stored(engine) == expected("ana", spans=NER)
    assert summary.spans_existing == 1, "the prediction of a span ana has is already there"


def test_predictions_are_spans_of_their_model(engine, tmp_path: Path) -> None:
    path = export_file(tmp_path / "export.json", task())
    import_paths(engine, [path], annotator="x", options=options(predictions=True))
    assert ("ICE", "agency", "spacy-es 3.7", "suggested") in stored(engine)


def test_utf16_offsets_of_the_browser(engine, tmp_path: Path) -> None:
    path = export_file(tmp_path / "export.json", task(offset=utf16))
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="x", options=options())
    assert "differs from the text" in str(caught.value)
    import_paths(engine, [path], annotator="x", options=options(utf16_offsets=True))
    assert ("Karen Bass", "actor", "bea@example.org", "imported") in stored(engine)


def test_a_wrong_value_text_is_refused_with_the_tasks_line(engine, database, tmp_path) -> None:
    bad = task()
    bad["annotations"][1]["result"][0]["value"]["text"] = "Karen Bas"
    path = export_file(tmp_path / "export.json", task(), bad)
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="x", options=options())
    (problem,) = caught.value.problems
    second_task_line = path.read_text(encoding="utf-8").splitlines().index("  {", 2) + 1
    assert (problem.source, problem.line) == (str(path), second_task_line)
    assert "annotation 1 result 0: its text 'Karen Bas' differs" in problem.reason
    assert dump(database) == before


def test_several_strings_need_the_text_field(engine, tmp_path: Path) -> None:
    two = {**task(), "data": {"title": "Redada", "text": TEXT, "n": 3}}
    path = export_file(tmp_path / "export.json", two)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="x", options=options())
    assert "several strings (text, title); choose the text with --text-field NAME" in str(
        caught.value
    )
    import_paths(engine, [path], annotator="x", options=options(text_field="text"))
    assert len(stored(engine)) == len(NER) + 1


def test_json_min(engine, tmp_path: Path) -> None:
    rows = [
        {
            "text": TEXT,
            "id": 12,
            "ner": [
                {"start": at(p)[0], "end": at(p)[1], "text": p, "labels": [LS_LABELS[label]]}
                for p, label in NER
            ],
            "annotator": 1,
            "annotation_id": 31,
            "created_at": "2026-11-30T10:01:02.345678Z",
            "updated_at": "2026-11-30T10:01:02.345678Z",
            "lead_time": 41.2,
        },
        {"text": TEXT, "id": 12, "annotator": "bea@example.org", "annotation_id": 32},
    ]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    import_paths(engine, [path], annotator="x", options=options())
    assert stored(engine) == expected("labelstudio-1", spans=NER)
    assert get_status(engine, 1, "bea@example.org") == "done"


def test_a_json_array_of_other_records_is_named_as_such(engine, tmp_path: Path) -> None:
    path = tmp_path / "doccano.json"
    rows = [{"text": TEXT, "label": [[*at("ICE"), "agency"]]}] * 4
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="x")
    assert str(caught.value) == (
        f"{path}:1: this is a JSON document (an array of 4 objects), not JSON Lines; import a "
        "Label Studio export with --format labelstudio, or save one JSON object per line"
    )


def fill_two_annotators(engine) -> None:
    spans = [(*at(p), label, "ana", "manual") for p, label in SPANS]
    spans += [(*at("Karen Bass"), "actor", "labelstudio-7", "manual")]
    spans += [(*at("ICE"), "agency", "model", "suggested")]
    fill(
        engine,
        [
            Doc(TEXT, spans, {"ana": "done"}),
            Doc("Nada que anotar 🙂", [], {"ana": "done", "labelstudio-7": "skipped"}),
        ],
    )


def test_the_writer_follows_label_studios_documented_layout(tmp_path: Path) -> None:
    source = open_store(tmp_path / "a.db")
    fill_two_annotators(source)
    export_to(source, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert isinstance(tasks, list) and len(tasks) == 2
    for one in tasks:
        assert set(one) == {"id", "data", "meta", "annotations", "predictions"}
        assert set(one["data"]) == {"text"}
        text = one["data"]["text"]
        for layer in one["annotations"] + one["predictions"]:
            for item in layer["result"]:
                assert item["type"] == "labels"
                assert (item["from_name"], item["to_name"]) == ("label", "text")
                value = item["value"]
                assert text[value["start"] : value["end"]] == value["text"]
                assert len(value["labels"]) == 1
    first, second = tasks
    assert [a["completed_by"] for a in first["annotations"]] == [{"email": "ana"}, 7]
    assert [p["model_version"] for p in first["predictions"]] == ["model"]
    assert [
        (a["completed_by"], a["was_cancelled"], a["result"]) for a in second["annotations"]
    ] == [
        ({"email": "ana"}, False, []),
        (7, True, []),
    ]


def test_the_writers_output_reimports_to_the_same_spans(tmp_path: Path) -> None:
    source = open_store(tmp_path / "a.db")
    fill_two_annotators(source)
    before = stored(source)
    export_to(source, tmp_path / "tasks.json", "labelstudio")
    target = open_store(tmp_path / "b.db")
    import_paths(target, [tmp_path / "tasks.json"], "x", options=ReadOptions(predictions=True))
    assert stored(target) == [
        (p, label, who, "imported" if origin == "manual" else origin)
        for p, label, who, origin in before
    ]
    assert get_status(target, 2, "labelstudio-7") == "skipped"
    assert get_status(target, 2, "ana") == "done"


def test_the_gold_layer_is_a_ground_truth_annotation(tmp_path: Path) -> None:
    from annotator.core.spans import Span
    from annotator.store.exporting import Selection, SpanSource
    from annotator.store.review import add_gold

    source = open_store(tmp_path / "a.db")
    fill_two_annotators(source)
    add_gold(source, 1, Span(*at("Karen Bass"), "actor"))
    export_to(
        source, tmp_path / "gold.json", "labelstudio", selection=Selection(source=SpanSource.GOLD)
    )
    (gold_task,) = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    (annotation,) = gold_task["annotations"]
    assert annotation["ground_truth"] is True and "completed_by" not in annotation
    assert [r["value"]["text"] for r in annotation["result"]] == ["Karen Bass"]
    target = open_store(tmp_path / "b.db")
    import_paths(target, [tmp_path / "gold.json"], "reviewer")
    assert stored(target) == [("Karen Bass", "actor", "reviewer", "imported")]
