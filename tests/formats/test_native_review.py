"""The review layer in ``native`` files: gold with provenance, notes, review status."""

from __future__ import annotations

import json

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.notes import add_note, document_notes
from annotator.store.review import (
    accept_agreed,
    accept_version,
    add_gold,
    gold_layer,
    mark_reviewed,
    reviewed_documents,
)
from annotator.store.spans import add_span, document_spans
from tests.formats.helpers import export_to

SPAN_KEYS = ("start", "end", "label", "annotator")


def _review_state(engine, doc: int) -> tuple:
    gold = [(g.span.key, g.sources) for g in gold_layer(engine, doc)]
    spans = {s.id: (s.key, s.annotator) for s in document_spans(engine, doc)}
    notes = [
        (n.annotator, n.text, spans.get(n.span_id), n.created) for n in document_notes(engine, doc)
    ]
    return gold, notes, doc in reviewed_documents(engine)


def test_native_carries_gold_notes_and_review_status_losslessly(engine, seed_document, tmp_path):
    doc = add_documents(engine, [seed_document]).ids[0]
    for who, spans in (
        ("ana", [Span(0, 38, "agency"), Span(48, 66, "figure")]),
        ("ben", [Span(0, 38, "agency"), Span(57, 66, "figure")]),
    ):
        for span in spans:
            add_span(engine, doc, who, span)
    accept_agreed(engine, doc)
    accept_version(engine, doc, 48, 66, "ben")
    ana_figure = document_spans(engine, doc, "ana")[1]
    add_note(engine, doc, "rev", "at least 44 is the figure", span_id=ana_figure.id)
    gold_figure = next(g.span for g in gold_layer(engine, doc) if g.span.label == "figure")
    add_note(engine, doc, "rev", "ben's is closer", span_id=gold_figure.id)
    add_note(engine, doc, "ana", "check the date")
    mark_reviewed(engine, doc)
    first = tmp_path / "first.jsonl"
    export_to(engine, first, "native")
    line = json.loads(first.read_text(encoding="utf-8").splitlines()[1])
    assert line["reviewed"] is True
    assert [g["sources"] for g in line["gold"]] == [["ana", "ben"], ["ben"]]

    other = open_store(tmp_path / "other.db")
    import_paths(other, [first], annotator="importer")
    assert _review_state(other, 1) == _review_state(engine, doc)
    again = import_paths(other, [first], annotator="importer")
    assert not again.change.statuses
    assert _review_state(other, 1) == _review_state(engine, doc)
    second = tmp_path / "second.jsonl"
    export_to(other, second, "native")
    assert second.read_bytes() == first.read_bytes()
    other.dispose()


def test_native_streams_each_documents_own_review_layer(engine, tmp_path) -> None:
    """Review rows are read for all documents at once: each line must carry its own gold,
    notes and review mark, also when documents around it have none."""
    texts = [f"Día {i}: «ICE» llegó a Köln 👍🏽 con Zoë." for i in range(7)]
    ids = add_documents(engine, [Document(text=t, title=f"d{i}") for i, t in enumerate(texts)]).ids
    for doc in ids:
        for who in ("ana", "ben")[: 1 + doc % 2]:
            add_span(engine, doc, who, Span(8, 13, "agency"))
            add_span(engine, doc, who, Span(6 + doc % 3, 27, "quote"))
    for doc in ids[1::3]:
        accept_agreed(engine, doc)
        add_gold(engine, doc, Span(23, 27, "location"))
        ana = document_spans(engine, doc, "ana")[0]
        add_note(engine, doc, "rev", f"nota {doc} ✓", span_id=ana.id)
        add_note(engine, doc, "ana", "fecha?")
    for doc in ids[1::2]:
        mark_reviewed(engine, doc)
    out = tmp_path / "n.jsonl"
    export_to(engine, out, "native")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    for doc, line in zip(ids, lines, strict=True):
        gold, notes, reviewed = _review_state(engine, doc)
        assert [
            ((g["start"], g["end"], g["label"]), tuple(g["sources"])) for g in line["gold"]
        ] == [(key, sources) for key, sources in gold]
        written = [(n["annotator"], n["text"], n["span"]) for n in line["notes"]]
        assert written == [
            (who, text, None if on is None else dict(zip(SPAN_KEYS, (*on[0], on[1]), strict=True)))
            for who, text, on, _ in notes
        ]
        assert line["reviewed"] is reviewed
    assert sum(bool(line["gold"]) for line in lines) == 2
    assert [line["reviewed"] for line in lines] == [doc in ids[1::2] for doc in ids]
