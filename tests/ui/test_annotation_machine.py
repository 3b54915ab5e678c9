"""The annotation state machine through the real window: clicks on the text, label keys,
Alt+arrows, Delete, Ctrl+Z and Ctrl+Shift+Z, clicks in the document list. Besides the store
and the session, the text view's outline and the span list's row must show the model's
current span after every step."""

from __future__ import annotations

import pytest
from hypothesis.stateful import invariant
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge
from annotator.ui.session import open_window
from annotator.ui.span_list import SPAN_ID
from tests.session.machine import LABELS, AnnotationMachine, Driver, run_machine

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LABEL_KEYS = {label: getattr(Qt.Key, f"Key_{n}") for n, label in enumerate(LABELS, start=1)}
MOVE_KEYS = {
    ("start", -1): (Qt.Key.Key_Left, ALT),
    ("start", 1): (Qt.Key.Key_Right, ALT),
    ("end", -1): (Qt.Key.Key_Left, ALT | SHIFT),
    ("end", 1): (Qt.Key.Key_Right, ALT | SHIFT),
}


class WindowDriver(Driver):
    def __init__(self, qtbot: QtBot, engine: Engine) -> None:
        from tests.ui.conftest import middle_of

        self._middle_of = middle_of
        self.qtbot = qtbot
        window = open_window(engine, "alice")
        assert window is not None
        self.window = window
        self.view = window.text_view
        window.snap_action.setChecked(False)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        self.view.setFocus()
        self.session = window.workspace.session

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()

    def _key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        self.qtbot.keyClick(self.view, key, modifiers)

    def open(self, document_id: int) -> None:
        table = self.window.browser.table
        row = self.window.browser.model.row_of(document_id)
        rect = table.visualRect(table.model().index(row, 0))
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.view.setFocus()

    def click(self, offset: int) -> None:
        point = self._middle_of(self.view, offset)
        self.qtbot.mouseClick(self.view.viewport(), Qt.MouseButton.LeftButton, pos=point)

    def select(self, start: int, end: int) -> None:
        """With the keyboard only: Ctrl+Home, Right to ``start``, Shift+Right to ``end``."""
        self._key(Qt.Key.Key_Home, CTRL)
        for _ in range(start):
            self._key(Qt.Key.Key_Right)
        for _ in range(end - start):
            self._key(Qt.Key.Key_Right, SHIFT)

    def label(self, label: str) -> None:
        self._key(LABEL_KEYS[label])

    def move(self, edge: Edge, step: int) -> None:
        self._key(*MOVE_KEYS[(edge, step)])

    def delete(self) -> None:
        self._key(Qt.Key.Key_Delete)

    def undo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL)

    def redo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL | SHIFT)


class WindowMachine(AnnotationMachine):
    qtbot: QtBot
    with_status = False  # Ctrl+Return marks done and leaves for the next document

    def make_driver(self, engine: Engine, first: int) -> Driver:
        return WindowDriver(self.qtbot, engine)

    @invariant()
    def views_show_the_current_span(self) -> None:
        if not hasattr(self, "model"):
            return
        window = self.driver.window
        assert window.text_view.current_span_id() == self.model.current
        table = window.span_table
        rows = table.model()
        shown = {rows.index(r, 0).data(SPAN_ID) for r in range(rows.rowCount())}
        assert shown == set(self.model.spans[self.model.open])
        index = table.currentIndex()
        chosen = index.siblingAtColumn(0).data(SPAN_ID) if index.isValid() else None
        if table.selectionModel().hasSelection() or self.model.current is not None:
            assert chosen == self.model.current


def _run(qtbot: QtBot, examples: int, steps: int) -> int:
    WindowMachine.qtbot = qtbot
    return run_machine(WindowMachine, examples, steps, "through the annotation window")


def test_the_window_keeps_the_store_the_views_and_the_model_in_step(qtbot: QtBot) -> None:
    assert _run(qtbot, examples=6, steps=25) >= 60


@pytest.mark.slow
def test_the_window_keeps_the_store_the_views_and_the_model_in_step_at_length(
    qtbot: QtBot,
) -> None:
    assert _run(qtbot, examples=60, steps=40) >= 1000
