"""The label schema dialog: add labels, change their colour, hotkey and guideline."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.labels import Label, next_label_color
from annotator.store.labels import delete_label, save_label
from annotator.ui.label_palette import LABEL_NAME, LabelPaletteModel
from annotator.ui.swatches import swatch
from annotator.ui.workspace import Workspace


class LabelDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Labels")
        self._workspace = workspace
        self._color = self._unused_color()
        self.labels = QListView(self)
        self.labels.setModel(LabelPaletteModel(workspace, self))
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("lowercase, e.g. event")
        self.color = QPushButton(self)
        self.hotkey = QLineEdit(self)
        self.hotkey.setMaxLength(1)
        self.hotkey.setFixedWidth(40)
        self.guideline = QPlainTextEdit(self)
        self.guideline.setPlaceholderText("What this label marks, with examples")
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d6453d;")
        self.new_button = QPushButton("New label", self)
        self.save_button = QPushButton("Save label", self)
        self.delete_button = QPushButton("Delete label", self)
        self.save_button.setDefault(True)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Colour", self.color)
        form.addRow("Hotkey", self.hotkey)
        form.addRow("Guideline", self.guideline)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        editor = QVBoxLayout()
        editor.addLayout(form)
        editor.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.labels, 1)
        body.addLayout(editor, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)

        self.labels.selectionModel().currentChanged.connect(self._show)
        self.color.clicked.connect(self._pick_color)
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self._save)
        self.delete_button.clicked.connect(self._delete)
        self.resize(640, 380)
        self._new()

    def _set_color(self, color: str) -> None:
        self._color = color
        self.color.setIcon(swatch(color))
        self.color.setText(color)

    def _show(self, index: QModelIndex) -> None:
        name = index.data(LABEL_NAME) if index.isValid() else None
        if name is None or name not in self._workspace.schema:
            return
        label = self._workspace.schema[name]
        self.name.setText(label.name)
        self.name.setReadOnly(True)
        self._set_color(label.color)
        self.hotkey.setText(label.hotkey)
        self.guideline.setPlainText(label.guideline)
        self.error.clear()

    def _new(self) -> None:
        self.labels.clearSelection()
        self.name.clear()
        self.name.setReadOnly(False)
        self._set_color(self._unused_color())
        self.hotkey.clear()
        self.guideline.clear()
        self.error.clear()
        self.name.setFocus()

    def _unused_color(self) -> str:
        return next_label_color(label.color for label in self._workspace.schema)

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Label colour")
        if chosen.isValid():
            self._set_color(chosen.name())

    def _save(self) -> None:
        label = Label(
            name=self.name.text().strip(),
            color=self._color,
            hotkey=self.hotkey.text().strip(),
            guideline=self.guideline.toPlainText().strip(),
        )
        try:
            change = save_label(self._workspace.engine, label)
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            return
        self._workspace.events.publish(change)
        self.error.clear()
        self.name.setReadOnly(True)

    def _delete(self) -> None:
        """Delete an unused label; the store refuses a label in use, saying by how many spans."""
        name = self.name.text().strip()
        if name not in self._workspace.schema:
            return
        try:
            change = delete_label(self._workspace.engine, name)
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            return
        self._workspace.events.publish(change)
        self._new()
