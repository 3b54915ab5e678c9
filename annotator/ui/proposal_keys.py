"""The keys of a proposal being walked in the annotation window, in one place.

While the workspace's speaker proposal is active, Tab and Shift+Tab walk its candidates, Enter
links the one in view and Esc ends it, wherever the focus is in the window; otherwise these
keys do what they always do (Tab moves the focus, Esc clears the selection). The filter is
installed on the application only while a proposal is active, so no event pays for it
otherwise, and it takes the keys before focus handling and window shortcuts see them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:  # the window paints before the store (and the workspace) is imported
    from annotator.ui.workspace import Workspace

_PLAIN = Qt.KeyboardModifier.NoModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_KEYPAD = Qt.KeyboardModifier.KeypadModifier


class ProposalKeys(QObject):
    """Routes Tab, Shift+Tab, Enter and Esc to ``workspace``'s proposal while there is one,
    for key events aimed at a widget of ``window``."""

    def __init__(self, workspace: Workspace, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._installed = False
        self._keys: dict[tuple[int, Qt.KeyboardModifier], Callable[[], None]] = {
            (Qt.Key.Key_Tab, _PLAIN): lambda: workspace.cycle_speaker(1),
            (Qt.Key.Key_Backtab, _SHIFT): lambda: workspace.cycle_speaker(-1),
            (Qt.Key.Key_Tab, _SHIFT): lambda: workspace.cycle_speaker(-1),
            (Qt.Key.Key_Return, _PLAIN): workspace.accept_speaker,
            (Qt.Key.Key_Enter, _KEYPAD): workspace.accept_speaker,
            (Qt.Key.Key_Enter, _PLAIN): workspace.accept_speaker,
            (Qt.Key.Key_Escape, _PLAIN): workspace.cancel_proposal,
        }
        workspace.proposalChanged.connect(lambda proposal: self._listen(proposal is not None))

    def _listen(self, active: bool) -> None:
        app = QApplication.instance()
        if app is None or active == self._installed:
            return
        if active:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._installed = active

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        assert isinstance(event, QKeyEvent)
        action = self._keys.get((event.key(), event.modifiers()))
        if action is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key press comes here instead of to a window shortcut
            return True
        action()
        return True
