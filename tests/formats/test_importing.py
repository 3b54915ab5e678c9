from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store.documents import count_documents, document_summaries
from annotator.store.spans import document_spans
from annotator.store.stats import corpus_stats
from tests.engines import dump

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def write_jsonl(path: Path, objects: list[object], tail: str = "") -> Path:
    path.write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n" + tail,
        encoding="utf-8",
    )
    return path


def test_importing_the_seed_folder_twice_leaves_one_document(engine) -> None:
    first = import_paths(engine, [SEEDS], annotator="ana")
    second = import_paths(engine, [SEEDS], annotator="ana")
    assert (first.documents_added, second.documents_added, second.documents_existing) == (1, 0, 1)
    assert count_documents(engine) == 1
    assert document_summaries(engine)[0].date == "2025-06-07"


def test_jsonl_spans_import_and_reimport_is_idempotent(engine, tmp_path) -> None:
    text = "🚨 ICE arrested 44 people in Paramount."
    path = write_jsonl(
        tmp_path / "model.jsonl",
        [
            {
                "text": text,
                "spans": [
                    {"start": 2, "end": 5, "label": "agency", "text": "ICE"},
                    {"start": 28, "end": 37, "label": "location"},
                ],
            }
        ],
    )
    first = import_paths(engine, [path], annotator="model")
    again = import_paths(engine, [path], annotator="model")
    assert (first.spans_added, again.spans_added, again.spans_existing) == (2, 0, 2)
    spans = document_spans(engine, min(first.change.documents))
    assert [(text[s.start : s.end], s.label, s.annotator) for s in spans] == [
        ("ICE", "agency", "model"),
        ("Paramount", "location", "model"),
    ]
    assert corpus_stats(engine)["annotators"] == {"model": 2}


@pytest.mark.parametrize(
    ("lines", "tail", "reason"),
    [
        (
            [{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "actor"}]}],
            "",
            "span 0: end 9 is past the end of the text (length 3)",
        ),
        (
            [{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "actor", "text": "bc"}]}],
            "",
            "differs from the text",
        ),
        (
            [{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "weapon"}]}],
            "",
            "unknown label 'weapon'",
        ),
        ([{"spans": []}], "", "missing field 'text'"),
        ([{"text": 5}], "", "field 'text' must be str"),
        (
            [{"text": "abc", "spans": [{"start": "0", "end": 2, "label": "actor"}]}],
            "",
            "'start' must be int",
        ),
        ([{"text": "fine"}], '{"text": "cut', "the line is cut off"),
        ([[1, 2]], "", "expected a JSON object"),
    ],
)
def test_bad_jsonl_names_file_and_line_and_changes_nothing(
    engine, database, tmp_path, lines, tail, reason
) -> None:
    import_paths(engine, [SEEDS], annotator="ana")
    before = dump(database)
    good = {"text": "A good line that is fine."}
    path = write_jsonl(tmp_path / "bad.jsonl", [good, *lines], tail)
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], annotator="ana")
    message = str(caught.value)
    assert f"{path}:2" in message or f"{path}:3" in message
    assert reason in message
    assert dump(database) == before


def test_bad_text_files_each_get_a_one_line_error_and_change_nothing(
    engine, database, tmp_path
) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    before = dump(database)
    cases = {
        tmp_path / "latin1.txt": "not UTF-8 text (byte 0xe9 at offset 3)",
        tmp_path / "empty.txt": "the file is empty",
        tmp_path / "missing.txt": "no such file or folder",
    }
    for path, reason in cases.items():
        with pytest.raises(
            InputError, match=reason.replace("(", r"\(").replace(")", r"\)")
        ) as caught:
            import_paths(engine, [SEEDS, path], annotator="ana")
        assert str(caught.value).startswith(str(path))
        assert "\n" not in str(caught.value)
    assert dump(database) == before


def test_a_format_only_exports_write_is_refused_by_name_and_changes_nothing(
    engine, database, tmp_path
) -> None:
    path = write_jsonl(tmp_path / "entities.jsonl", [{"text": "Karen Bass met ICE."}])
    before = dump(database)
    with pytest.raises(InputError, match="'doccano-entities' is written by exports, not read"):
        import_paths(engine, [path], annotator="ana", format_name="doccano-entities")
    assert dump(database) == before


def test_unknown_labels_can_be_added_on_request(engine, tmp_path) -> None:
    path = write_jsonl(
        tmp_path / "w.jsonl",
        [{"text": "a rifle", "spans": [{"start": 2, "end": 7, "label": "weapon"}]}],
    )
    summary = import_paths(engine, [path], annotator="ana", add_missing_labels=True)
    assert summary.labels_added == ["weapon"]
    assert corpus_stats(engine)["labels"]["weapon"] == 1


def test_label_map_renames_and_drops_with_a_count_in_the_summary(engine, tmp_path) -> None:
    text = "Karen Bass said ICE agents came to Paramount, Los Angeles."
    path = write_jsonl(
        tmp_path / "ner.jsonl",
        [
            {
                "text": text,
                "spans": [
                    {"start": 0, "end": 10, "label": "PER"},
                    {"start": 16, "end": 19, "label": "ORG"},
                    {"start": 35, "end": 44, "label": "LOC"},
                    {"start": 46, "end": 57, "label": "MISC"},
                ],
            }
        ],
    )
    label_map = {"PER": "actor", "ORG": "agency", "LOC": "location", "MISC": None}
    summary = import_paths(engine, [path], annotator="ana", options=ReadOptions(label_map))
    spans = document_spans(engine, min(summary.change.documents))
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("Karen Bass", "actor"),
        ("ICE", "agency"),
        ("Paramount", "location"),
    ]
    assert "not read: 1 misc spans (mapped to nothing)" in summary.lines()
