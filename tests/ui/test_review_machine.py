"""The review state machine through the real window: keys, clicks on rows and layer boxes,
the note field and the edit dialog, checked against the plain model after every step."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.core.boundaries import Edge, move_boundary
from annotator.ui.review.window import ReviewWindow
from tests.crowd import TEXT
from tests.session.review_model import LABELS, Key, ReviewMachine, note_texts, run_machine
from tests.ui.test_review import type_note

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


def _has_group(machine: ReviewMachine) -> bool:
    return machine.model.current is not None


class WindowReviewMachine(ReviewMachine):
    qtbot: QtBot

    def __init__(self) -> None:
        super().__init__()
        self._open_window()

    def _open_window(self) -> None:
        self.window = ReviewWindow(self.engine, "rev")
        self.session = self.window.session
        with self.qtbot.waitActive(self.window):
            self.window.show()
            self.window.activateWindow()

    def show(self, doc: int) -> None:
        self.window.open_document(doc)

    def teardown(self) -> None:
        self.window.close()
        self.window.deleteLater()
        super().teardown()

    def _key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
        self.qtbot.keyClick(self.window.span_list, key, modifier)

    def _pressed(self, expected, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
        self._key(key, modifier)
        self.model.push(expected)

    def _decided(self, expected, key: Qt.Key) -> None:
        """A decision key: the group is decided and the cursor moves to the next undecided."""
        self._key(key)
        self.model.push(expected, decides=True)
        self.model.next_undecided()

    @precondition(_has_group)
    @rule(version=st.integers(0, 4))
    def accept(self, version: int) -> None:
        key = Qt.Key(Qt.Key.Key_1.value + version)
        if version >= len(self.model.layers):
            self._key(key)
            return
        self._decided(self.model.accept(version), key)

    @precondition(_has_group)
    @rule()
    def reject(self) -> None:
        self._decided(self.model.swap(self.model.gold_in_current(), []), Qt.Key.Key_X)

    @precondition(_has_group)
    @rule(label=st.sampled_from(LABELS))
    def edit(self, label: str) -> None:
        """E: the gold span the edit starts from, relabelled, becomes the group's gold."""
        start_from = self.model.edit_start()
        self._key(Qt.Key.Key_E)
        dialog = self.window.edit_dialog
        self.qtbot.waitExposed(dialog)
        dialog.label.setFocus()
        self.qtbot.keyClicks(dialog.label, label)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        chosen = (start_from[0], start_from[1], label)
        self.model.push(self.model.swap(self.model.gold_in_current(), [chosen]), decides=True)
        self.model.next_undecided()

    @precondition(_has_group)
    @rule(edge=st.sampled_from(["start", "end"]), step=st.sampled_from([-1, 1]))
    def move_gold(self, edge: Edge, step: int) -> None:
        """Alt(+Shift)+Left/Right: an end of the gold span moves a word; the cursor stays."""
        start_from = self.model.edit_start()
        moved = move_boundary(TEXT, start_from[0], start_from[1], edge, step)
        key = Qt.Key.Key_Left if step < 0 else Qt.Key.Key_Right
        shift = Qt.KeyboardModifier.ShiftModifier if edge == "end" else NONE
        self._key(key, Qt.KeyboardModifier.AltModifier | shift)
        if moved is not None:
            self.model.move_gold(start_from, (moved[0], moved[1], start_from[2]))

    @rule()
    def reopen(self) -> None:
        """Close the review window and open a new one on the document."""
        self.window.close()
        self.window.deleteLater()
        self._open_window()
        self.show(self.doc)
        self.model.reopen()

    @rule()
    def accept_agreed(self) -> None:
        self._pressed(self.model.accept_agreed(), Qt.Key.Key_A)

    @rule()
    def toggle_reviewed(self) -> None:
        stored = self.model.stored
        expected = type(stored)(stored.gold, stored.notes, not stored.reviewed)
        self._pressed(expected, Qt.Key.Key_Return, CTRL | Qt.KeyboardModifier.ShiftModifier)

    @rule(text=note_texts)
    def add_note(self, text: str) -> None:
        expected = self.model.add_note(text)
        type_note(self.qtbot, self.window, text)
        self.model.push(expected)

    @rule(data=st.data())
    def toggle_layer(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(list(self.model.layers)))
        self.qtbot.mouseClick(self.window.layer_boxes[name], Qt.MouseButton.LeftButton)

    @rule()
    def undo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL)
        self.model.undo()

    @rule()
    def redo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
        self.model.redo()

    @rule()
    def next_disagreement(self) -> None:
        self._key(Qt.Key.Key_N)
        self.model.step(1)

    @rule()
    def previous_disagreement(self) -> None:
        self._key(Qt.Key.Key_P)
        self.model.step(-1)

    @precondition(lambda self: self.model.rows())
    @rule(data=st.data())
    def click_row(self, data: st.DataObject) -> None:
        key: Key = data.draw(st.sampled_from(self.model.rows()))
        table, model = self.window.span_list, self.window.span_model
        index = model.index(model.row_of_key(key), 0)
        table.scrollTo(index)
        rect = table.visualRect(index)
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.model.select(key)

    @rule()
    def select_nothing(self) -> None:
        self._key(Qt.Key.Key_Escape)
        self.model.move_to(None)


@pytest.fixture
def machine(qtbot: QtBot) -> type[WindowReviewMachine]:
    WindowReviewMachine.qtbot = qtbot
    return WindowReviewMachine


def test_review_window_matches_the_model(machine) -> None:
    run_machine(machine, examples=6, steps=25)


@pytest.mark.slow
def test_review_window_matches_the_model_long(machine) -> None:
    run_machine(machine, examples=60, steps=40)
