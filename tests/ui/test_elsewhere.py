"""Another program writes to the open database: the window reloads and says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.store.status import Status, set_status
from annotator.ui.elsewhere import ElsewhereWatcher
from tests.ui.conftest import select_text

TEXT = "ICE agents arrested 44 people in Paramount on Friday."
RELOADED = "This document was changed elsewhere; reloaded"


def test_a_span_added_by_another_window_appears_with_a_message(
    qtbot, db_path, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    other = open_store(db_path)
    try:
        add_span(other, doc, "alice", Span(0, 3, "agency"))
        set_status(other, doc, "alice", Status.DONE)
    finally:
        other.dispose()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.currentMessage() == RELOADED, timeout=5000)
    assert window.text_view.span_at(1) is not None
    assert window.span_table.model().rowCount() == 1
    assert bar.spans.text() == "1 span"
    assert bar.status.text() == "Done"


def test_own_edits_are_not_taken_for_changes_elsewhere(
    qtbot, db_path, make_window, add_docs
) -> None:
    add_docs(TEXT)
    window = make_window()
    select_text(qtbot, window.text_view, 0, 3)
    qtbot.keyClick(window.text_view, Qt.Key.Key_1)
    qtbot.wait(ElsewhereWatcher.INTERVAL_MS + 500)
    assert RELOADED not in window.statusBar().currentMessage()
    other = open_store(db_path)
    try:
        add_documents(other, [Document(text="Another article.", title="Another")])
    finally:
        other.dispose()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.position.text() == "Document 1 of 2", timeout=5000)
    assert RELOADED not in bar.currentMessage()


def test_coming_back_to_the_app_reloads_at_once(qtbot, db_path, make_window, add_docs) -> None:
    (doc,) = add_docs(TEXT)
    window = make_window()
    window.workspace.findChild(ElsewhereWatcher).timer.stop()
    other = open_store(db_path)
    try:
        add_span(other, doc, "alice", Span(4, 10, "actor"))
    finally:
        other.dispose()
    QGuiApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert window.statusBar().currentMessage() == RELOADED
    assert window.text_view.span_at(5) is not None
