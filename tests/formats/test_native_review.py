"""The review layer in ``native`` files: gold with provenance, notes, review status."""

from __future__ import annotations

import json

from annotator.core.spans import Span
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.notes import add_note, document_notes
from annotator.store.review import (
    accept_agreed,
    accept_version,
    gold_layer,
    mark_reviewed,
    reviewed_documents,
)
from annotator.store.spans import add_span, document_spans
from tests.formats.helpers import export_to


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
