"""Export options, splits, summaries, and files that appear only when complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.labels import load_schema
from annotator.formats import exporting
from annotator.formats.exporting import ExportOptions, export_steps, parse_split
from annotator.store.exporting import Selection
from tests.formats.helpers import Doc, export_to, fill

CORPUS = [
    Doc("Ana's done article about ICE.", [(25, 28, "agency", "ana", "manual")], {"ana": "done"}),
    Doc(
        "Bo is still on Karen Bass.",
        [(15, 25, "actor", "bo", "manual"), (15, 20, "actor", "bo", "manual")],
    ),
    Doc(
        "Both read Paramount.",
        [(10, 19, "location", "ana", "manual"), (10, 19, "location", "bo", "manual")],
        {"ana": "skipped"},
    ),
    Doc("Nobody opened this one."),
]


BO = Selection(annotators=("bo",))


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


@pytest.fixture
def corpus(engine):
    fill(engine, CORPUS)
    return engine


def texts(path: Path) -> list[str]:
    return [row["text"][:4] for row in lines(path)]


@pytest.mark.parametrize(
    ("selection", "expected", "span_count"),
    [
        (Selection(annotators=("ana",)), ["Ana'", "Both"], 2),
        (Selection(annotators=("bo",)), ["Bo i", "Both"], 3),
        (Selection(annotators=("ana",), statuses=("done",)), ["Ana'"], 1),
        (Selection(annotators=("ana",), statuses=("skipped",)), ["Both"], 1),
        (Selection(annotators=("bo",), statuses=("in_progress",)), ["Bo i", "Both"], 3),
        (Selection(annotators=("bo",), labels=("location", "agency")), ["Bo i", "Both"], 1),
    ],
)
def test_selection_picks_documents_and_spans(corpus, tmp_path, selection, expected, span_count):
    summary = export_to(corpus, tmp_path / "out.jsonl", selection=selection)
    assert texts(tmp_path / "out.jsonl") == expected
    assert sum(summary.spans_per_label.values()) == span_count


def test_the_documents_an_annotator_did_not_work_on_are_counted_as_left_out(corpus, tmp_path):
    summary = export_to(corpus, tmp_path / "out.jsonl", selection=Selection(annotators=("ana",)))
    text = "\n".join(summary.lines())
    assert "documents: 2" in text and "documents left out: 2 (not annotated by ana)" in text


def test_an_unknown_annotator_is_refused_and_nothing_is_written(corpus, tmp_path) -> None:
    with pytest.raises(InputError, match="no annotator named 'nobody' \\(annotators: ana, bo\\)"):
        export_to(corpus, tmp_path / "out.jsonl", selection=Selection(annotators=("nobody",)))
    assert list(tmp_path.glob("*.jsonl")) == []


SPEAKING = load_schema().relations["speaker"].guideline


def test_native_keeps_every_annotator_and_status(corpus, tmp_path) -> None:
    export_to(corpus, tmp_path / "n.jsonl", "native", selection=Selection(annotators=("ana",)))
    header, first, both = lines(tmp_path / "n.jsonl")
    assert header["annotators"] == ["ana"] and header["version"] == 2
    assert header["relations"] == [
        {"name": "speaker", "from": ["quote"], "to": ["actor", "agency"], "guideline": SPEAKING}
    ]
    assert [lab["name"] for lab in header["labels"]][:2] == ["actor", "agency"]
    assert first["statuses"] == {"ana": "done"}
    assert [s["annotator"] for s in both["spans"]] == ["ana"]


def test_split_is_reproducible_and_writes_three_files(engine, tmp_path) -> None:
    fill(engine, [Doc(f"Article number {i}.") for i in range(200)])
    summary = export_to(engine, tmp_path / "ds.jsonl", split=(80, 10, 10), seed=13)
    names = [p.name for p in summary.files]
    assert names == ["ds.train.jsonl", "ds.dev.jsonl", "ds.test.jsonl"]
    sizes = [len(lines(p)) for p in summary.files]
    assert sum(sizes) == 200 and 140 < sizes[0] < 180 and sizes[1] > 5 and sizes[2] > 5
    assert dict(summary.documents) == dict(zip(["train", "dev", "test"], sizes, strict=True))
    again = export_to(engine, tmp_path / "again.jsonl", split=(80, 10, 10), seed=13)
    other = export_to(engine, tmp_path / "other.jsonl", split=(80, 10, 10), seed=14)
    assert [p.read_bytes() for p in again.files] == [p.read_bytes() for p in summary.files]
    assert [p.read_bytes() for p in other.files] != [p.read_bytes() for p in summary.files]


def test_a_document_keeps_its_part_when_the_corpus_grows(engine, tmp_path) -> None:
    fill(engine, [Doc(f"Article number {i}.") for i in range(50)])
    before = export_to(engine, tmp_path / "a.jsonl", split=(50, 50))
    fill(engine, [Doc(f"Later article {i}.") for i in range(50)])
    after = export_to(engine, tmp_path / "b.jsonl", split=(50, 50))
    old_test = {row["text"] for row in lines(before.files[1])}
    new_test = {row["text"] for row in lines(after.files[1])}
    assert old_test <= new_test


@pytest.mark.parametrize("text", ["80/10", "80/10/5", "a/b", "100", "50/50/0/0"])
def test_bad_splits_are_refused_with_an_example(text) -> None:
    if text == "80/10":
        with pytest.raises(InputError, match="80/10/10"):
            parse_split(text)
        return
    with pytest.raises(InputError, match="adding up to 100"):
        parse_split(text)


def test_an_unfinished_export_leaves_no_file(corpus, tmp_path) -> None:
    target = tmp_path / "exports" / "out.jsonl"
    steps = export_steps(corpus, ExportOptions(output=target, selection=BO), every=1)
    next(steps)
    next(steps)
    assert [p.name for p in target.parent.iterdir()] == [f".out.jsonl.{os.getpid()}.partial"]
    steps.close()
    assert list(target.parent.iterdir()) == []


def test_leftovers_of_a_killed_export_are_removed_but_not_a_running_ones(corpus, tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    folder = tmp_path / "exports"
    folder.mkdir()
    killed = folder / f".out.jsonl.{child.pid}.partial"
    running = folder / f".out.jsonl.{os.getppid()}.partial"
    killed.write_text("half a line", encoding="utf-8")
    running.write_text("still being written", encoding="utf-8")
    exporting.export(corpus, ExportOptions(output=folder / "out.jsonl", selection=BO))
    assert sorted(p.name for p in folder.iterdir()) == sorted(["out.jsonl", running.name])


def test_the_default_output_is_exports_in_the_current_folder_when_it_exists(
    corpus, tmp_path, monkeypatch
):
    clone = tmp_path / "clone"
    (clone / "exports").mkdir(parents=True)
    monkeypatch.chdir(clone)
    options = ExportOptions(format="doccano", selection=Selection(annotators=("bo",)))
    summary = exporting.export(corpus, options)
    (path,) = summary.files
    assert path.parent == clone / "exports"
    assert path.name.startswith("doccano-") and path.suffix == ".jsonl"
    assert len(lines(path)) == 2


def test_the_default_output_is_exports_in_the_data_folder_elsewhere(corpus, tmp_path, monkeypatch):
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    options = ExportOptions(format="spans", selection=Selection(annotators=("ana",)))
    (path,) = exporting.export(corpus, options).files
    data = tmp_path / "home" / "xdg_data_home" / "annotator" / "exports"
    assert path.parent == data and len(lines(path)) == 2
    assert list(elsewhere.iterdir()) == []
    package = Path(exporting.__file__).resolve().parents[1]
    assert package not in path.parents


def test_the_gold_layer_is_not_exported_as_one_more_annotator(corpus, tmp_path) -> None:
    from annotator.core.spans import Span
    from annotator.store.review import add_gold

    add_gold(corpus, 4, Span(0, 6, "actor"))
    summary = export_to(corpus, tmp_path / "n.jsonl", "native")
    rows = lines(tmp_path / "n.jsonl")
    assert "gold" not in rows[0]["annotators"]
    assert rows[4]["spans"] == [] and sum(summary.spans_per_label.values()) == 5
