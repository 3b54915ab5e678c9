"""Relabelling a gold span: its boundaries move in place with the word keys, so the dialog
asks for the label only and shows the text the span covers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from annotator.core.spans import Span
from annotator.ui.plain import one_line


class EditGoldDialog(QDialog):
    """Choose the label of the gold span for a disagreement."""

    def __init__(
        self, text: str, span: Span, labels: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gold span label")
        self._span = span
        self.label = QComboBox(self)
        self.label.addItems(list(labels))
        self.label.setCurrentText(span.label)
        self.preview = QLabel(one_line(text[span.start : span.end], 200), self)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        hint = QLabel("Move its ends with Alt+Left/Right (start) and Alt+Shift+Left/Right (end).")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Text", self.preview)
        form.addRow("&Label", self.label)
        form.addRow(hint)
        form.addRow(self.buttons)
        self.setMinimumWidth(360)

    def span(self) -> Span:
        return Span(self._span.start, self._span.end, self.label.currentText())
