"""Skip (Ctrl+K) and Flag (Ctrl+Shift+K, with a reason) set statuses the document filter and
exports understand; both are undoable steps and move on to the next unfinished document."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.store.notes import document_notes
from annotator.store.status import Status, get_status
from annotator.ui.flag_dialog import FlagDialog
from tests.test_cli import run

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXTS = (
    "Zoë Ruiz: “ICE agents took 44 people from Paramount.” 🙂",
    "Karen Bass said the raids would stop.",
    "A quiet day in Downey, with nothing to report.",
)


def _answer_flag_dialog(qtbot, reason: str, typed: bool) -> None:
    """When the dialog opens, pick ``reason`` from its list, or type it, and press Enter."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FlagDialog)
        box = dialog.reason_box
        if typed:
            box.lineEdit().selectAll()
            qtbot.keyClicks(box.lineEdit(), reason)
        else:
            while box.currentText() != reason:
                qtbot.keyClick(box, Qt.Key.Key_Down)
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


def _flag(qtbot, window, reason: str, typed: bool = False) -> None:
    _answer_flag_dialog(qtbot, reason, typed)
    qtbot.keyClick(window.text_view, Qt.Key.Key_K, CTRL | SHIFT)
    window.activateWindow()  # the offscreen platform does not give focus back by itself
    qtbot.waitUntil(window.isActiveWindow)


def _filter_by(qtbot, window, name: str) -> list[str]:
    browser = window.browser
    browser.status_box.setCurrentIndex(browser.status_box.findText(name))
    model = browser.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_skip_and_flag_set_statuses_notes_and_move_on(
    qtbot, engine, make_window, add_docs, db_path, tmp_path
) -> None:
    first, second, third = add_docs(*TEXTS)
    window = make_window()
    view = window.text_view
    assert window.workspace.document.id == first
    qtbot.keyClick(view, Qt.Key.Key_K, CTRL)
    assert get_status(engine, first, "alice") == Status.SKIPPED
    assert window.workspace.document.id == second

    _flag(qtbot, window, "duplicate")
    assert get_status(engine, second, "alice") == Status.FLAGGED
    notes = document_notes(engine, second)
    assert [(n.annotator, n.text) for n in notes] == [("alice", "flagged: duplicate")]
    assert window.workspace.document.id == third

    _flag(qtbot, window, "wrong language: Spanish", typed=True)
    assert get_status(engine, third, "alice") == Status.FLAGGED
    assert [n.text for n in document_notes(engine, third)] == ["flagged: wrong language: Spanish"]

    assert _filter_by(qtbot, window, "Skipped") == [TEXTS[0]]
    assert _filter_by(qtbot, window, "Flagged") == [TEXTS[1], TEXTS[2]]
    assert _filter_by(qtbot, window, "Unfinished") == []
    out = tmp_path / "flagged.jsonl"
    result = run(
        "export", "--annotator", "alice", "--status", "flagged", "-o", str(out), db=db_path
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["text"] for line in out.read_text().splitlines()] == list(TEXTS[1:])
    typo = run("export", "--annotator", "alice", "--status", "flaged", db=db_path)
    assert typo.returncode == 1 and "flaged: not a status" in typo.stderr

    _filter_by(qtbot, window, "All")
    window.text_view.setFocus()
    for expected_open in (third, second):
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert window.workspace.document.id == expected_open
    assert get_status(engine, second, "alice") == Status.NEW
    assert get_status(engine, third, "alice") == Status.NEW
    assert document_notes(engine, second) == document_notes(engine, third) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert get_status(engine, first, "alice") == Status.NEW
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert get_status(engine, first, "alice") == Status.SKIPPED


def test_cancelling_the_flag_dialog_changes_nothing(qtbot, engine, make_window, add_docs) -> None:
    first, _second = add_docs(*TEXTS[:2])
    window = make_window()

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FlagDialog)
        qtbot.keyClick(dialog.reason_box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, cancel)
    qtbot.keyClick(window.text_view, Qt.Key.Key_K, CTRL | SHIFT)
    assert window.workspace.document.id == first
    assert get_status(engine, first, "alice") == Status.NEW
    assert document_notes(engine, first) == []
