"""Tagging with the keyboard and the mouse: what a person does lands in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.notes import add_note, document_notes
from annotator.store.spans import add_span, delete_span, document_spans
from tests.ui.conftest import char_point, click_word, select_text

TEXT = "ICE arrested at least 44 people on Friday in downtown Los Angeles."
QUOTED = "Then Karen Bass said: “Karen Bass will not stand for this.” And left."
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _at(words: str, label: str) -> Span:
    start = TEXT.index(words)
    return Span(start, start + len(words), label)


# Spans around the ones the editing tests make: nested, crossing, sharing ends.
NEIGHBOURS = (
    _at("44 people", "figure"),
    _at("arrested at least 44 people", "quote"),
    _at("people on Friday", "actor"),
    _at("downtown Los Angeles", "location"),
    _at("Los Angeles", "location"),
)


def _crowd(engine, doc) -> dict[int, tuple[int, int, str]]:
    """Add ``NEIGHBOURS`` to ``doc``; their ids and contents."""
    spans = [add_span(engine, doc, "alice", span)[0] for span in NEIGHBOURS]
    return {span.id: span.key for span in spans}


def _spans(engine, doc, who="alice", crowd=None):
    """The stored spans other than ``crowd``, which must all still be there unchanged."""
    stored = {s.id: s.key for s in document_spans(engine, doc, who)}
    for span_id, key in (crowd or {}).items():
        assert stored.pop(span_id) == key
    return sorted(stored.values())


def _tag(qtbot, window, start, end, key):
    select_text(qtbot, window.text_view, start, end)
    qtbot.keyClick(window.text_view, key)


def test_select_and_hotkey_stores_the_span(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    assert window.statusBar().saved.text() == ""
    start = TEXT.index("Los Angeles")
    _tag(qtbot, window, start, start + len("Los Angeles"), Qt.Key.Key_3)
    assert _spans(engine, doc) == [(start, start + 11, "location")]
    assert window.statusBar().saved.text() == "✓ Saved"
    assert window.statusBar().spans.text() == "1 span"
    assert window.text_view.span_at(start).label == "location"
    assert window.span_table.model().rowCount() == 1


def test_selection_snaps_to_whole_words_unless_turned_off(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    rough = TEXT.index("rrested"), TEXT.index("least") + 3
    _tag(qtbot, window, *rough, Qt.Key.Key_1)
    assert _spans(engine, doc) == [(TEXT.index("arrested"), TEXT.index(" 44"), "actor")]

    window.snap_action.trigger()
    _tag(qtbot, window, *rough, Qt.Key.Key_2)
    assert (*rough, "agency") in _spans(engine, doc)


def test_a_quote_holds_a_nested_actor(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(QUOTED)
    window = make_window()
    opening, closing = QUOTED.index("“"), QUOTED.index("”")
    _tag(qtbot, window, opening, closing + 1, Qt.Key.Key_5)
    name = QUOTED.index("Karen Bass will")
    _tag(qtbot, window, name, name + len("Karen Bass"), Qt.Key.Key_1)
    assert sorted(_spans(engine, doc), key=lambda s: s[2]) == [
        (name, name + 10, "actor"),
        (opening + 1, closing, "quote"),
    ]
    assert window.text_view.span_at(name).label == "actor"
    assert window.text_view.span_at(closing - 2).label == "quote"


def test_hotkey_on_a_selected_span_relabels_it(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    crowd = _crowd(engine, doc)
    window = make_window()
    start = TEXT.index("ICE")
    _tag(qtbot, window, start, start + 3, Qt.Key.Key_1)
    span_id = window.workspace.current_span
    qtbot.keyClick(window.text_view, Qt.Key.Key_Escape)
    assert window.workspace.current_span is None
    click_word(qtbot, window.text_view, start + 1)
    assert window.text_view.current_span_id() == span_id
    qtbot.keyClick(window.text_view, Qt.Key.Key_2)
    qtbot.keyClick(window.text_view, Qt.Key.Key_3)
    assert _spans(engine, doc, crowd=crowd) == [(0, 3, "location")]
    assert window.workspace.spans[span_id].label == "location"


def test_delete_removes_the_selected_span(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    crowd = _crowd(engine, doc)
    window = make_window()
    start = TEXT.index("Friday")
    _tag(qtbot, window, start, start + 6, Qt.Key.Key_4)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Escape)
    click_word(qtbot, window.text_view, start + 2)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
    assert _spans(engine, doc, crowd=crowd) == []
    assert window.text_view.span_at(start).key == _at("people on Friday", "actor").key
    assert window.span_table.model().rowCount() == len(NEIGHBOURS)


def test_undoing_a_delete_brings_back_the_spans_notes(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    span, _ = add_span(engine, doc, "alice", Span(0, 3, "agency"))
    note, _ = add_note(engine, doc, "bob", "Is this the agency or its officers?", span.id)
    window = make_window()
    click_word(qtbot, window.text_view, 1)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
    assert document_notes(engine, doc) == []
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc) == [(0, 3, "agency")]
    assert document_notes(engine, doc) == [note]


def test_boundaries_move_a_word_at_a_time(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    crowd = _crowd(engine, doc)
    window = make_window()
    start = TEXT.index("least")
    _tag(qtbot, window, start, start + len("least 44"), Qt.Key.Key_4)
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    assert _spans(engine, doc, crowd=crowd) == [
        (TEXT.index("at least"), TEXT.index(" on"), "figure")
    ]
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)
    assert _spans(engine, doc, crowd=crowd) == [(start, start + len("least 44"), "figure")]
    assert window.workspace.undo_stack.count() == 1  # moves there and back cancel out
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    assert _spans(engine, doc, crowd=crowd) == [(start, TEXT.index(" Friday"), "figure")]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc, crowd=crowd) == [(start, start + len("least 44"), "figure")]


def test_undo_and_redo_walk_every_edit(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    crowd = _crowd(engine, doc)
    window = make_window()
    view = window.text_view
    start = TEXT.index("ICE")
    _tag(qtbot, window, start, start + 3, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _spans(engine, doc, crowd=crowd) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc, crowd=crowd) == [(0, 3, "agency")]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc, crowd=crowd) == [(0, 3, "actor")]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc, crowd=crowd) == []
    assert view.span_at(0) is None
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _spans(engine, doc, crowd=crowd) == [(0, 3, "actor")]
    qtbot.keyClick(view, Qt.Key.Key_Y, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Y, CTRL)
    assert _spans(engine, doc, crowd=crowd) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(engine, doc, crowd=crowd) == [(0, 3, "agency")]
    assert view.span_at(1).id == window.workspace.current_span


def test_an_exact_duplicate_is_refused_quietly(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    _tag(qtbot, window, 0, 3, Qt.Key.Key_1)
    _tag(qtbot, window, 0, 3, Qt.Key.Key_1)
    assert _spans(engine, doc) == [(0, 3, "actor")]
    assert window.workspace.undo_stack.count() == 1
    assert window.statusBar().saved.text() == "✓ Saved"


def test_a_span_deleted_elsewhere_gives_a_message_not_a_crash(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    _tag(qtbot, window, 0, 3, Qt.Key.Key_1)
    (span,) = document_spans(engine, doc, "alice")
    delete_span(engine, span.id, "alice")  # another window of the same annotator
    qtbot.keyClick(window.text_view, Qt.Key.Key_2)
    bar = window.statusBar()
    assert bar.saved.text() == "Not saved"
    assert "deleted elsewhere" in bar.currentMessage()
    assert window.text_view.span_at(1) is None
    assert window.workspace.undo_stack.count() == 1
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert window.workspace.undo_stack.count() == 0
    _tag(qtbot, window, 4, 12, Qt.Key.Key_1)
    assert _spans(engine, doc) == [(4, 12, "actor")]


def test_emoji_before_the_span_keeps_code_point_offsets(
    qtbot, engine, make_window, add_docs
) -> None:
    text = "🙂🎉 Crowds gathered in Paramount today."
    (doc,) = add_docs(text)
    window = make_window()
    start = text.index("Paramount")
    _tag(qtbot, window, start, start + 9, Qt.Key.Key_3)
    assert _spans(engine, doc) == [(start, start + 9, "location")]
    assert text[start : start + 9] == "Paramount"


def test_html_looking_text_shows_literally(qtbot, engine, make_window, add_docs) -> None:
    text = "<b>Bold</b> claim <img src=x onerror=alert(1)> by ICE."
    add_docs(text)
    window = make_window()
    assert window.text_view.toPlainText() == text
    start = text.index("<b>")
    window.snap_action.trigger()
    _tag(qtbot, window, start, text.index(" claim"), Qt.Key.Key_1)
    model = window.span_table.model()
    assert model.index(0, 1).data() == "<b>Bold</b>"
    assert "&lt;b&gt;" in model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    documents = window.browser.model
    assert documents.index(0, 0).data() == text
    assert "&lt;img" in documents.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert window.windowTitle().startswith("<b>Bold</b>")


def test_span_list_click_selects_the_span_in_the_text(qtbot, engine, make_window, add_docs) -> None:
    add_docs(TEXT)
    window = make_window()
    _tag(qtbot, window, 0, 3, Qt.Key.Key_2)
    _tag(qtbot, window, TEXT.index("Friday"), TEXT.index(" in "), Qt.Key.Key_4)
    table = window.span_table
    rect = table.visualRect(table.model().index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    first = table.model().index(0, 0).data(Qt.ItemDataRole.UserRole)
    assert window.text_view.current_span_id() == first
    assert window.text_view.span_at(0).id == first


def test_clicking_a_label_tags_the_selection(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    select_text(qtbot, window.text_view, 0, 3)
    palette = window.palette_view
    rect = palette.visualRect(palette.model().index(1, 0))
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _spans(engine, doc) == [(0, 3, "agency")]


def test_saved_shows_only_for_own_commits(qtbot, db_path, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    elsewhere = open_store(db_path)  # a second window, same person
    add_span(elsewhere, doc, "alice", Span(0, 3, "agency"))
    elsewhere.dispose()
    assert window.workspace.reload_if_changed_elsewhere()
    assert window.text_view.span_at(1).label == "agency"
    assert window.statusBar().saved.text() == ""
    assert window.browser.table.currentIndex().row() == 0


def test_double_click_a_word_then_hotkey(qtbot, engine, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    view = window.text_view
    start = TEXT.index("Friday")
    point = char_point(view, start + 2)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert _spans(engine, doc) == [(start, start + 6, "figure")]
