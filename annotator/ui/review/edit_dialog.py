"""Editing a gold span: its label and its boundaries, with the covered text shown live."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from annotator.core.spans import Span
from annotator.ui.plain import one_line


class EditGoldDialog(QDialog):
    """Choose the gold span for a disagreement: label, start and end (code points)."""

    def __init__(
        self, text: str, span: Span, labels: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit gold span")
        self._text = text
        self.label = QComboBox(self)
        self.label.addItems(list(labels))
        self.label.setCurrentText(span.label)
        self.start = QSpinBox(self)
        self.end = QSpinBox(self)
        for box in (self.start, self.end):
            box.setRange(0, len(text))
        self.start.setValue(span.start)
        self.end.setValue(span.end)
        self.preview = QLabel(self)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Label", self.label)
        form.addRow("&Start", self.start)
        form.addRow("&End", self.end)
        form.addRow("Text", self.preview)
        form.addRow(self.buttons)
        self.start.valueChanged.connect(self._update)
        self.end.valueChanged.connect(self._update)
        self._update()

    def span(self) -> Span:
        return Span(self.start.value(), self.end.value(), self.label.currentText())

    def _update(self) -> None:
        start, end = self.start.value(), self.end.value()
        valid = end > start
        self.preview.setText(one_line(self._text[start:end], 200) if valid else "(empty)")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)
