"""A main window over a test database, and helpers that act as a person would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from annotator.core.documents import Document
from annotator.store.documents import add_documents
from annotator.ui.main_window import MainWindow
from annotator.ui.session import open_window
from annotator.ui.text import AnnotatedTextView

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, engine: Engine) -> WindowFactory:
    """Open the app's main window on ``engine`` as ``annotator``, shown and focused."""

    def make(annotator: str | None = "alice") -> MainWindow:
        window = open_window(engine, annotator)
        assert window is not None
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        window.text_view.setFocus()
        return window

    return make


@pytest.fixture
def add_docs(engine: Engine) -> Callable[..., list[int]]:
    def add(*texts: str) -> list[int]:
        docs = [Document(text=text, title=text.splitlines()[0][:60]) for text in texts]
        return add_documents(engine, docs).ids

    return add


def char_point(view: AnnotatedTextView, offset: int) -> QPoint:
    """Where the caret before code point ``offset`` is drawn, in viewport coordinates."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(len(view.text()[:offset].encode("utf-16-le")) // 2)
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def select_text(qtbot: QtBot, view: AnnotatedTextView, start: int, end: int) -> None:
    """Click before ``start``, then extend the selection with Shift+Right to ``end``."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, start))
    for _ in range(end - start):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def click_word(qtbot: QtBot, view: AnnotatedTextView, offset: int) -> None:
    """Click inside the character at ``offset`` (selects the span under it, if any)."""
    point = char_point(view, offset)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point + QPoint(3, 0))


def middle_of(view: AnnotatedTextView, offset: int) -> QPoint:
    """The middle of the character at code point ``offset``, even a narrow one."""
    left, right = char_point(view, offset), char_point(view, offset + 1)
    if right.y() != left.y():  # the last character of a line
        return left + QPoint(2, 0)
    return QPoint((left.x() + right.x()) // 2, left.y())
