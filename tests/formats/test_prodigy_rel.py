"""The ``prodigy-rel`` export: spaCy rebuilds every span of it from its tokens with
``char_span(..., alignment_mode="strict")``, its token indexes agree with the offsets, and
each relation's ``head`` and ``child`` are the last tokens of its spans, as Prodigy's
``rel.manual`` writes them."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.relations import SPEAKER, Link
from annotator.store import open_store
from annotator.store.relations import add_link
from annotator.store.spans import document_spans
from tests.formats.helpers import export_to, fill
from tests.formats.test_link_roundtrip import linked_documents

spacy = pytest.importorskip("spacy")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=linked_documents())
def test_spacy_rebuilds_every_span_and_relation_strictly(case) -> None:
    doc, pairs = case
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(Path(tmp) / "db.db")
        fill(engine, [doc])
        ids = [s.id for s in document_spans(engine, 1)]
        for quote, speaker in pairs:
            add_link(engine, 1, "ana", Link(ids[quote], ids[speaker], SPEAKER))
        path = Path(tmp) / "rel.jsonl"
        export_to(engine, path, "prodigy-rel")
        engine.dispose()
        (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    tokens = record["tokens"]
    built = spacy.tokens.Doc(
        spacy.vocab.Vocab(), words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens]
    )
    assert built.text == doc.text
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert [(t.idx, t.idx + len(t)) for t in built] == [(t["start"], t["end"]) for t in tokens]
    written = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    assert written == {s[:3] for s in doc.spans}
    for span in record["spans"]:
        rebuilt = built.char_span(
            span["start"], span["end"], span["label"], alignment_mode="strict"
        )
        assert rebuilt is not None
        assert (rebuilt.start, rebuilt.end - 1) == (span["token_start"], span["token_end"])
        assert rebuilt.text == span["text"] == doc.text[span["start"] : span["end"]]
    relations = {
        (
            (r["head_span"]["start"], r["head_span"]["end"], r["head_span"]["label"]),
            (r["child_span"]["start"], r["child_span"]["end"], r["child_span"]["label"]),
            r["label"],
        )
        for r in record["relations"]
    }
    ordered = sorted(doc.spans)
    assert relations == {(ordered[q][:3], ordered[s][:3], SPEAKER) for q, s in pairs}
    for relation in record["relations"]:
        assert relation["head"] == relation["head_span"]["token_end"]
        assert relation["child"] == relation["child_span"]["token_end"]
        assert relation["head_span"] in record["spans"]
    assert record["answer"] == "accept"
