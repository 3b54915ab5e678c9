"""Zoom keys, Ctrl+wheel and the font choice, remembered across a restart of the window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QWheelEvent
from PySide6.QtWidgets import QApplication, QFontDialog
from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory

ARTICLE = "Zoë Müller 🚨 of the Département said “Paramount will rebuild” to 市长 Karen Bass."
CTRL = Qt.KeyboardModifier.ControlModifier


def size_of(window: MainWindow) -> float:
    return window.text_view.font().pointSizeF()


def line_height(window: MainWindow) -> int:
    return window.text_view.cursorRect().height()


def wheel(window: MainWindow, notches: int) -> None:
    viewport = window.text_view.viewport()
    point = QPointF(viewport.rect().center())
    for _ in range(abs(notches)):
        event = QWheelEvent(
            point,
            QPointF(viewport.mapToGlobal(point.toPoint())),
            QPoint(),
            QPoint(0, 120 if notches > 0 else -120),
            Qt.MouseButton.NoButton,
            CTRL,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)


def test_zoom_keys_and_ctrl_wheel_are_remembered_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, add_docs: Callable[..., list[int]]
) -> None:
    add_docs(ARTICLE)
    window = make_window()
    view = window.text_view
    actual, actual_line = size_of(window), line_height(window)
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Plus, CTRL)
    assert size_of(window) == actual + 2
    assert line_height(window) > actual_line
    qtbot.keyClick(view, Qt.Key.Key_Minus, CTRL)
    assert size_of(window) == actual + 1
    qtbot.keyClick(view, Qt.Key.Key_0, CTRL)
    assert size_of(window) == actual
    wheel(window, 3)
    assert size_of(window) == actual + 3
    wheel(window, -1)
    assert size_of(window) == actual + 2
    assert view.verticalScrollBar().value() == 0  # Ctrl+wheel zooms, it does not scroll
    window.close()

    again = make_window()
    assert size_of(again) == actual + 2
    qtbot.keyClick(again.text_view, Qt.Key.Key_0, CTRL)
    assert size_of(again) == actual


def test_zoom_out_stops_at_a_readable_size(
    qtbot: QtBot, make_window: WindowFactory, add_docs: Callable[..., list[int]]
) -> None:
    add_docs(ARTICLE)
    window = make_window()
    for _ in range(40):
        qtbot.keyClick(window.text_view, Qt.Key.Key_Minus, CTRL)
    assert size_of(window) >= 4
    assert window.text_view.document().characterCount() > len(ARTICLE)


def test_a_font_chosen_in_the_view_menu_is_used_and_restored(
    qtbot: QtBot, make_window: WindowFactory, add_docs: Callable[..., list[int]]
) -> None:
    add_docs(ARTICLE)
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Equal, CTRL)
    current = window.text_view.font().family()
    others = [name for name in QFontDatabase.families() if name != current]
    chosen = QFont(others[0] if others else current, 21)

    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFontDialog)
        dialog.setCurrentFont(chosen)
        dialog.accept()

    font_action = next(a for a in window.actions() if a.text() == "&Font…")
    QTimer.singleShot(0, pick)
    font_action.trigger()
    shown = window.text_view.font()
    assert (shown.family(), shown.pointSizeF()) == (chosen.family(), 21)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Equal, CTRL)
    assert window.text_view.font().pointSizeF() == 22
    window.close()

    again = make_window().text_view.font()
    assert (again.family(), again.pointSizeF()) == (chosen.family(), 22)
