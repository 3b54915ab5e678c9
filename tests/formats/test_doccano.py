"""doccano's layouts as doccano and its utilities write them: every span lands on its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store import open_store
from annotator.store.documents import document_summaries, get_document
from annotator.store.relations import document_links
from annotator.store.spans import document_spans
from tests.engines import dump
from tests.formats.helpers import Doc, export_to, fill
from tests.formats.peer import SPANS, TEXT, at, expected, stored, utf16, write_lines

LABEL_IDS = {"location": 3, "agency": 1, "figure": 4, "actor": 2, "quote": 5}
ID_MAP = {str(number): name for name, number in LABEL_IDS.items()}


def triples(offset=lambda n: n) -> list[list]:
    return [[offset(at(p)[0]), offset(at(p)[1]), label.upper()] for p, label in SPANS]


def entities() -> list[dict]:
    return [
        {"id": 10 + i, "label": label, "start_offset": at(p)[0], "end_offset": at(p)[1]}
        for i, (p, label) in enumerate(SPANS)
    ]


@pytest.mark.parametrize("field", ["label", "labels"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_label_lists_under_either_name(engine, tmp_path: Path, field: str, newline: str) -> None:
    path = write_lines(
        tmp_path / "doccano.jsonl",
        {"id": 1, "text": TEXT, field: triples(), "meta": {"url": "https://example.org/ñ"}},
        newline=newline,
    )
    summary = import_paths(engine, [path], annotator="ana")
    assert summary.spans_added == len(SPANS)
    assert stored(engine) == expected("ana")
    document = get_document(engine, document_summaries(engine)[0].id)
    assert document.text == TEXT
    assert document.meta == {"url": "https://example.org/ñ"}


def test_entities_with_relations_store_the_links(engine, database, tmp_path) -> None:
    line = {
        "id": 7,
        "text": TEXT,
        "entities": entities(),
        "relations": [{"id": 1, "from_id": 15, "to_id": 14, "type": "SPEAKER"}],
        "Comments": [],
    }
    summary = import_paths(engine, [write_lines(tmp_path / "rel.jsonl", line)], annotator="ana")
    assert stored(engine) == expected("ana")
    assert summary.not_read == {} and "links: 1 added, 0 already present" in summary.lines()
    doc = document_summaries(engine)[0].id
    spans = {s.id: (TEXT[s.start : s.end], s.label) for s in document_spans(engine, doc)}
    [link] = document_links(engine, doc, "ana")
    assert (spans[link.head_id], spans[link.child_id], link.label) == (
        ("“No lo aceptaremos”", "quote"),
        ("Karen Bass", "actor"),
        "speaker",
    )
    before = dump(database)
    for relation, reason in (
        ({"from_id": 14, "to_id": 15, "type": "speaker"}, "cannot go from a 'actor' span"),
        ({"from_id": 15, "to_id": 14, "type": "says"}, "unknown relation 'says'"),
        ({"from_id": 15, "to_id": 99, "type": "speaker"}, "relation 0: its child None is not"),
    ):
        line = {**line, "text": TEXT + " ", "relations": [relation]}
        with pytest.raises(InputError, match=reason) as caught:
            import_paths(engine, [write_lines(tmp_path / "bad.jsonl", line)], annotator="ana")
        assert "bad.jsonl:1" in str(caught.value)
        assert dump(database) == before


def older_layout() -> dict:
    return {
        "id": 3,
        "text": TEXT,
        "annotations": [
            {
                "label": LABEL_IDS[label],
                "start_offset": at(p)[0],
                "end_offset": at(p)[1],
                "user": 1 if i % 2 else 2,
            }
            for i, (p, label) in enumerate(SPANS)
        ],
        "meta": {},
        "annotation_approver": None,
    }


def test_numeric_label_ids_are_refused_without_a_map(engine, database, tmp_path) -> None:
    path = write_lines(tmp_path / "old.jsonl", {**older_layout(), "text": "ok"}, older_layout())
    before = dump(database)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="ana")
    problem = caught.value.problems[-1]
    assert (problem.source, problem.line) == (str(path), 2)
    assert "label 3 is a doccano label id" in problem.reason and "--map 3=" in problem.reason
    assert dump(database) == before


def test_numeric_label_ids_named_by_the_map_and_users_kept_apart(engine, tmp_path) -> None:
    path = write_lines(tmp_path / "old.jsonl", older_layout())
    import_paths(engine, [path], annotator="imported", options=ReadOptions(label_map=ID_MAP))
    users = {p: "doccano-1" if i % 2 else "doccano-2" for i, (p, _) in enumerate(SPANS)}
    assert stored(engine) == sorted((p, label, users[p], "imported") for p, label in SPANS)


def test_a_named_annotator_takes_every_users_spans(engine, tmp_path) -> None:
    path = write_lines(tmp_path / "old.jsonl", older_layout())
    options = ReadOptions(label_map=ID_MAP, annotator="ana")
    import_paths(engine, [path], annotator="ana", options=options)
    assert stored(engine) == expected("ana")


def test_utf16_offsets_are_turned_into_code_points(engine, tmp_path) -> None:
    path = write_lines(tmp_path / "u16.jsonl", {"text": TEXT, "label": triples(utf16)})
    assert triples(utf16) != triples(), "emoji before the spans shift UTF-16 offsets"
    import_paths(engine, [path], annotator="ana", options=ReadOptions(utf16_offsets=True))
    assert stored(engine) == expected("ana")


def test_a_utf16_offset_inside_an_emoji_is_refused(engine, tmp_path) -> None:
    path = write_lines(tmp_path / "u16.jsonl", {"text": TEXT, "label": [[1, 5, "actor"]]})
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="a", options=ReadOptions(utf16_offsets=True))
    assert "UTF-16 offset 1 falls between the two halves" in str(caught.value)
    assert f"{path}:1:" in str(caught.value)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"text": TEXT, "label": triples(), "entities": entities()}, "both hold spans"),
        ({"text": TEXT, "label": triples(), "result": [{"x": 1}]}, "field 'result' looks like"),
        ({"text": TEXT, "entities": entities(), "spans": [{"start": 0, "end": 1}]}, "'spans'"),
        ({"text": TEXT, "entities": [[0, 1, "actor"]]}, "entity 0 must be an object"),
        ({"text": TEXT, "labels": [[0, 1]]}, "label"),
    ],
)
def test_annotations_that_are_not_read_are_refused(engine, tmp_path, line, reason) -> None:
    path = write_lines(tmp_path / "bad.jsonl", line)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="ana", format_name="doccano")
    assert reason in str(caught.value)
    assert f"{path}:1:" in str(caught.value)


@pytest.mark.parametrize("fmt", ["doccano", "doccano-entities"])
def test_writers_output_reimports_to_the_same_spans(tmp_path: Path, fmt: str) -> None:
    source = open_store(tmp_path / "a.db")
    spans = [(*at(p), label, "ana", "manual") for p, label in SPANS]
    fill(source, [Doc(TEXT, spans), Doc("Sin anotaciones 🙂", [], statuses={"ana": "done"})])
    export_to(source, tmp_path / "out.jsonl", fmt)
    target = open_store(tmp_path / "b.db")
    summary = import_paths(target, [tmp_path / "out.jsonl"], annotator="ana")
    assert summary.documents_added == 2
    assert stored(target) == expected("ana")
