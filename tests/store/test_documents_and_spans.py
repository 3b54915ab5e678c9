from __future__ import annotations

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.spans import Span
from annotator.store.documents import (
    add_documents,
    count_documents,
    document_summaries,
    get_document,
)
from annotator.store.spans import add_span, delete_span, document_spans, update_span
from annotator.store.status import Status, get_status, set_status


def test_same_text_twice_is_one_document(engine, seed_document) -> None:
    first = add_documents(engine, [seed_document, seed_document])
    again = add_documents(engine, [seed_document])
    assert first.added == 1 and first.existing == 1
    assert again.added == 0 and again.ids == first.ids[:1]
    assert count_documents(engine) == 1


def test_document_round_trips_with_metadata(engine, seed_document) -> None:
    (doc_id,) = add_documents(engine, [seed_document]).ids
    stored = get_document(engine, doc_id)
    assert stored.text == seed_document.text
    assert stored.meta == {"date": "2025-06-07"}
    assert stored.title == seed_document.title


def _doc(engine, text: str = "ICE arrested 44 people in Paramount.") -> int:
    return add_documents(engine, [Document(text=text, title="t")]).ids[0]


def test_span_lifecycle_and_status(engine) -> None:
    doc = _doc(engine)
    assert get_status(engine, doc, "ana") == Status.NEW
    span, change = add_span(engine, doc, "ana", Span(0, 3, "agency"))
    assert span.id is not None and span.annotator == "ana"
    assert change.documents == {doc} and change.statuses == {doc}
    assert get_status(engine, doc, "ana") == Status.IN_PROGRESS
    moved, _ = update_span(engine, span.id, "ana", end=12, label="actor")
    assert (moved.start, moved.end, moved.label) == (0, 12, "actor")
    set_status(engine, doc, "ana", Status.DONE)
    add_span(engine, doc, "ana", Span(26, 35, "location"))
    assert get_status(engine, doc, "ana") == Status.DONE
    deleted, _ = delete_span(engine, span.id, "ana")
    assert deleted == moved
    assert [s.label for s in document_spans(engine, doc)] == ["location"]


def test_exact_duplicate_is_refused_quietly_but_other_annotators_may_repeat_it(engine) -> None:
    doc = _doc(engine)
    add_span(engine, doc, "ana", Span(0, 3, "agency"))
    duplicate, change = add_span(engine, doc, "ana", Span(0, 3, "agency"))
    assert duplicate is None and not change
    other, _ = add_span(engine, doc, "ben", Span(0, 3, "agency"))
    assert other is not None
    assert len(document_spans(engine, doc)) == 2
    assert len(document_spans(engine, doc, "ana")) == 1


def test_undo_of_a_delete_brings_the_span_back_with_its_id(engine) -> None:
    doc = _doc(engine)
    span, _ = add_span(engine, doc, "ana", Span(0, 3, "agency"))
    deleted, _ = delete_span(engine, span.id, "ana")
    restored, _ = add_span(engine, doc, "ana", deleted)
    assert restored.id == span.id


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (Span(0, 99, "actor"), "past the end of the text"),
        (Span(0, 3, "weapon"), "unknown label 'weapon'"),
    ],
)
def test_invalid_spans_are_refused_and_nothing_is_written(engine, span, message) -> None:
    doc = _doc(engine)
    with pytest.raises(InvalidSpan, match=message):
        add_span(engine, doc, "ana", span)
    assert document_spans(engine, doc) == []
    assert get_status(engine, doc, "ana") == Status.NEW


def test_annotators_change_only_their_own_spans(engine) -> None:
    doc = _doc(engine)
    span, _ = add_span(engine, doc, "ana", Span(0, 3, "agency"))
    with pytest.raises(InvalidSpan, match="belongs to ana"):
        delete_span(engine, span.id, "ben")
    with pytest.raises(InvalidSpan, match="belongs to ana"):
        update_span(engine, span.id, "ben", label="actor")


def test_a_span_deleted_elsewhere_gets_a_clear_message(engine) -> None:
    doc = _doc(engine)
    span, _ = add_span(engine, doc, "ana", Span(0, 3, "agency"))
    delete_span(engine, span.id, "ana")
    with pytest.raises(StoreError, match="deleted elsewhere"):
        update_span(engine, span.id, "ana", label="actor")


def test_summaries_show_status_and_span_count_per_annotator(engine) -> None:
    first, second = _doc(engine, "One text here."), _doc(engine, "Another text.")
    add_span(engine, first, "ana", Span(0, 3, "figure"))
    add_span(engine, first, "ben", Span(4, 8, "actor"))
    add_span(engine, first, "ben", Span(9, 13, "actor"))
    rows = {row.id: row for row in document_summaries(engine, "ben")}
    assert (rows[first].spans, rows[first].status) == (2, "in_progress")
    assert (rows[second].spans, rows[second].status) == (0, "new")
    assert document_summaries(engine)[0].spans == 3
    assert [row.id for row in document_summaries(engine, offset=1, limit=5)] == [second]
