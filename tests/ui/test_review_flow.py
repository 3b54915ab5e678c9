"""Working through a review by keys: the cursor moves on after each decision, the counts
and the look of each disagreement follow decisions and undo, gold ends move in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store.review import gold_layer, reviewed_documents
from annotator.ui.review.window import UNDECIDED_MARK, ReviewWindow
from tests.crowd import TEXT, add_crowd, words

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
    assert not _caption(window, paramount).startswith(UNDECIDED_MARK)
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
    for _ in range(3):  # five steps were taken: the last "end left" had nowhere to go
        _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _gold(window) == {words(TEXT, "a 44 personas en", "figure").key}


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
