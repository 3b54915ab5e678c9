"""The find bar under the article (Ctrl+F): incremental search in the open document.

Typing finds as you type, marks every match and selects the current one; Enter hands the
keys to the text with that match selected, so a label key tags it as it tags any selection;
F3 and Shift+F3 select the next and previous match wherever the keys are; Esc in the bar
closes it. The matches live in a Qt-free ``FindInText``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from annotator.core.search import TextQuery
from annotator.session.find import MAX_MATCHES, FindInText
from annotator.ui.text import AnnotatedTextView


class FindField(QLineEdit):
    """The query field: Enter hands the keys to the text, Esc asks to close."""

    entered = Signal()
    closing = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closing.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """Finds in what ``view`` shows; hidden until ``open`` (Ctrl+F)."""

    def __init__(self, view: AnnotatedTextView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.finder = FindInText()
        self._anchor = 0
        """Where typing finds from: the caret when the bar opened, then the match stepped to."""
        self.field = FindField(self)
        self.field.setPlaceholderText("Find in this document")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(140)
        self.case_box = QCheckBox("Aa", self)
        self.case_box.setToolTip("Match case")
        self.word_box = QCheckBox("Word", self)
        self.word_box.setToolTip("Whole words only")
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count_label)
        for text, tip, step in (("▲", "Previous (Shift+F3)", -1), ("▼", "Next (F3)", 1)):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _checked=False, s=step: self.step(s))
            layout.addWidget(button)
        layout.addWidget(self.case_box)
        layout.addWidget(self.word_box)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.setAutoRaise(True)
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.field.textChanged.connect(self.refresh)
        self.case_box.toggled.connect(self.refresh)
        self.word_box.toggled.connect(self.refresh)
        self.field.entered.connect(self._enter)
        self.field.closing.connect(self.close_bar)
        self.hide()

    def open(self) -> None:
        """Show the bar with its field focused and its text selected; finding starts from
        the selection or the caret."""
        selected = self.view.selected_range()
        self._anchor = selected[0] if selected else self.view.caret_offset()
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self.refresh()

    def close_bar(self) -> None:
        """Hide the bar and its marks; the keys go back to the text."""
        self.hide()
        self.view.show_matches([], None)
        self.view.setFocus()

    def query(self) -> TextQuery:
        return TextQuery(
            self.field.text(), word=self.word_box.isChecked(), case=self.case_box.isChecked()
        )

    def refresh(self) -> None:
        """Find again in the shown text (after typing, an option); the current match is the
        first from the anchor on, and it is selected."""
        if not self.isVisible():
            return
        self.finder.search(self.view.text(), self.query(), self._anchor)
        self._show(select=True)

    def document_changed(self) -> None:
        """Another document opened: find in it from its start, selecting nothing yet."""
        if self.isVisible():
            self._anchor = 0
            self.finder.search(self.view.text(), self.query(), 0)
            self.finder.current = None
            self._show(select=False)

    def step(self, direction: int) -> None:
        """F3 / Shift+F3: select the next or previous match (opening the bar if closed)."""
        if not self.isVisible():
            self.open()
            if self.finder.match is not None:
                return
        if self.finder.text != self.view.text():
            self.refresh()
        match = self.finder.step(direction)
        if match is not None:
            self._anchor = match[0]
        self._show(select=True)

    def _enter(self) -> None:
        """Enter: select the current match (the first, if none is) and give the text the keys."""
        if self.finder.match is None:
            self.finder.step(1)
        self._show(select=True)
        if self.finder.match is not None:
            self.view.setFocus()

    def _show(self, select: bool) -> None:
        found = self.finder
        self.view.show_matches(found.matches, found.current)
        if not found.query.text:
            self.count_label.setText("")
        elif not found.matches:
            self.count_label.setText("No matches")
        else:
            total = f"{len(found.matches)}{'+' if len(found.matches) >= MAX_MATCHES else ''}"
            where = "" if found.current is None else f"{found.current + 1} of "
            self.count_label.setText(f"{where}{total}")
        match = found.match
        if select and match is not None:
            self.view.select_range(*match)
