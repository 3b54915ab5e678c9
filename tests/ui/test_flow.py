"""Moving through the corpus, identity, the label dialog and what is remembered on restart."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog

from annotator.core.spans import Span
from annotator.store.labels import get_schema
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, get_status
from annotator.ui.app import run_app
from annotator.ui.preferences import Preferences
from annotator.ui.session import open_window
from tests.crowded import SPANS, TEXT, at
from tests.ui.conftest import click_word, select_text

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _answer_dialog(qtbot, fill) -> list[str]:
    """Run ``fill(dialog)`` on the next modal dialog; returns what was seen, for asserts."""
    seen: list[str] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        seen.append(dialog.windowTitle())
        fill(dialog)

    QTimer.singleShot(0, act)
    return seen


def _refocus(qtbot, window) -> None:
    """Give the window back the keyboard after a dialog, as the window manager does."""
    with qtbot.waitActive(window):
        window.activateWindow()
    window.text_view.setFocus()


def _open_id(window) -> int:
    return window.workspace.document.id


def test_first_span_starts_and_ctrl_enter_finishes(qtbot, engine, make_window, add_docs) -> None:
    ids = add_docs("ICE came.", "Bass spoke.", "Lyons said.")
    window = make_window()
    view = window.text_view
    assert get_status(engine, ids[0], "alice") == Status.NEW
    select_text(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert get_status(engine, ids[0], "alice") == Status.IN_PROGRESS
    assert window.statusBar().status.text() == "In progress"
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert get_status(engine, ids[0], "alice") == Status.DONE
    assert _open_id(window) == ids[1]
    assert window.statusBar().position.text() == "Document 2 of 3"
    assert "done" in window.browser.model.index(0, 2).data()


def test_next_previous_and_next_unfinished(qtbot, engine, make_window, add_docs) -> None:
    ids = add_docs("One.", "Two.", "Three.", "Four.")
    window = make_window()
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT)
    assert _open_id(window) == ids[1]
    qtbot.keyClick(view, Qt.Key.Key_Up, ALT)
    assert _open_id(window) == ids[0]
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert _open_id(window) == ids[2]
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT)
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)
    assert _open_id(window) == ids[2]
    qtbot.keyClick(view, Qt.Key.Key_Up, ALT)
    assert window.text_view.toPlainText() == "Two."


def test_undo_goes_back_to_the_document_it_changed(qtbot, engine, make_window, add_docs) -> None:
    ids = add_docs(TEXT, "Bass spoke.")
    crowd = [add_span(engine, ids[0], "alice", span)[0] for span in SPANS]
    window = make_window()
    view = window.text_view
    start, end = at("44 people")
    click_word(qtbot, view, start + 1)
    qtbot.keyClick(view, Qt.Key.Key_2)
    select_text(qtbot, view, *at("Zoë"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT)
    assert _open_id(window) == ids[1]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _open_id(window) == ids[0]
    assert document_spans(engine, ids[0], "alice") == sorted(
        [*crowd[:5], Span(start, end, "agency"), *crowd[6:]]
    )
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _open_id(window) == ids[0]
    assert document_spans(engine, ids[0], "alice") == sorted(crowd)
    assert window.workspace.current_span == view.current_span_id() == crowd[5].id


def test_clicking_a_document_in_the_list_opens_it(qtbot, engine, make_window, add_docs) -> None:
    ids = add_docs("First.", "Second.")
    window = make_window()
    table = window.browser.table
    rect = table.visualRect(table.model().index(1, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _open_id(window) == ids[1]
    qtbot.keyClicks(window.browser.filter_box, "first")
    qtbot.keyClick(window.browser.filter_box, Qt.Key.Key_Return)
    assert table.model().rowCount() == 1


def test_identity_is_asked_once_then_remembered(qtbot, engine, add_docs) -> None:
    add_docs("ICE came.")

    def fill(dialog: QInputDialog) -> None:
        dialog.setTextValue("  Bea  ")
        dialog.accept()

    seen = _answer_dialog(qtbot, fill)
    window = open_window(engine, None)
    qtbot.addWidget(window)
    assert seen == ["Who is annotating?"]
    assert window.workspace.annotator == "Bea"
    assert "Annotator: Bea" in window.statusBar().annotator.text()
    again = open_window(engine, None)
    qtbot.addWidget(again)
    assert again.workspace.annotator == "Bea"
    assert Preferences(again).annotator == "Bea"
    override = open_window(engine, "Cy")
    qtbot.addWidget(override)
    assert override.workspace.annotator == "Cy"


def test_switching_annotator_stores_later_spans_under_the_new_name(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs("ICE came to Paramount.")
    window = make_window()

    def fill(dialog: QInputDialog) -> None:
        dialog.setTextValue("dana")
        dialog.accept()

    _answer_dialog(qtbot, fill)
    window.switch_annotator()
    _refocus(qtbot, window)
    assert window.statusBar().annotator.text() == "Annotator: dana"
    select_text(qtbot, window.text_view, 0, 3)
    qtbot.keyClick(window.text_view, Qt.Key.Key_2)
    assert [s.label for s in document_spans(engine, doc, "dana")] == ["agency"]
    assert document_spans(engine, doc, "alice") == []


def test_layout_and_last_document_come_back(qtbot, engine, make_window, add_docs) -> None:
    ids = add_docs("First.", "Second.", "Third.")
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Down, ALT)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Down, ALT)
    window.resize(760, 560)  # the offscreen screen is 800x800
    window.splitter.setSizes([200, 360, 200])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window()
    assert _open_id(again) == ids[2]
    assert (again.width(), again.height()) == (760, 560)
    assert again.splitter.sizes() == sizes


def test_cheat_sheet_lists_the_keys(qtbot, make_window, add_docs) -> None:
    add_docs("Text.")
    window = make_window()
    rows: list[str] = []

    def read(dialog: QDialog) -> None:
        tree = dialog.tree
        for g in range(tree.topLevelItemCount()):
            group = tree.topLevelItem(g)
            rows.extend(
                f"{group.child(r).text(0)}: {group.child(r).text(1)}"
                for r in range(group.childCount())
            )
        dialog.reject()

    seen = _answer_dialog(qtbot, read)
    qtbot.keyClick(window.text_view, Qt.Key.Key_F1)
    assert seen == ["Keyboard shortcuts"]
    assert "Mark done and go to the next: Ctrl+Return, Ctrl+Enter" in rows
    assert "actor: 1" in rows
    assert "Undo: Ctrl+Z" in rows


def test_label_dialog_adds_a_label_and_refuses_deleting_one_in_use(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs("ICE came.")
    add_span(engine, doc, "alice", Span(0, 3, "agency"))
    add_span(engine, doc, "bob", Span(0, 3, "agency"))
    window = make_window()
    messages: list[str] = []

    def edit(dialog) -> None:
        dialog.name.setText("event")
        dialog.hotkey.setText("6")
        dialog.guideline.setPlainText("Things that <happen>")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        dialog.labels.setCurrentIndex(dialog.labels.model().index(1, 0))
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        messages.append(dialog.error.text())
        dialog.reject()

    _answer_dialog(qtbot, edit)
    window.edit_labels()
    _refocus(qtbot, window)
    assert get_schema(engine)["event"].hotkey == "6"
    assert messages == ["label 'agency' is used by 2 spans; relabel or delete them first"]
    assert "agency" in get_schema(engine)
    assert window.palette_view.model().rowCount() == 6
    select_text(qtbot, window.text_view, 4, 8)
    qtbot.keyClick(window.text_view, Qt.Key.Key_6)
    assert [s.label for s in document_spans(engine, doc, "alice")] == ["agency", "event"]


def test_a_database_that_cannot_open_is_a_message_and_exit_1(qtbot, tmp_path) -> None:
    texts: list[str] = []

    def read(box) -> None:
        texts.append(box.text())
        box.accept()

    _answer_dialog(qtbot, read)
    assert run_app(tmp_path) == 1
    assert texts == [f"Cannot open {tmp_path}:\n{tmp_path}: is a folder, not a database file"]


def test_other_tools_plug_into_the_file_and_review_menus(qtbot, make_window, add_docs) -> None:
    add_docs("Text.")
    window = make_window()
    calls: list[str] = []
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts[:2] == ["&Import…", "&Export…"]
    assert all(a.isEnabled() for a in window.file_menu.actions()[:2]), "dialogs wired in"
    backup = window.add_file_action("&Backup…", lambda: calls.append("export"), ["Ctrl+E"])
    assert backup is window.file_menu.actions()[2] and backup.isEnabled()
    window.add_review_action("&Compare", lambda: calls.append("review"), ["Ctrl+Alt+R"])
    assert window.review_menu.menuAction().isVisible()
    assert window.review_menu.actions()[-1].text() == "&Compare"
    qtbot.keyClick(window.text_view, Qt.Key.Key_E, CTRL)
    qtbot.keyClick(window.text_view, Qt.Key.Key_R, CTRL | ALT)
    assert calls == ["export", "review"]
