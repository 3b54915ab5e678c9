"""Asking who is annotating: once on first start, and whenever they switch."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from annotator.core.errors import InvalidSpan
from annotator.store.annotators import clean_name


def ask_identity(
    parent: QWidget | None, known: list[str], current: str | None = None
) -> str | None:
    """The annotator's name from a small dialog; ``None`` if cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Who is annotating?")
    dialog.setLabelText("Your name. Every span you make is stored under it.")
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    if known:
        dialog.setComboBoxItems(known)
        dialog.setComboBoxEditable(True)
    dialog.setTextValue(current or _login_name())
    while dialog.exec() == QInputDialog.DialogCode.Accepted:
        try:
            return clean_name(dialog.textValue())
        except InvalidSpan as exc:
            dialog.setLabelText(f"{exc}. Your name, please:")
    return None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
