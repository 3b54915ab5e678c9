"""Working through a review by keys: the cursor moves on after each decision, the counts
and the look of each disagreement follow decisions and undo, gold ends move in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store.notes import document_notes
from annotator.store.review import gold_layer, reviewed_documents
from annotator.store.spans import document_spans
from annotator.ui.review.window import REJECTED_MARK, UNDECIDED_MARK, ReviewWindow
from tests.crowd import TEXT, add_crowd, words
from tests.ui.test_review import type_note

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, engine) -> ReviewWindow:
    window = ReviewWindow(engine, "rev")
    qtbot.addWidget(window)
    window.open_document(add_crowd(engine))
    window.show()
    qtbot.waitExposed(window)
    return window


def _key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.span_list, key, modifier)


def _click_row(qtbot, window, key: tuple) -> None:
    model = window.span_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).span.key == key)
    window.span_list.scrollTo(model.index(row, 0))  # as the reviewer scrolls to it
    rect = window.span_list.visualRect(model.index(row, 0))
    qtbot.mouseClick(window.span_list.viewport(), Qt.LeftButton, pos=rect.center())


def _review_cell(window, key: tuple) -> tuple[str, object]:
    """The span list's Review column of the row of ``key``: its text and background."""
    model = window.span_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).span.key == key)
    index = model.index(row, model.COLUMNS.index("Review"))
    return model.data(index), model.data(index, Qt.ItemDataRole.BackgroundRole)


def _caption(window, span, inside: str = "") -> str:
    """The caption of the innermost span drawn at ``span``'s start (or at ``inside``)."""
    shown = window.merged.span_at(TEXT.index(inside) if inside else span.start)
    assert shown is not None
    return shown.label


def _gold(window) -> set[tuple]:
    return {g.span.key for g in gold_layer(window.session.engine, window.session.document_id)}


def test_decisions_move_on_and_every_view_follows(qtbot, window) -> None:
    total = len(window.session.disagreements)
    first = window.current_group()
    assert first is not None
    assert window.counts.text() == f"{total} undecided · 0 decided · gold: 0 spans"
    assert "(undecided)" in window.decision.text() and "Gold: none yet" in window.decision.text()
    karen = words(TEXT, "Karen Bass", "actor")  # everyone has it: no mark, plain label
    assert _caption(window, karen) == "actor"
    bass = words(TEXT, "Bass 🇺🇸, maire", "actor")  # cy alone
    assert _caption(window, bass, "🇺🇸") == f"{UNDECIDED_MARK} actor · cy"

    _key(qtbot, window, Qt.Key.Key_3)  # cy's version of the first disagreement
    assert window.current_group() != first
    cy = first.versions["cy"]
    assert len(cy) > 1
    assert window.counts.text() == f"{total - 1} undecided · 1 decided · gold: {len(cy)} spans"
    assert "(undecided)" in window.decision.text()
    decided = next(r for r in window.session.rows if r.gold_id is not None and r.disputed)
    assert not _caption(window, decided.span).startswith(UNDECIDED_MARK)
    assert _review_cell(window, decided.span.key)[0] == "decided"

    paramount = words(TEXT, "Paramount", "agency")  # ben's agency against ana's and cy's location
    _click_row(qtbot, window, paramount.key)
    undecided = _review_cell(window, paramount.key)
    assert undecided[0] == "undecided"
    _key(qtbot, window, Qt.Key.Key_X)
    assert window.session.current_group().start != paramount.start
    rejected = _review_cell(window, paramount.key)
    assert rejected[0] == "rejected"
    assert rejected[1] not in (undecided[1], _review_cell(window, decided.span.key)[1])
    assert window.counts.text() == (
        f"{total - 2} undecided · 2 decided (1 rejected) · gold: {len(cy)} spans"
    )
    assert _caption(window, paramount) == f"{REJECTED_MARK} agency · ben"
    _click_row(qtbot, window, paramount.key)
    assert "(rejected)" in window.decision.text()
    assert "Gold: nothing (every version rejected)" in window.decision.text()
    assert "none yet" not in window.decision.text()

    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _review_cell(window, paramount.key)[0] == "undecided"
    assert _caption(window, paramount).startswith(UNDECIDED_MARK)
    assert window.counts.text() == f"{total - 1} undecided · 1 decided · gold: {len(cy)} spans"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.counts.text() == f"{total} undecided · 0 decided · gold: 0 spans"
    assert _gold(window) == set()


def test_the_cursor_stays_once_everything_is_decided(qtbot, window) -> None:
    total = len(window.session.disagreements)
    for _ in range(total):
        _key(qtbot, window, Qt.Key.Key_X)
    assert (
        window.counts.text() == f"0 undecided · {total} decided ({total} rejected) · gold: 0 spans"
    )
    assert window.current_group() is not None


def test_gold_ends_move_a_word_at_a_time_in_place(qtbot, window) -> None:
    figure = words(TEXT, "44 personas", "figure")  # ana and ben; cy has "a 44 personas"
    _click_row(qtbot, window, figure.key)
    _key(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)  # no gold yet: from ana's version
    assert _gold(window) == {(figure.start, figure.end + len(" en"), "figure")}
    assert window.current_group().start <= figure.start < window.current_group().end
    _key(qtbot, window, Qt.Key.Key_Left, ALT)
    assert _gold(window) == {words(TEXT, "a 44 personas en", "figure").key}
    _key(qtbot, window, Qt.Key.Key_Left, ALT | SHIFT)
    _key(qtbot, window, Qt.Key.Key_Right, ALT)
    assert _gold(window) == {figure.key}
    for _ in range(4):  # the end never passes the start
        _key(qtbot, window, Qt.Key.Key_Left, ALT | SHIFT)
    assert _gold(window) == {words(TEXT, "44", "figure").key}
    assert "(decided)" in window.decision.text()
    # the first step made the gold span from ana's version; the word steps of that gold
    # span after it are one undo step
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _gold(window) == {(figure.start, figure.end + len(" en"), "figure")}
    assert "(decided)" in window.decision.text()
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _gold(window) == set() and "(undecided)" in window.decision.text()


def _notes(window) -> list[tuple[str, tuple | None]]:
    spans = {s.id: s.key for s in document_spans(window.session.engine, window.session.document_id)}
    return [
        (n.text, spans[n.span_id] if n.span_id is not None else None)
        for n in document_notes(window.session.engine, window.session.document_id)
    ]


def test_joined_gold_word_steps_undo_in_one_and_keep_the_spans_note(qtbot, window) -> None:
    figure = words(TEXT, "44 personas", "figure")
    longer = (figure.start, figure.end + len(" en"), "figure")  # ana's, one word right
    _click_row(qtbot, window, figure.key)
    _key(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)  # the gold span, from ana's version
    _click_row(qtbot, window, longer)  # the reviewer's own gold span: a note goes on it
    type_note(qtbot, window, "check en")
    assert _notes(window) == [("check en", longer)]
    for key, modifier in [(Qt.Key.Key_Left, ALT), (Qt.Key.Key_Left, ALT | SHIFT)]:
        _key(qtbot, window, key, modifier)
    assert _gold(window) == {words(TEXT, "a 44 personas", "figure").key}
    assert _notes(window) == []  # the note went with the span it was on
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)  # both steps at once: the span, its note
    assert _gold(window) == {longer} and _notes(window) == [("check en", longer)]
    _key(
        qtbot,
        window,
        Qt.Key.Key_Z,
        CTRL,
    )  # the note
    assert _notes(window) == [] and _gold(window) == {longer}
    _key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _notes(window) == [("check en", longer)]
    # steps that come back to where they began leave the span as it was, note and all, and
    # no step to undo: the next undo takes the note away
    moves = [(Qt.Key.Key_Left, ALT), (Qt.Key.Key_Left, ALT | SHIFT)]
    moves += [(Qt.Key.Key_Right, ALT | SHIFT), (Qt.Key.Key_Right, ALT)]
    for key, modifier in moves:
        _key(qtbot, window, key, modifier)
    assert _gold(window) == {longer} and _notes(window) == [("check en", longer)]
    assert window.undo_stack.undoText() == "add note"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _notes(window) == [] and _gold(window) == {longer}


def test_a_rejection_stays_when_the_review_is_opened_again(qtbot, engine, window) -> None:
    total = len(window.session.disagreements)
    first = window.current_group()
    _key(qtbot, window, Qt.Key.Key_X)  # the first disagreement: every version rejected
    paramount = words(TEXT, "Paramount", "agency")
    _click_row(qtbot, window, paramount.key)
    _key(qtbot, window, Qt.Key.Key_X)
    doc = window.session.document_id
    window.close()
    again = ReviewWindow(engine, "rev")
    qtbot.addWidget(again)
    again.open_document(doc)
    with qtbot.waitActive(again):
        again.show()
        again.activateWindow()
    assert again.counts.text() == f"{total - 2} undecided · 2 decided (2 rejected) · gold: 0 spans"
    assert _review_cell(again, paramount.key)[0] == "rejected"
    assert _caption(again, paramount) == f"{REJECTED_MARK} agency · ben"
    # the review goes on where it stopped: on the first undecided disagreement
    assert again.current_group() not in (first, None) and "(undecided)" in again.decision.text()
    _click_row(qtbot, again, paramount.key)
    assert "(rejected)" in again.decision.text()
    assert "Gold: nothing (every version rejected)" in again.decision.text()
    _key(qtbot, again, Qt.Key.Key_1)  # decided again: ana's version after all
    assert again.counts.text().startswith(f"{total - 2} undecided · 2 decided (1 rejected) · gold")
    _key(qtbot, again, Qt.Key.Key_Z, CTRL)
    assert again.counts.text() == f"{total - 2} undecided · 2 decided (2 rejected) · gold: 0 spans"


def test_documents_follow_one_another_by_keys(qtbot, engine, window) -> None:
    first = window.session.document_id
    second = add_crowd(engine, {"ana": [words(TEXT, "Paramount", "location")]}, tail=" Fin.")
    _key(qtbot, window, Qt.Key.Key_Up, ALT)
    assert window.session.document_id == first
    assert window.statusBar().currentMessage() == "No previous document."
    _key(qtbot, window, Qt.Key.Key_Down, ALT)
    assert window.session.document_id == second
    assert window.counts.text() == "1 undecided · 0 decided · gold: 0 spans"
    assert window.session.annotators == ("ana",)
    _key(qtbot, window, Qt.Key.Key_PageUp, CTRL)
    assert window.session.document_id == first
    _key(qtbot, window, Qt.Key.Key_Enter, CTRL)  # reviewed, and on to the next
    assert window.session.document_id == second
    assert first in reviewed_documents(engine) and second not in reviewed_documents(engine)
    _key(qtbot, window, Qt.Key.Key_Return, CTRL)  # the last one: reviewed, and it stays
    assert window.session.document_id == second
    assert reviewed_documents(engine) == {first, second}
    assert window.statusBar().currentMessage() == "No next document."


def test_at_900_by_600_both_texts_show_many_lines(qtbot, window) -> None:
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() <= 900)
    line = window.gold.fontMetrics().lineSpacing()
    for view in (window.merged, window.gold):  # side by side: each keeps most of the height
        assert view.viewport().height() >= 0.45 * window.height()
        assert view.viewport().width() >= 300
    assert window.decision.isVisible() and window.span_list.viewport().height() >= 3 * line


def test_at_900_by_600_every_column_of_the_span_list_shows(qtbot, window) -> None:
    """Long span texts give way (elided in the middle) so Label, Annotators, Gold, Review
    and Notes all stay in view without scrolling sideways."""
    window.resize(900, 600)
    table = window.span_list
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= table.viewport().width())
    assert table.columnWidth(0) >= 12 * table.fontMetrics().averageCharWidth()
    assert all(table.columnWidth(c) > 0 for c in range(header.count()))
