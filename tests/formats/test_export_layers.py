"""Exports never merge annotators' layers: refuse, take the only one, or one record each.

The corpus is what a team produces: two annotators on the same non-ASCII articles with nested
and overlapping spans that disagree, a document one of them finished without finding anything
(a negative example), and a document nobody opened.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.spans import Span
from annotator.formats import registry
from annotator.formats.exporting import ExportOptions, export
from annotator.formats.importing import import_paths
from annotator.formats.registry import Format, Writer
from annotator.store import open_store
from annotator.store.exporting import LayerChoice, Selection, SpanSource
from annotator.store.review import add_gold, mark_reviewed
from tests.formats.helpers import Doc, export_to, fill
from tests.formats.test_roundtrip import documents

RAID = "🚨 ICE arrestó a «al menos 44 personas» en el centro de Los Ángeles, dijo Karen Bass."
CRACKDOWN = "Die Behörden in Paramount: „Wir sehen euch“, sagte Zoë Müller 👍🏽."
QUIET = "Ein ruhiger Tag in Köln."
UNTOUCHED = "Nadie abrió este artículo todavía."


def at(text: str, piece: str, label: str) -> tuple[int, int, str]:
    start = text.index(piece)
    return (start, start + len(piece), label)


ANA = [
    at(RAID, "ICE", "agency"),
    at(RAID, "al menos 44 personas", "figure"),
    at(RAID, "el centro de Los Ángeles", "location"),
    at(RAID, "Los Ángeles", "location"),
    at(RAID, "Karen Bass", "actor"),
]
BO = [
    at(RAID, "ICE", "agency"),
    at(RAID, "al menos 44 personas", "actor"),
    at(RAID, "44 personas", "figure"),
    at(RAID, "el centro de Los Ángele", "location"),
    at(RAID, "dijo Karen Bass", "quote"),
]
ANA_2 = [
    at(CRACKDOWN, "Paramount", "location"),
    at(CRACKDOWN, "„Wir sehen euch“", "quote"),
    at(CRACKDOWN, "Zoë Müller", "actor"),
]
BO_2 = [
    at(CRACKDOWN, "Paramount", "location"),
    at(CRACKDOWN, "Wir sehen euch", "quote"),
    at(CRACKDOWN, "Zoë Müller", "actor"),
    at(CRACKDOWN, "Müller 👍🏽", "actor"),
]


def layer(spans, who: str) -> list[tuple]:
    return [(*span, who, "manual") for span in spans]


TEAM = [
    Doc(RAID, layer(ANA, "ana") + layer(BO, "bo"), {"ana": "done"}),
    Doc(CRACKDOWN, layer(ANA_2, "ana") + layer(BO_2, "bo"), {"bo": "done"}),
    Doc(QUIET, [], {"ana": "done"}),
    Doc(UNTOUCHED),
]


@pytest.fixture
def team(engine):
    fill(engine, TEAM)
    return engine


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def triples(row: dict) -> list[tuple]:
    return [(s["start"], s["end"], s["label"]) for s in row["spans"]]


@pytest.mark.parametrize("fmt", ["spans", "doccano", "tokens"])
def test_a_plain_export_from_two_annotators_is_refused_and_writes_nothing(team, tmp_path, fmt):
    with pytest.raises(LayerChoice) as refused:
        export_to(team, tmp_path / "out.jsonl", fmt)
    assert refused.value.annotators == ("ana", "bo") and refused.value.gold is False
    assert "never merges" in str(refused.value)
    assert list(tmp_path.glob("*out.jsonl*")) == []
    add_gold(team, 1, Span(2, 5, "agency"))
    with pytest.raises(LayerChoice) as again:
        export_to(team, tmp_path / "out.jsonl", fmt)
    assert again.value.gold is True
    assert not (tmp_path / "out.jsonl").exists()


def test_naming_two_annotators_without_each_is_refused_too(team, tmp_path) -> None:
    with pytest.raises(LayerChoice):
        export_to(team, tmp_path / "o.jsonl", selection=Selection(annotators=("ana", "bo")))
    assert not (tmp_path / "o.jsonl").exists()


def test_each_writes_one_record_per_document_and_annotator(team, tmp_path) -> None:
    out = tmp_path / "each.jsonl"
    summary = export_to(team, out, selection=Selection(source=SpanSource.EACH))
    got = [(row["text"], row["annotator"], triples(row)) for row in rows(out)]
    assert got == [
        (RAID, "ana", sorted(ANA)),
        (RAID, "bo", sorted(BO)),
        (CRACKDOWN, "ana", sorted(ANA_2)),
        (CRACKDOWN, "bo", sorted(BO_2)),
        (QUIET, "ana", []),
    ]
    for row in rows(out):
        assert all(row["text"][s["start"] : s["end"]] == s["text"] for s in row["spans"])
    assert [s["text"] for s in rows(out)[1]["spans"]][2:] == [
        "44 personas",
        "el centro de Los Ángele",
        "dijo Karen Bass",
    ]
    text = "\n".join(summary.lines())
    assert "records: 5, one per document and annotator (ana 3, bo 2)" in text
    assert "documents left out: 1 (not annotated by ana or bo)" in text
    assert not summary.skipped_spans


@pytest.mark.parametrize("fmt", ["doccano", "tokens"])
def test_each_names_the_annotator_in_every_json_format(team, tmp_path, fmt) -> None:
    out = tmp_path / "each.jsonl"
    export_to(team, out, fmt, selection=Selection(source=SpanSource.EACH))
    assert [(row["id"], row["annotator"]) for row in rows(out)] == [
        (1, "ana"),
        (1, "bo"),
        (2, "ana"),
        (2, "bo"),
        (3, "ana"),
    ]


def test_each_filters_statuses_per_annotator(team, tmp_path) -> None:
    out = tmp_path / "done.jsonl"
    export_to(team, out, selection=Selection(statuses=("done",), source=SpanSource.EACH))
    assert [(row["text"], row["annotator"]) for row in rows(out)] == [
        (RAID, "ana"),
        (CRACKDOWN, "bo"),
        (QUIET, "ana"),
    ]


def test_the_only_annotator_is_exported_by_default_with_their_negative_examples(
    engine, tmp_path
) -> None:
    fill(engine, [Doc(RAID, layer(ANA, "ana")), Doc(QUIET, [], {"ana": "done"}), Doc(UNTOUCHED)])
    out = tmp_path / "ana.jsonl"
    summary = export_to(engine, out)
    assert [(row["text"], triples(row)) for row in rows(out)] == [(RAID, sorted(ANA)), (QUIET, [])]
    assert "annotator" not in rows(out)[0]
    assert "documents left out: 1 (not annotated by ana)" in summary.lines()


def test_a_finished_document_without_spans_is_exported_for_its_annotator(team, tmp_path) -> None:
    out = tmp_path / "ana.jsonl"
    export_to(team, out, "doccano", selection=Selection(annotators=("ana",)))
    assert [(row["text"], row["label"]) for row in rows(out)][-1] == (QUIET, [])


def test_an_explicit_empty_span_list_imports_as_a_negative_example(engine, tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        {"text": RAID, "spans": [{"start": 2, "end": 5, "label": "agency", "text": "ICE"}]},
        {"text": QUIET, "spans": []},
        {"text": UNTOUCHED},
        {"text": CRACKDOWN, "label": []},
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines[:3]) + "\n", encoding="utf-8")
    doccano = tmp_path / "doccano.jsonl"
    doccano.write_text(json.dumps(lines[3], ensure_ascii=False) + "\n", encoding="utf-8")
    import_paths(engine, [source], annotator="model")
    import_paths(engine, [doccano], annotator="model")
    out = tmp_path / "model.jsonl"
    summary = export_to(engine, out)
    assert [(row["text"], triples(row)) for row in rows(out)] == [
        (RAID, [(2, 5, "agency")]),
        (QUIET, []),
        (CRACKDOWN, []),
    ]
    assert "documents left out: 1 (not annotated by model)" in summary.lines()


def test_gold_with_nothing_reviewed_is_refused_and_writes_nothing(team, tmp_path) -> None:
    gold = Selection(source=SpanSource.GOLD)
    with pytest.raises(InputError, match="no document has been reviewed yet"):
        export_to(team, tmp_path / "gold.jsonl", selection=gold)
    assert not (tmp_path / "gold.jsonl").exists()
    add_gold(team, 2, Span(*ANA_2[2]))
    mark_reviewed(team, 2)
    summary = export_to(team, tmp_path / "gold.jsonl", selection=gold)
    assert [triples(row) for row in rows(tmp_path / "gold.jsonl")] == [[ANA_2[2]]]
    assert "documents left out: 3 (not reviewed)" in summary.lines()


def test_nothing_selected_is_refused_rather_than_an_empty_file(team, tmp_path) -> None:
    only = Selection(annotators=("bo",), statuses=("skipped",))
    with pytest.raises(InputError, match="no document matches the selection"):
        export_to(team, tmp_path / "none.jsonl", selection=only)
    assert not (tmp_path / "none.jsonl").exists()


def test_each_is_refused_by_formats_that_cannot_name_the_annotator(
    team, tmp_path, monkeypatch
) -> None:
    plain = Format("plain", "plain text", (".txt",))
    plain.writer = Writer("plain", ".txt", lambda item, tally: item.document.text.encode())
    monkeypatch.setitem(registry.FORMATS, "plain", plain)
    each = Selection(source=SpanSource.EACH)
    for fmt, reason in (("plain", "cannot say whose spans"), ("native", "leave out each")):
        with pytest.raises(InputError, match=reason):
            export(team, ExportOptions(format=fmt, output=tmp_path / "x", selection=each))
    assert not (tmp_path / "x").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(documents(), min_size=1, max_size=5))
def test_each_record_holds_exactly_one_annotators_layer(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = open_store(folder / "t.db")
        ids = fill(engine, docs)
        try:
            export_to(engine, folder / "each.jsonl", selection=Selection(source=SpanSource.EACH))
        except InputError:
            assert not any(doc.spans for doc in docs)
            return
        finally:
            engine.dispose()
        written = {
            (row["id"], row["annotator"]): triples(row) for row in rows(folder / "each.jsonl")
        }
    layers: dict[tuple, set] = {}
    statuses: dict[tuple, str] = {}
    for doc_id, doc in zip(ids, docs, strict=True):
        for start, end, label, who, _ in doc.spans:
            layers.setdefault((doc_id, who), set()).add((start, end, label))
        statuses.update(((doc_id, who), status) for who, status in doc.statuses.items())
    assert {key: set(spans) for key, spans in written.items() if spans} == layers
    finished_empty = {key for key, status in statuses.items() if status != "new"} - layers.keys()
    assert {key for key, spans in written.items() if not spans} == finished_empty
    assert all(len(spans) == len(set(spans)) for spans in written.values())
