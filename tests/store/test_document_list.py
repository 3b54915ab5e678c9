"""Paged, filtered document lists and span refreshes by id, as the workspace reads them."""

from __future__ import annotations

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store.annotators import annotator_id
from annotator.store.document_list import (
    DocumentQuery,
    count_matching,
    neighbour,
    page_ids,
    position_of,
    summaries_of,
)
from annotator.store.documents import add_documents
from annotator.store.engine import writing
from annotator.store.notes import document_notes
from annotator.store.spans import add_span, delete_span, spans_by_id
from annotator.store.status import (
    Status,
    advance_statuses,
    flag_document,
    get_status,
    set_status,
    status_counts,
    unflag_document,
)


def _corpus(engine, n: int = 12) -> list[int]:
    docs = [
        Document(text=f"Article {i} about {'rain' if i % 3 else 'Sun'}.", title=f"Title {i}")
        for i in range(n)
    ]
    return add_documents(engine, docs).ids


def test_pages_follow_id_order_from_either_end(engine) -> None:
    ids = _corpus(engine)
    query = DocumentQuery(annotator="ann")
    assert count_matching(engine, query) == 12
    for offset in range(12):
        assert page_ids(engine, query, offset, 4, 12) == ids[offset : offset + 4]
    rows = summaries_of(engine, "ann", [ids[7], ids[2], ids[5]])
    assert [row.id for row in rows] == [ids[2], ids[5], ids[7]]
    assert rows[0].title == "Title 2"
    rows = summaries_of(engine, "ann", [ids[7], ids[2], ids[5]])
    assert [row.id for row in rows] == [ids[2], ids[5], ids[7]]
    assert rows[0].title == "Title 2"


def test_title_filter_ignores_case_and_treats_wildcards_literally(engine) -> None:
    _corpus(engine)
    add_documents(engine, [Document(text="x", title="100% sure_thing")])
    assert count_matching(engine, DocumentQuery(text="TITLE 1")) == 3  # 1, 10, 11
    assert count_matching(engine, DocumentQuery(text="%")) == 1
    assert count_matching(engine, DocumentQuery(text="_t")) == 1


def test_status_and_span_counts_are_the_annotators_own(engine) -> None:
    ids = _corpus(engine, 4)
    add_span(engine, ids[1], "ann", Span(0, 7, "actor"))
    add_span(engine, ids[1], "other", Span(0, 7, "agency"))
    set_status(engine, ids[2], "ann", Status.DONE)
    rows = {row.id: row for row in summaries_of(engine, "ann", ids)}
    assert (rows[ids[1]].status, rows[ids[1]].spans) == ("in_progress", 1)
    assert (rows[ids[2]].status, rows[ids[2]].spans) == ("done", 0)
    assert rows[ids[0]].status == "new"
    assert count_matching(engine, DocumentQuery("ann", status=Status.DONE)) == 1
    assert count_matching(engine, DocumentQuery("ann", unfinished=True)) == 3
    assert count_matching(engine, DocumentQuery("nobody-yet", unfinished=True)) == 4


def test_neighbours_follow_the_filter(engine) -> None:
    ids = _corpus(engine, 6)
    query = DocumentQuery("ann")
    assert [position_of(engine, query, doc, 6) for doc in ids] == list(range(6))
    assert position_of(engine, DocumentQuery(text="Title 5"), ids[4], 1) is None
    assert neighbour(engine, DocumentQuery(text="Title 5"), ids[0], 1) == ids[5]
    assert neighbour(engine, query, ids[2], 1) == ids[3]
    assert neighbour(engine, query, ids[2], -1) == ids[1]
    assert neighbour(engine, query, ids[5], 1) is None
    assert neighbour(engine, query, None, 1) == ids[0]
    set_status(engine, ids[0], "ann", Status.DONE)
    set_status(engine, ids[4], "ann", Status.DONE)
    unfinished = DocumentQuery("ann", unfinished=True)
    assert neighbour(engine, unfinished, ids[3], 1, wrap=True) == ids[5]
    assert neighbour(engine, unfinished, ids[5], 1, wrap=True) == ids[1]
    for doc in ids:
        set_status(engine, doc, "ann", Status.DONE)
    assert neighbour(engine, unfinished, ids[5], 1, wrap=True) is None


def test_spans_by_id_returns_only_what_still_exists(engine) -> None:
    (doc,) = _corpus(engine, 1)
    first, _ = add_span(engine, doc, "ann", Span(0, 7, "actor"))
    second, _ = add_span(engine, doc, "ann", Span(8, 9, "figure"))
    delete_span(engine, second.id, "ann")
    found = spans_by_id(engine, doc, "ann", [first.id, second.id])
    assert [(s.id, s.start, s.end, s.label) for s in found] == [(first.id, 0, 7, "actor")]
    assert spans_by_id(engine, doc, "other", [first.id]) == []


def test_status_counts_agree_with_the_rows_listed(engine) -> None:
    ids = _corpus(engine, 9)
    set_status(engine, ids[0], "ann", Status.DONE)
    set_status(engine, ids[1], "ann", Status.SKIPPED)
    set_status(engine, ids[2], "ann", Status.NEW)
    add_span(engine, ids[3], "ann", Span(0, 7, "actor"))
    set_status(engine, ids[4], "other", Status.DONE)
    for status in [None, *Status]:
        for unfinished in (False, True):
            query = DocumentQuery("ann", status=status, unfinished=unfinished)
            listed = page_ids(engine, query, 0, 100, 100)
            assert count_matching(engine, query) == len(listed), query
    assert count_matching(engine, DocumentQuery("ann", status=Status.NEW)) == 6


def test_flagged_documents_are_finished_counted_and_never_moved_back(engine) -> None:
    ids = _corpus(engine, 6)
    set_status(engine, ids[0], "ann", Status.DONE)
    set_status(engine, ids[1], "ann", Status.SKIPPED)
    set_status(engine, ids[2], "ann", Status.IN_PROGRESS)
    note_id, _change = flag_document(engine, ids[3], "ann", "needs discussion")
    set_status(engine, ids[4], "bo", Status.FLAGGED)
    assert status_counts(engine, "ann") == {
        Status.DONE: 1,
        Status.SKIPPED: 1,
        Status.IN_PROGRESS: 1,
        Status.FLAGGED: 1,
        Status.NEW: 2,
    }
    assert [n.text for n in document_notes(engine, ids[3])] == ["flagged: needs discussion"]
    unfinished = DocumentQuery(annotator="ann", unfinished=True)
    assert count_matching(engine, unfinished) == 3
    assert page_ids(engine, unfinished, 0, 10, 3) == [ids[2], ids[4], ids[5]]
    flagged = DocumentQuery(annotator="ann", status=Status.FLAGGED)
    assert page_ids(engine, flagged, 0, 10, count_matching(engine, flagged)) == [ids[3]]

    with writing(engine) as connection:  # merging someone's "skipped" keeps the flag
        ann = annotator_id(connection, "ann")
        advance_statuses(connection, {(ids[3], ann): "skipped", (ids[2], ann): "flagged"})
    assert get_status(engine, ids[3], "ann") == Status.FLAGGED
    assert get_status(engine, ids[2], "ann") == Status.FLAGGED
    unflag_document(engine, ids[3], "ann", note_id, Status.IN_PROGRESS)
    assert get_status(engine, ids[3], "ann") == Status.IN_PROGRESS
    assert document_notes(engine, ids[3]) == []
    assert status_counts(engine, "nobody") == {Status.NEW: 6}
