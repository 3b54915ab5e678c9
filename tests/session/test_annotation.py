"""The annotation session without Qt: each gesture edits the span chosen, and the rules on
which span is current hold after every step, undo and redo included."""

from __future__ import annotations

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InvalidSpan
from annotator.session.annotation import AnnotationSession
from annotator.store.documents import add_documents
from annotator.store.notes import add_note, document_notes
from annotator.store.spans import add_span, delete_span, document_spans
from annotator.store.status import Status, get_status
from tests.crowded import SPANS, TEXT, at
from tests.session.history import History


@pytest.fixture
def crowded(engine) -> tuple[int, int, list[int]]:
    """Two documents; the first holds alice's ``SPANS`` (their ids, in order)."""
    first, second = add_documents(
        engine, [Document(text=TEXT, title="Crowded"), Document(text="ICE came.", title="Two")]
    ).ids
    ids = [add_span(engine, first, "alice", span)[0].id for span in SPANS]
    return first, second, ids


def _keys(engine, doc) -> dict[int, tuple[int, int, str]]:
    return {s.id: s.key for s in document_spans(engine, doc, "alice")}


def test_relabel_move_and_delete_twice_change_only_the_clicked_span(engine, crowded) -> None:
    doc, _, ids = crowded
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    start, end = at("Karen Bass")
    session.click(start + 1)
    assert session.current == ids[0]
    others = {i: k for i, k in _keys(engine, doc).items() if i != ids[0]}
    for gesture, expected in (
        (lambda: session.tag("agency"), (start, end, "agency")),
        (lambda: session.tag("figure"), (start, end, "figure")),
        (lambda: session.move("start", -1), (TEXT.index("said"), end, "figure")),
        (lambda: session.move("start", -1), (TEXT.index("Zoë"), end, "figure")),
        (lambda: session.move("end", 1), (TEXT.index("Zoë"), TEXT.index(" not"), "figure")),
    ):
        history.push(gesture())
        stored = _keys(engine, doc)
        assert stored.pop(ids[0]) == expected
        assert stored == others
        assert session.current == ids[0]
    assert len(history.steps) == 3  # the two relabels, then the moves as one step
    history.push(session.delete())
    assert session.current is None
    history.push(session.delete())
    assert _keys(engine, doc) == others
    history.undo()
    assert session.current == ids[0]
    assert _keys(engine, doc)[ids[0]] == (TEXT.index("Zoë"), TEXT.index(" not"), "figure")
    history.undo()
    assert _keys(engine, doc)[ids[0]] == (start, end, "figure")
    assert session.current == ids[0]


def test_repeated_clicks_walk_out_through_nested_spans(engine, crowded) -> None:
    doc, _, ids = crowded
    session = AnnotationSession(engine, "alice")
    session.open(doc)
    inside_ice = TEXT.index("ICE") + 1
    session.click(inside_ice)
    assert session.current == ids[3]  # "ICE"
    session.click(inside_ice)
    assert session.current == ids[4]  # "ICE agents"
    session.click(inside_ice)
    assert session.current == ids[1]  # the quote
    session.click(inside_ice)
    assert session.current == ids[3]
    session.click(TEXT.index("left"))
    assert session.current is None


def test_text_selection_and_current_span_exclude_each_other(engine, crowded) -> None:
    doc, _, ids = crowded
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(ids[5])
    session.select_text(at("Zoë"))
    assert session.current is None
    history.push(session.tag("actor"))
    added = next(i for i, k in _keys(engine, doc).items() if k == (*at("Zoë"), "actor"))
    assert session.current == added and session.selection is None
    session.select_text((5, 5))
    assert session.selection is None and session.current == added


def test_a_selection_without_a_word_is_refused_in_words(engine, crowded) -> None:
    doc, _, _ = crowded
    session = AnnotationSession(engine, "alice")
    session.open(doc)
    dash = TEXT.index("—")
    session.select_text((dash - 1, dash + 2))
    with pytest.raises(InvalidSpan, match="holds no word"):
        session.tag("actor")
    History().push(session.tag("actor", snapping=False))
    assert (dash - 1, dash + 2, "actor") in _keys(engine, doc).values()


def test_undo_in_another_document_opens_it_and_chooses_the_span(engine, crowded) -> None:
    doc, other, ids = crowded
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(ids[6])
    history.push(session.tag("actor"))
    history.push(session.mark(Status.DONE))
    session.open(other)
    history.undo()
    assert session.document.id == doc and get_status(engine, doc, "alice") == Status.IN_PROGRESS
    session.open(other)
    history.undo()
    assert session.document.id == doc
    assert session.current == ids[6] and session.spans[ids[6]].label == "location"
    session.open(other)
    history.redo()
    assert (session.document.id, session.current) == (doc, ids[6])
    assert session.spans[ids[6]].label == "actor"


def test_undoing_a_delete_brings_back_its_notes(engine, crowded) -> None:
    doc, _, ids = crowded
    note, _ = add_note(engine, doc, "bob", "Is Señora Bass the mayor? 🙂", ids[7])
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(ids[7])
    history.push(session.delete())
    assert document_notes(engine, doc) == []
    history.undo()
    assert document_notes(engine, doc) == [note]
    assert session.current == ids[7]


def test_a_span_deleted_elsewhere_drops_the_step_and_the_current_span(engine, crowded) -> None:
    doc, _, ids = crowded
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(ids[2])
    delete_span(engine, ids[2], "alice")
    history.push(session.tag("actor"))
    assert history.steps == [] and "deleted elsewhere" in history.errors[0]
    assert ids[2] in session.stale().spans
    session.absorb(session.stale())
    assert session.current is None and ids[2] not in session.spans


def test_tagging_a_span_that_is_there_already_keeps_what_can_be_redone(engine, crowded) -> None:
    """Found by the state machine: the refused duplicate used to be pushed, and a pushed
    step discards the steps that could be redone."""
    doc, _, ids = crowded
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(ids[6])
    history.push(session.delete())
    history.undo()
    session.select_text(at("ICE"))
    assert session.tag("agency") is None
    history.redo()
    assert ids[6] not in _keys(engine, doc)
