"""Asking why a document is flagged: a common reason or one the person types."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

REASONS = ("irrelevant", "duplicate", "needs discussion")


class FlagDialog(QDialog):
    """An editable list of reasons; Enter accepts the one shown."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Flag “{title}”")
        self.reason_box = QComboBox(self)
        self.reason_box.setEditable(True)
        self.reason_box.addItems(REASONS)
        self.reason_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_box.setToolTip("Choose a reason or type your own")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Flag and go to the next")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason_box.currentTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QFormLayout(self)
        layout.addRow("Why flag", self.reason_box)
        layout.addRow(buttons)

    def reason(self) -> str:
        return self.reason_box.currentText().strip()
