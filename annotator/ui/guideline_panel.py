"""The guideline pane under the label palette: what the label in play marks, as plain text.

The label in play is the current span's, else the one the pointer is over in the palette,
else the one last applied; the pane follows the schema when a guideline is edited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from annotator.core.labels import LabelSchema

NOTHING_CHOSEN = "Select a span or point at a label to read its guideline."


class GuidelinePanel(QFrame):
    def __init__(self, schema: LabelSchema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._schema = schema
        self.label_name: str | None = None
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        self.show_label(None)

    def set_schema(self, schema: LabelSchema) -> None:
        """A new schema (a guideline edited, a label renamed away): show it afresh."""
        self._schema = schema
        self.show_label(self.label_name)

    def show_label(self, name: str | None) -> None:
        label = self._schema[name] if name is not None and name in self._schema else None
        self.label_name = None if label is None else label.name
        if label is None:
            self.title.setText("Guideline")
            self.text.setText(NOTHING_CHOSEN)
            return
        self.title.setText(f"Guideline · {label.name}")
        self.text.setText(
            label.guideline or f"No guideline for {label.name} yet (Edit > Labels…, Ctrl+Shift+L)."
        )
