"""The review session's rules, without widgets, on the three-annotator document."""

from __future__ import annotations

import pytest

from annotator.session.review import ReviewSession, State
from annotator.store.notes import document_notes
from annotator.store.review import gold_layer, reviewed_documents
from annotator.store.spans import document_spans
from tests.crowd import EVERYONE, LAYERS, TEXT, add_crowd, words


@pytest.fixture
def session(engine) -> ReviewSession:
    session = ReviewSession(engine, "rev")
    session.open(add_crowd(engine))
    return session


def _run(session: ReviewSession, command) -> None:
    assert command is not None
    command.do()
    session.refresh()


def test_hiding_layers_changes_nothing_but_what_is_drawn(session) -> None:
    before = ([g.start for g in session.disagreements], session.current, session.selected)
    session.set_visible("cy", False)
    session.set_visible("ana", False)
    assert ([g.start for g in session.disagreements], session.current, session.selected) == before
    assert session.visible == ("ben",)
    assert {r.span.key for r in session.shown_rows()} == {s.key for s in LAYERS["ben"]}
    _run(session, session.accept_agreed())
    assert {g.span.key for g in gold_layer(session.engine, session.document_id)} == {
        s.key for s in EVERYONE
    }


def test_one_annotator_alone_agrees_with_nobody(engine) -> None:
    session = ReviewSession(engine, "rev")
    session.open(add_crowd(engine, {"ana": LAYERS["ana"]}))
    assert session.disagreements == session.groups
    assert all(row.disputed for row in session.rows)
    command = session.accept_agreed()
    assert command is not None
    command.do()
    assert command.obsolete and gold_layer(engine, session.document_id) == []


def test_the_selected_row_stays_through_decisions_and_takes_the_note(session) -> None:
    paramount = words(TEXT, "Paramount", "agency")
    session.select_row(paramount.key)
    group = session.current_group()
    assert group is not None and group.start == paramount.start
    for version in (0, 1, 2):
        _run(session, session.accept(version))
        assert (session.current_group(), session.selected) == (group, paramount.key)
    _run(session, session.add_note("  agencia, no lugar  "))
    [note] = document_notes(session.engine, session.document_id)
    owner = {s.id: s for s in document_spans(session.engine, session.document_id)}[note.span_id]
    assert (owner.key, owner.annotator, note.text) == (paramount.key, "ben", "agencia, no lugar")
    session.clear_selection()
    _run(session, session.add_note("otra vez"))
    assert document_notes(session.engine, session.document_id)[1].span_id is None


def test_mark_reviewed_undo_restores_the_status_it_replaced(session) -> None:
    doc = session.document_id
    command = session.toggle_reviewed()
    assert command is not None
    command.do()
    session.refresh()
    assert session.reviewed and reviewed_documents(session.engine) == {doc}
    reopen = session.toggle_reviewed()
    assert reopen is not None
    reopen.do()
    reopen.undo()
    command.undo()
    session.refresh()
    assert not session.reviewed and reviewed_documents(session.engine) == set()


def test_walking_wraps_around_the_disagreements(session) -> None:
    starts = [g.start for g in session.disagreements]
    seen = []
    for _ in range(len(starts) + 1):
        seen.append(session.current_group().start)
        session.next_disagreement()
    assert seen == [*starts, starts[0]]
    session.open(session.document_id)
    session.previous_disagreement()
    assert session.current_group().start == starts[-1]


def test_a_rejection_is_kept_for_the_next_review_and_undo_forgets_it(session) -> None:
    paramount = words(TEXT, "Paramount", "agency")
    session.select_row(paramount.key)
    group = session.current_group()
    assert group is not None
    command = session.reject()
    _run(session, command)
    later = ReviewSession(session.engine, "rev2")  # another review of the document
    later.open(session.document_id)
    decided = next(g for g in later.groups if g.start == group.start)
    assert str(later.state(decided)) == "rejected"
    assert later.counts()[State.REJECTED] == 1
    command.undo()
    later.refresh()
    assert str(later.state(decided)) == "undecided"
    command.do()  # redo records it again
    later.refresh()
    assert str(later.state(decided)) == "rejected"
