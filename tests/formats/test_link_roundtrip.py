"""Links survive every format that carries them: export, import into a new database, and the
same links come back between the same spans, and the second export is byte-identical."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.labels import Label, RelationType
from annotator.core.relations import SPEAKER, Link
from annotator.formats.importing import import_paths
from annotator.formats.registry import get_format
from annotator.store import open_store
from annotator.store.labels import get_schema, save_label
from annotator.store.relations import add_link, document_links, save_relation_type
from annotator.store.spans import document_spans
from tests.formats.helpers import Doc, export_to, fill

PIECES = [
    "“",
    "”",
    " ",
    "Karen Bass",
    "ICE",
    "👍🏽",
    "👨‍👩‍👧",
    "said",
    "Zoë",
    ". ",
    "\n",
    "e\u0301",
]
LINK_FORMATS = ["spans", "doccano-entities", "native", "brat", "labelstudio", "prodigy-rel"]


@st.composite
def linked_documents(draw) -> tuple[Doc, list[tuple[int, int]]]:
    """A text with quotes, actors and agencies (nested, overlapping) of one annotator, and
    speaker links as (quote index, speaker index) into its span list."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14)))
    n = len(text)
    spans: dict[tuple[int, int, str], tuple] = {}
    for _ in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "actor", "agency"]))
        spans[(start, end, label)] = (start, end, label, "ana", "manual")
    ordered = sorted(spans.values())
    quotes = [i for i, s in enumerate(ordered) if s[2] == "quote"]
    speakers = [i for i, s in enumerate(ordered) if s[2] != "quote"]
    links: set[tuple[int, int]] = set()
    if quotes and speakers:
        for _ in range(draw(st.integers(0, 4))):
            links.add((draw(st.sampled_from(quotes)), draw(st.sampled_from(speakers))))
    return Doc(text, ordered, {"ana": "done"}), sorted(links)


def _link_keys(engine) -> set[tuple]:
    spans = {s.id: s.key for s in document_spans(engine, 1)}
    return {(spans[x.head_id], spans[x.child_id], x.label) for x in document_links(engine, 1)}


@pytest.mark.parametrize("fmt", LINK_FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=linked_documents())
def test_links_round_trip(fmt: str, case) -> None:
    doc, pairs = case
    if fmt == "brat":
        # brat cannot hold a span that starts or ends with a line break: counted, not written
        assume(all("\n" not in (doc.text[s[0]], doc.text[s[1] - 1]) for s in doc.spans))
    suffix = get_format(fmt).suffixes[0] if fmt != "brat" else ""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first_store = open_store(folder / "first.db")
        fill(first_store, [doc])
        ids = [s.id for s in document_spans(first_store, 1)]
        for quote, speaker in pairs:
            add_link(first_store, 1, "ana", Link(ids[quote], ids[speaker], SPEAKER))
        expected = _link_keys(first_store)
        first = folder / f"first{suffix}"
        export_to(first_store, first, fmt)
        first_store.dispose()
        second_store = open_store(folder / "second.db")
        summary = import_paths(second_store, [first], annotator="ana")
        assert summary.links_added == len(pairs)
        assert _link_keys(second_store) == expected
        second = folder / f"second{suffix}"
        export_to(second_store, second, fmt)
        second_store.dispose()
        assert _contents(second) == _contents(first)


def _contents(path: Path) -> dict[str, bytes]:
    """A file's bytes, or a folder's files' (brat)."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_native_brings_the_relation_types_a_database_lacks(tmp_path) -> None:
    first_store = open_store(tmp_path / "first.db")
    save_label(first_store, Label("cue", "#123456"))
    cue = RelationType("cue", ("quote",), ("cue",), "The verb that introduces the quote.")
    save_relation_type(first_store, cue)
    text = "“Vete”, gritó Zoë."
    fill(
        first_store,
        [Doc(text, [(1, 5, "quote", "ana", "manual"), (8, 13, "cue", "ana", "manual")])],
    )
    ids = [s.id for s in document_spans(first_store, 1)]
    add_link(first_store, 1, "ana", Link(ids[0], ids[1], "cue"))
    export_to(first_store, tmp_path / "n.jsonl", "native")
    first_store.dispose()
    second_store = open_store(tmp_path / "second.db")
    import_paths(second_store, [tmp_path / "n.jsonl"], annotator="someone")
    assert get_schema(second_store).relations["cue"] == cue
    assert _link_keys(second_store) == {((1, 5, "quote"), (8, 13, "cue"), "cue")}
    second_store.dispose()


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        ({"start": 0.0, "end": 6, "label": "quote"}, "its head None is not one of"),
        ({"start": True, "end": 6, "label": "quote"}, "its head None is not one of"),
        ({"start": 0, "end": 5, "label": "quote"}, "its head [0, 5, 'quote'] is not one of"),
    ],
)
def test_a_link_end_that_is_not_a_span_of_the_line_is_refused(
    engine, tmp_path: Path, head: dict, reason: str
) -> None:
    text = "“Zoë 👍🏽” said Karen Bass."
    line = {
        "text": text,
        "spans": [
            {"start": 0, "end": 6, "label": "quote"},
            {"start": 12, "end": 22, "label": "actor"},
        ],
        "relations": [
            {"head": head, "child": {"start": 12, "end": 22, "label": "actor"}, "label": SPEAKER}
        ],
    }
    path = tmp_path / "links.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_paths(engine, [path], "ana")
    assert str(caught.value).startswith(f"{path}:1: relation 0: {reason}")
    assert document_spans(engine, 1) == []
