"""The status bar: the suggesters' state, who is annotating, where in the corpus, how many
spans, and whether the last edit is saved (shown only once the store has committed it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace

STATUS_TEXT = {
    "new": "new",
    "in_progress": "in progress",
    "done": "done",
    "skipped": "skipped",
    "flagged": "flagged",
}
SAVED_TEXT = "✓ Saved"
SAVED_COLOR = "#2f9e57"
ERROR_COLOR = "#d6453d"
MESSAGE_HOLD_MS = 3000
"""How long a message stays whole before it fades; the next message replaces it at once."""
MESSAGE_FADE_MS = 800


def _plain_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(8, 0, 8, 0)
    return label


class WorkspaceStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.annotator = _plain_label(self)
        self.position = _plain_label(self)
        self.status = _plain_label(self)
        self.spans = _plain_label(self)
        self.suggesters = _plain_label(self)
        self.suggesters.setObjectName("suggesters")
        self.saved = _plain_label(self)
        self.saved.setObjectName("saved")
        for widget in (self.suggesters, self.annotator, self.position, self.status, self.spans):
            self.addPermanentWidget(widget)
        self.addPermanentWidget(self.saved)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(MESSAGE_HOLD_MS)
        self._fade = QVariantAnimation(self)
        self._fade.setStartValue(0.0)
        self._fade.setEndValue(1.0)
        self._fade.setDuration(MESSAGE_FADE_MS)
        self._hold.timeout.connect(self._fade.start)
        self._fade.valueChanged.connect(lambda _value: self.update())
        self._fade.finished.connect(self.clearMessage)
        self.showMessage("Opening the database…")

    def say(self, text: str) -> None:
        """Show ``text`` in place of any earlier message; it fades out after a few seconds."""
        self._fade.stop()
        self.showMessage(text)
        self._hold.start()

    def fading(self) -> bool:
        return self._fade.state() == QVariantAnimation.State.Running

    def paintEvent(self, event: QPaintEvent) -> None:
        """Qt draws the message; while it fades, a veil of the bar's own colour thickens
        over it (the permanent labels on the right stay as they are)."""
        super().paintEvent(event)
        if not self.fading() or not self.currentMessage():
            return
        veil = self.palette().color(QPalette.ColorRole.Window)
        veil.setAlphaF(min(1.0, float(self._fade.currentValue())))
        painter = QPainter(self)
        painter.fillRect(QRect(0, 0, self.suggesters.x(), self.height()), veil)

    def bind(self, workspace: Workspace) -> None:
        """Follow ``workspace`` from now on."""
        self.clearMessage()
        workspace.annotatorChanged.connect(self._on_annotator)
        workspace.positionChanged.connect(self._on_position)
        workspace.statusChanged.connect(self._on_status)
        workspace.documentOpened.connect(lambda _doc: self._count_spans(workspace))
        workspace.spansUpdated.connect(lambda _added, _removed: self._count_spans(workspace))
        workspace.saved.connect(self._on_saved)
        workspace.message.connect(self._on_message)
        workspace.suggesterStateChanged.connect(
            lambda text: self._on_suggesters(text, workspace.session.suggestions.details())
        )
        self._on_annotator(workspace.annotator)
        suggestions = workspace.session.suggestions
        self._on_suggesters(suggestions.describe(), suggestions.details())

    def _on_annotator(self, name: str) -> None:
        self.annotator.setText(f"Annotator: {name}")

    def _on_suggesters(self, text: str, details: str) -> None:
        """Each suggester's state (training, its held-out F1, below the threshold); the
        tooltip says when and on what each was trained."""
        self.suggesters.setText(text)
        self.suggesters.setToolTip(
            details + "\nSuggestions are offered when a suggester's held-out F1 reaches the"
            " threshold (Suggestions > Suggestion threshold…)"
        )

    def _on_position(self, index: int, count: int) -> None:
        self.position.setText(f"Document {index + 1:,} of {count:,}")

    def _on_status(self, status: str) -> None:
        self.status.setText(STATUS_TEXT.get(status, status).capitalize())

    def _count_spans(self, workspace: Workspace) -> None:
        count = len(workspace.spans)
        self.spans.setText(f"{count} span{'s' if count != 1 else ''}")

    def _on_saved(self) -> None:
        if self.saved.text() != SAVED_TEXT:  # a style sheet costs a re-polish: set it once
            self.saved.setStyleSheet(f"color: {SAVED_COLOR}; font-weight: 600;")
            self.saved.setText(SAVED_TEXT)
        self.saved.setToolTip(f"Committed to the database at {datetime.now():%H:%M:%S}")

    def _on_message(self, text: str, error: bool) -> None:
        if error:
            self.saved.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: 600;")
            self.saved.setText("Not saved")
            self.saved.setToolTip(text)
        self.say(text)
