"""Find in document (Ctrl+F): incremental matches on emoji text, F3 / Shift+F3, Enter then
a label key tags the match (undoable), Esc closes; the document filter moved to Ctrl+L."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.spans import Span
from annotator.store.spans import add_span, document_spans

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = (
    "🙂 Karen Bass 🎉 said: “Karen Bass will not stand for this.”\n"
    "Zoë Ruiz met KAREN BASS 🇺🇸 in Downey; bassist José played."
)
NAME = "Karen Bass"


def _starts(word: str) -> list[int]:
    found, at = [], TEXT.lower().find(word.lower())
    while at >= 0:
        found.append(at)
        at = TEXT.lower().find(word.lower(), at + 1)
    return found


def _crowd(engine, doc) -> None:
    """Nested and overlapping spans under the matches."""
    quote = TEXT.index("“")
    for span in (
        Span(quote, TEXT.index("”") + 1, "quote"),
        Span(0, TEXT.index(" said"), "figure"),
        Span(TEXT.index("Zoë"), TEXT.index(" met"), "actor"),
        Span(TEXT.index("Zoë"), TEXT.index(" in Downey"), "quote"),
    ):
        add_span(engine, doc, "alice", span)


def _open_find(qtbot, window, typed: str) -> None:
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL)
    assert window.find_bar.isVisible()
    assert QApplication.focusWidget() is window.find_bar.field
    qtbot.keyClicks(window.find_bar.field, typed)


def test_find_marks_every_match_and_steps_with_f3(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    _crowd(engine, doc)
    window = make_window()
    view, bar = window.text_view, window.find_bar
    assert not bar.isVisible()
    _open_find(qtbot, window, "bas")
    starts = _starts("bas")
    assert len(starts) == 4  # three names and "bassist", case-insensitive
    assert bar.count_label.text() == "1 of 4"
    assert view.selected_range() == (starts[0], starts[0] + 3)
    assert len(view.extraSelections()) == 4

    qtbot.keyClicks(bar.field, "sx")
    assert bar.count_label.text() == "No matches"
    assert view.extraSelections() == []
    for _ in "bassx":
        qtbot.keyClick(bar.field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(bar.field, NAME)
    names = _starts(NAME)
    assert bar.count_label.text() == "1 of 3"
    assert view.selected_range() == (names[0], names[0] + len(NAME))

    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert view.selected_range() == (names[1], names[1] + len(NAME))
    assert bar.count_label.text() == "2 of 3"
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)  # wraps to the first
    assert view.selected_range() == (names[0], names[0] + len(NAME))
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)  # and back to the last
    assert view.selected_range() == (names[2], names[2] + len(NAME))

    bar.case_box.setChecked(True)
    assert bar.count_label.text() == "1 of 2"
    bar.word_box.setChecked(True)
    bar.case_box.setChecked(False)
    bar.field.clear()
    qtbot.keyClicks(bar.field, "bass")
    assert bar.count_label.text().endswith("of 3")  # not "bassist"

    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert view.extraSelections() == []
    assert QApplication.focusWidget() is view
    assert len(document_spans(engine, doc, "alice")) == 4  # finding changed nothing


def test_enter_then_a_label_key_tags_the_match(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    _crowd(engine, doc)
    window = make_window()
    view, bar = window.text_view, window.find_bar
    before = {s.key for s in document_spans(engine, doc, "alice")}
    _open_find(qtbot, window, NAME)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)  # the second: inside the quote
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view
    assert bar.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_1)
    names = _starts(NAME)
    added = {s.key for s in document_spans(engine, doc, "alice")} - before
    assert added == {(names[1], names[1] + len(NAME), "actor")}

    qtbot.keyClick(view, Qt.Key.Key_F3)  # on to the third, "KAREN BASS", and tag it too
    assert view.selected_range() == (names[2], names[2] + len(NAME))
    qtbot.keyClick(view, Qt.Key.Key_1)
    added = {s.key for s in document_spans(engine, doc, "alice")} - before
    assert added == {(n, n + len(NAME), "actor") for n in names[1:]}

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert {s.key for s in document_spans(engine, doc, "alice")} == before
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # in the text, Esc clears the selection only
    assert bar.isVisible()


def test_find_follows_the_open_document(qtbot, engine, make_window, add_docs) -> None:
    add_docs(TEXT, "No name here.\nKaren Bass is elsewhere 🙂, Karen Bass again.")
    window = make_window()
    bar = window.find_bar
    _open_find(qtbot, window, NAME)
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(window.text_view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert bar.count_label.text() == "2"  # matches marked, none chosen yet
    qtbot.keyClick(window.text_view, Qt.Key.Key_F3)
    second = window.text_view.text()
    start = second.index(NAME)
    assert window.text_view.selected_range() == (start, start + len(NAME))


def test_ctrl_l_filters_documents_and_labels_moved(qtbot, make_window, add_docs) -> None:
    add_docs(TEXT)
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_L, CTRL)
    assert QApplication.focusWidget() is window.browser.filter_box
    keys = {a.text().replace("&", ""): a.shortcut().toString() for a in window.actions()}
    assert keys["Filter documents"] == "Ctrl+L"
    assert keys["Labels…"] == "Ctrl+Shift+L"
    assert keys["Find in document"] == "Ctrl+F"
    assert keys["Search the corpus…"] == "Ctrl+Shift+F"
    assert keys["Flag and go to the next…"] == "Ctrl+Shift+K"
