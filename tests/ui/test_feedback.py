"""Feedback a person gets for keys that do nothing, and status messages that replace each
other and fade."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.store.spans import document_spans
from tests.ui.conftest import click_word, select_text

TEXT = "Ação em São Paulo 🇧🇷: a PF prendeu 12 pessoas, disse a ministra Marina Silva."


def _key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.text_view, key, modifier)


def test_label_keys_that_do_nothing_say_why(qtbot, engine, make_window, add_docs) -> None:
    doc, _ = add_docs(TEXT, "Outro documento.")
    window = make_window()
    bar = window.status_bar
    _key(qtbot, window, Qt.Key.Key_1)
    assert bar.currentMessage().startswith("Nothing selected")
    start = TEXT.index("São Paulo")
    select_text(qtbot, window.text_view, start, start + len("São Paulo"))
    _key(qtbot, window, Qt.Key.Key_3)
    assert [s.label for s in document_spans(engine, doc, "alice")] == ["location"]
    select_text(qtbot, window.text_view, start, start + len("São Paulo"))
    _key(qtbot, window, Qt.Key.Key_3)
    assert bar.currentMessage() == "Already tagged location there: nothing added"
    assert len(document_spans(engine, doc, "alice")) == 1
    assert window.workspace.undo_stack.count() == 1
    click_word(qtbot, window.text_view, start + 1)
    _key(qtbot, window, Qt.Key.Key_3)
    assert bar.currentMessage() == "The span is already location"
    _key(qtbot, window, Qt.Key.Key_1)
    assert [s.label for s in document_spans(engine, doc, "alice")] == ["actor"]


def test_the_newest_message_replaces_the_last_and_fades(qtbot, make_window, add_docs) -> None:
    add_docs(TEXT)
    window = make_window()
    bar = window.status_bar
    _key(qtbot, window, Qt.Key.Key_1)
    assert bar.currentMessage().startswith("Nothing selected")
    _key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert bar.currentMessage() == "No next document"
    shown = time.monotonic()
    qtbot.waitUntil(bar.fading, timeout=5000)
    assert bar.currentMessage() == "No next document"  # still there while it fades
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=5000)
    assert 2.0 < time.monotonic() - shown < 6.0
    _key(qtbot, window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert bar.currentMessage() == "No previous document"
    assert not bar.fading()


def _cheat_sheet(qtbot, window) -> dict[str, list[tuple[str, str]]]:
    """Open the cheat sheet with F1; its groups and (action, keys) rows as shown."""
    shown: dict[str, list[tuple[str, str]]] = {}

    def read() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, read)
            return
        tree = dialog.tree
        for g in range(tree.topLevelItemCount()):
            group = tree.topLevelItem(g)
            shown[group.text(0)] = [
                (group.child(r).text(0), group.child(r).text(1)) for r in range(group.childCount())
            ]
        dialog.reject()

    QTimer.singleShot(0, read)
    _key(qtbot, window, Qt.Key.Key_F1)
    return shown


def test_cheat_sheet_groups_every_key_and_none_is_blank(qtbot, make_window, add_docs) -> None:
    add_docs(TEXT)
    window = make_window()
    start = TEXT.index("Marina Silva")
    select_text(qtbot, window.text_view, start, start + len("Marina Silva"))
    _key(qtbot, window, Qt.Key.Key_1)
    _key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # marks done
    shown = _cheat_sheet(qtbot, window)
    assert list(shown) == ["Annotate", "Suggest", "Navigate", "Review", "App"]
    rows = [row for group in shown.values() for row in group]
    assert all(what and keys for what, keys in rows)
    assert ("Undo", "Ctrl+Z") in shown["Annotate"]
    assert ("actor", "1") in shown["Annotate"]
    assert ("Next document", "Alt+Down, Ctrl+PgDown") in shown["Navigate"]
    suggest = dict(shown["Suggest"])
    assert (suggest["Next suggestion"], suggest["Accept suggestion"]) == ("Tab", "Enter")
    assert (suggest["Accept all of its label"], suggest["Previous suggestion"]) == (
        "Shift+Enter",
        "Shift+Tab",
    )
    assert suggest["Reject suggestion (else delete span)"] == "Backspace"
    assert ("Quit", "Ctrl+Q") in shown["App"]
    assert ("Keyboard shortcuts", "F1, ?") in shown["App"]
    review = dict(shown["Review"])
    assert review["Review this document"] == "Ctrl+R"
    assert review["Next disagreement"] == "N"
    assert review["Reject all versions"] == "X"
    window_keys = {
        action.shortcut().toString()
        for action in window.actions()
        if not action.shortcut().isEmpty()
    }
    listed = {key for _, keys in rows for key in keys.split(", ")}
    assert window_keys <= listed
