"""The review window driven through its widgets: keys, buttons, the span list, the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.core.review import GOLD
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.notes import document_notes
from annotator.store.review import gold_layer, reviewed_documents
from annotator.store.spans import add_span, document_spans
from annotator.ui.review.agreement_view import AgreementModel
from annotator.ui.review.spans import ReviewSpanModel
from annotator.ui.review.window import ReviewWindow
from tests.crowd import EVERYONE, LAYERS, TEXT, add_crowd, words
from tests.ui.conftest import select_text


def _span(text: str, words: str, label: str, nth: int = 0) -> Span:
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return Span(at, at + len(words), label)


def _open_review(qtbot, engine, doc: int) -> ReviewWindow:
    window = ReviewWindow(engine, "rev")
    qtbot.addWidget(window)
    window.open_document(doc)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def review(qtbot, engine, seed_document):
    text = seed_document.text
    doc = add_documents(engine, [seed_document]).ids[0]
    both = [
        _span(text, "US Immigration and Customs Enforcement", "agency"),
        _span(text, "downtown Los Angeles", "location"),
        _span(text, "a woman", "actor"),
    ]
    ana = [
        *both,
        _span(text, "at least 44 people", "figure"),
        _span(text, "Paramount", "location"),
        _span(text, "bystanders", "actor"),
    ]
    ben = [
        *both,
        _span(text, "44 people", "figure"),
        _span(text, "Paramount", "agency"),
        _span(text, "Border Patrol personnel", "actor"),
    ]
    for who, spans in (("ana", ana), ("ben", ben)):
        for span in spans:
            add_span(engine, doc, who, span)
    return _open_review(qtbot, engine, doc), doc, text


def _gold(engine, doc) -> set[tuple]:
    return {(g.span.key, g.sources) for g in gold_layer(engine, doc)}


def _key(window, qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.span_list, key, modifier)


def test_reviewer_accepts_rejects_edits_and_undo_restores_gold(qtbot, engine, review) -> None:
    window, doc, text = review
    agency = _span(text, "US Immigration and Customs Enforcement", "agency")
    downtown = _span(text, "downtown Los Angeles", "location")
    woman = _span(text, "a woman", "actor")
    figures = (_span(text, "at least 44 people", "figure"), _span(text, "44 people", "figure"))
    paramount = _span(text, "Paramount", "location")
    border = _span(text, "Border Patrol personnel", "actor")
    bystanders = _span(text, "bystanders", "actor")

    assert len(window.session.disagreements) == 4
    assert window.current_group().start == figures[0].start

    _key(window, qtbot, Qt.Key.Key_A)  # accept every agreed span
    agreed = {(s.key, ("ana", "ben")) for s in (agency, downtown, woman)}
    assert _gold(engine, doc) == agreed

    _key(window, qtbot, Qt.Key.Key_2)  # ben's "44 people"
    step1 = agreed | {(figures[1].key, ("ben",))}
    assert _gold(engine, doc) == step1

    # the cursor moves on by itself: Border Patrol personnel, only ben has it
    assert window.current_group().start == border.start
    _key(window, qtbot, Qt.Key.Key_X)
    assert _gold(engine, doc) == step1

    # on to Paramount: location (ana) or agency (ben)
    assert window.current_group().start == paramount.start
    qtbot.mouseClick(window.findChild(type(window.buttons["next"]), "accept-ana"), Qt.LeftButton)
    step2 = step1 | {(paramount.key, ("ana",))}
    assert _gold(engine, doc) == step2

    # on to bystanders: ana's actor; the reviewer edits it
    assert window.current_group().start == bystanders.start
    _key(window, qtbot, Qt.Key.Key_E)
    dialog = window.edit_dialog
    qtbot.waitExposed(dialog)
    assert dialog.preview.text() == "bystanders"
    dialog.label.setFocus()
    qtbot.keyClicks(dialog.label, "agency")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)
    assert _gold(engine, doc) == step2 | {
        (Span(bystanders.start, bystanders.end, "agency").key, ())
    }
    _key(window, qtbot, Qt.Key.Key_P)  # every group is decided: the cursor stayed; back one
    _key(window, qtbot, Qt.Key.Key_N)
    assert window.current_group().start == bystanders.start
    _key(
        window,
        qtbot,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    edited = Span(bystanders.start, bystanders.end + len(" jeered"), "agency")
    step3 = step2 | {(edited.key, ())}
    assert _gold(engine, doc) == step3

    _key(window, qtbot, Qt.Key.Key_P)  # back to Paramount: change of mind, ben's agency
    _key(window, qtbot, Qt.Key.Key_2)
    step4 = (step3 - {(paramount.key, ("ana",))}) | {
        (_span(text, "Paramount", "agency").key, ("ben",))
    }
    assert _gold(engine, doc) == step4

    relabelled = step2 | {(Span(bystanders.start, bystanders.end, "agency").key, ())}
    undone = (step3, relabelled, step2, step1, step1, agreed, set())  # a rejection is a step
    for before in undone:
        _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert _gold(engine, doc) == before
    _key(
        window,
        qtbot,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier,
    )
    assert _gold(engine, doc) == agreed
    assert "gold: 3 spans" in window.counts.text()


def test_accepting_a_version_replaces_the_one_chosen_before(qtbot, engine, review) -> None:
    window, doc, text = review
    _key(window, qtbot, Qt.Key.Key_1)
    _key(window, qtbot, Qt.Key.Key_P)  # the cursor moved on; back to the figures
    _key(window, qtbot, Qt.Key.Key_2)
    assert _gold(engine, doc) == {(_span(text, "44 people", "figure").key, ("ben",))}
    _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _gold(engine, doc) == {(_span(text, "at least 44 people", "figure").key, ("ana",))}


def test_notes_on_a_span_show_in_the_span_list(qtbot, engine, review) -> None:
    window, doc, text = review
    model = window.span_model
    row = next(
        i
        for i in range(model.rowCount())
        if model.row_at(i).span.key == _span(text, "Paramount", "agency").key
    )
    rect = window.span_list.visualRect(model.index(row, 0))
    qtbot.mouseClick(window.span_list.viewport(), Qt.LeftButton, pos=rect.center())
    _key(window, qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.note_edit.hasFocus()
    qtbot.keyClicks(window.note_edit, "the city, not an agency")
    qtbot.keyClick(window.note_edit, Qt.Key.Key_Return)
    [note] = document_notes(engine, doc)
    assert (note.annotator, note.text) == ("rev", "the city, not an agency")
    assert model.data(model.index(row, 5)) == "rev: the city, not an agency"
    _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document_notes(engine, doc) == []


def test_a_hidden_layer_is_not_drawn_but_still_disagrees(qtbot, review) -> None:
    window, _, text = review
    border = _span(text, "Border Patrol personnel", "actor")  # ben's alone
    bystanders = _span(text, "bystanders", "actor")  # ana's alone
    assert window.merged.span_at(border.start) is not None
    qtbot.mouseClick(window.layer_boxes["ben"], Qt.LeftButton)
    assert window.session.visible == ("ana",)
    assert window.merged.span_at(border.start) is None
    assert window.merged.span_at(bystanders.start) is not None
    assert len(window.session.disagreements) == 4
    assert "ben (hidden)" in window.decision.text()
    qtbot.keyClick(window.span_list, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.session.visible == ("ana", "ben"))
    assert window.merged.span_at(border.start) is not None


def test_mark_reviewed_and_agreement_view(qtbot, engine, review) -> None:
    window, doc, _ = review
    _key(window, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert reviewed_documents(engine) == {doc}
    _key(window, qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    view = window.agreement_view
    qtbot.waitExposed(view)
    assert view.model.rowCount() == 5  # four labels used, then overall
    bars = {(label, metric): value for label, metric, value in view.chart.bars()}
    assert bars[("agency", "f1_exact")] == pytest.approx(2 * 1 / 3)
    assert bars[("actor", "f1_exact")] == pytest.approx(2 * 1 / 4)
    view.scope.setCurrentIndex(view.CORPUS)
    assert view.summary.text().endswith(" · 1 document")
    assert GOLD not in view.summary.text()


def test_models_pass_the_model_tester(qtmodeltester, review) -> None:
    window, _, _ = review
    assert isinstance(window.span_model, ReviewSpanModel)
    qtmodeltester.check(window.span_model)
    view = window.show_agreement()
    assert isinstance(view.model, AgreementModel)
    qtmodeltester.check(view.model)


def test_review_from_the_main_window_and_the_list_filters(qtbot, engine, make_window, add_docs):
    ids = add_docs("ICE came to Paramount.", "Bass spoke.")
    add_span(engine, ids[0], "ben", Span(0, 3, "agency"))
    window = make_window()
    select_text(qtbot, window.text_view, 0, 3)
    qtbot.keyClick(window.text_view, Qt.Key.Key_2)
    select_text(qtbot, window.text_view, 12, 21)
    qtbot.keyClick(window.text_view, Qt.Key.Key_3)
    qtbot.keyClick(window.text_view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = window.review_window
    qtbot.addWidget(review)
    qtbot.waitExposed(review)
    assert review.session.visible == ("alice", "ben")
    assert [g.start for g in review.session.disagreements] == [12]

    box = window.browser.status_box
    box.setCurrentIndex(box.findText("Has disagreements"))
    assert window.browser.model.rowCount() == 1
    box.setCurrentIndex(box.findText("Reviewed"))
    assert window.browser.model.rowCount() == 0

    with qtbot.waitActive(review):
        review.activateWindow()
    _key(review, qtbot, Qt.Key.Key_A)
    assert _gold(engine, ids[0]) == {((0, 3, "agency"), ("alice", "ben"))}
    _key(review, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.browser.model.rowCount() == 1
    assert review.session.document_id == ids[1]  # marked reviewed, and on to the next
    assert "reviewed" not in review.counts.text()
    _key(review, qtbot, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert review.session.document_id == ids[0]
    assert "reviewed" in review.counts.text()


@pytest.fixture
def crowd(qtbot, engine):
    doc = add_crowd(engine)
    return _open_review(qtbot, engine, doc), doc


def _click_row(qtbot, window, key: tuple) -> None:
    model = window.span_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).span.key == key)
    rect = window.span_list.visualRect(model.index(row, 0))
    qtbot.mouseClick(window.span_list.viewport(), Qt.LeftButton, pos=rect.center())


def type_note(qtbot, window, text: str) -> None:
    """Ctrl+M, the text as key presses (QTest spells ASCII only), Return."""
    _key(window, qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(window.note_edit, event)
    qtbot.keyClick(window.note_edit, Qt.Key.Key_Return)


def _spans_by_id(engine, doc) -> dict[int, Span]:
    return {s.id: s for s in document_spans(engine, doc)}


EVERYONE_GOLD = {(s.key, ("ana", "ben", "cy")) for s in EVERYONE}


@pytest.mark.parametrize("hidden", [["cy"], ["ben", "cy"], ["ana"], []])
def test_accept_agreed_counts_hidden_layers_too(qtbot, engine, crowd, hidden) -> None:
    window, doc = crowd
    for name in hidden:
        qtbot.mouseClick(window.layer_boxes[name], Qt.LeftButton)
    _key(window, qtbot, Qt.Key.Key_A)
    assert _gold(engine, doc) == EVERYONE_GOLD
    _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _gold(engine, doc) == set()


def test_accept_agreed_never_takes_a_span_one_annotator_alone_has(qtbot, engine) -> None:
    doc = add_crowd(engine, {"ana": LAYERS["ana"]})
    window = _open_review(qtbot, engine, doc)
    _key(window, qtbot, Qt.Key.Key_A)
    assert _gold(engine, doc) == set()


def test_a_note_goes_to_the_span_shown_after_a_decision(qtbot, engine, crowd) -> None:
    window, doc = crowd
    paramount = words(TEXT, "Paramount", "location")
    _click_row(qtbot, window, paramount.key)
    _key(window, qtbot, Qt.Key.Key_1)  # ana's location; the cursor moves on
    assert (paramount.key, ("ana", "cy")) in _gold(engine, doc)
    assert window.session.selected != paramount.key
    _click_row(qtbot, window, paramount.key)
    type_note(qtbot, window, "Paramount es una ciudad 🏙")
    [note] = document_notes(engine, doc)
    assert note.text == "Paramount es una ciudad 🏙"
    assert note.span_id is not None
    assert _spans_by_id(engine, doc)[note.span_id].key == paramount.key


def test_a_note_goes_to_the_disagreement_walked_to(qtbot, engine, crowd) -> None:
    window, doc = crowd
    _key(window, qtbot, Qt.Key.Key_N)
    _key(window, qtbot, Qt.Key.Key_X)  # the cursor moves on by itself
    type_note(qtbot, window, "¿cuántas personas?")
    [note] = document_notes(engine, doc)
    region = window.merged.selected_range()
    assert region is not None and note.span_id is not None
    span = _spans_by_id(engine, doc)[note.span_id]
    assert span.start < region[1] and region[0] < span.end
    assert "44 personas" in TEXT[region[0] : region[1]]


def test_a_note_with_nothing_selected_goes_to_the_document(qtbot, engine, crowd) -> None:
    window, doc = crowd
    _key(window, qtbot, Qt.Key.Key_N)
    _key(window, qtbot, Qt.Key.Key_Escape)
    type_note(qtbot, window, "segunda pasada")
    [note] = document_notes(engine, doc)
    assert (note.text, note.span_id) == ("segunda pasada", None)
    _click_row(qtbot, window, words(TEXT, "LAPD", "agency").key)
    type_note(qtbot, window, "agency, all agree")
    notes = document_notes(engine, doc)
    assert _spans_by_id(engine, doc)[notes[1].span_id].key == words(TEXT, "LAPD", "agency").key


def test_mark_reviewed_is_undoable_between_gold_decisions(qtbot, engine, crowd) -> None:
    window, doc = crowd
    _key(window, qtbot, Qt.Key.Key_A)
    _key(window, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert reviewed_documents(engine) == {doc}
    _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reviewed_documents(engine) == set()
    assert _gold(engine, doc) == EVERYONE_GOLD
    redo = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    _key(window, qtbot, Qt.Key.Key_Z, redo)
    assert reviewed_documents(engine) == {doc}
    reopen = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    _key(window, qtbot, Qt.Key.Key_Return, reopen)
    assert reviewed_documents(engine) == set()
    for reviewed, gold in (({doc}, EVERYONE_GOLD), (set(), EVERYONE_GOLD), (set(), set())):
        _key(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert (reviewed_documents(engine), _gold(engine, doc)) == (reviewed, gold)


def test_layer_keys_follow_the_document_open(qtbot, engine, crowd) -> None:
    window, first = crowd
    second = add_crowd(engine, {"ben": LAYERS["ben"], "dee": LAYERS["cy"]}, tail=" Fin.")
    window.open_document(second)
    shown = lambda: [n for n, box in window.layer_boxes.items() if box.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: shown() == ["ben", "dee"])
    qtbot.keyClick(window.span_list, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.session.visible == ("dee",))
    window.open_document(first)
    assert window.session.visible == ("ana", "cy")
    qtbot.keyClick(window.span_list, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.session.visible == ("ana",))


def test_focus_coming_back_to_the_span_list_selects_nothing(qtbot, engine, crowd) -> None:
    window, doc = crowd
    _key(window, qtbot, Qt.Key.Key_Escape)
    for text in ("primera", "segunda"):
        type_note(qtbot, window, text)
    assert [n.span_id for n in document_notes(engine, doc)] == [None, None]
    assert window.session.selected is None and window.span_list.selectedIndexes() == []
