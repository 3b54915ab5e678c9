"""Running a step generator (an export or an import) without freezing the window.

The generator advances one step per turn of the event loop (a step is a slice of about a
hundred documents), under a modal, cancellable ``QProgressDialog``. Cancelling closes the
generator, and its own cleanup runs: a partial export file is removed, an import's
transaction is rolled back. Nothing runs on another thread, so the store is used exactly as
everywhere else in the app.
"""

from __future__ import annotations

from collections.abc import Generator

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.formats.exporting import Progress

SCALE = 1000


class StepRunner(QObject):
    """Drives ``steps`` to its end; says how it ended with exactly one signal."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self, steps: Generator[Progress, None, object], title: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._steps = steps
        self.progress = QProgressDialog(title, "Cancel", 0, SCALE, parent)
        self.progress.setWindowTitle(title)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        self.progress.setValue(0)
        self._timer.start()

    def cancel(self) -> None:
        if not self._timer.isActive():
            return
        self._timer.stop()
        self._steps.close()
        self._end()
        self.cancelled.emit()

    def _step(self) -> None:
        try:
            done, total = next(self._steps)
        except StopIteration as stop:
            self._timer.stop()
            self._end()
            self.finished.emit(stop.value)
            return
        except AnnotatorError as exc:
            self._timer.stop()
            self._end()
            self.failed.emit(str(exc))
            return
        self.progress.setValue(int(SCALE * done / total) if total else 0)

    def _end(self) -> None:
        self.progress.canceled.disconnect(self.cancel)
        self.progress.close()
        self.progress.deleteLater()


class JobDialog(QDialog):
    """A dialog that runs one job at a time and shows how it went as plain text.

    Subclasses build their form above ``summary`` and ``buttons``, then call ``run``.
    """

    def __init__(self, title: str, action: str, placeholder: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.runner: StepRunner | None = None
        self.summary = QPlainTextEdit(self)
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText(placeholder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.action_button: QPushButton = self.buttons.addButton(
            action, QDialogButtonBox.ButtonRole.ActionRole
        )
        self.action_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)

    def show_once(self) -> None:
        """Open over the parent window; the dialog is deleted when closed."""
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open()

    def run(
        self,
        steps: Generator[Progress, None, object],
        busy: str,
        failed: str,
        cancelled: str,
    ) -> None:
        """Run ``steps``; ``finish(result)`` gets the result, ``failed``/``cancelled`` say
        what happened otherwise."""
        self.action_button.setEnabled(False)
        self.summary.setPlainText(f"{busy}…")
        self.runner = StepRunner(steps, busy, self)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(lambda message: self._report(f"{failed}\n{message}"))
        self.runner.cancelled.connect(lambda: self._report(cancelled))
        self.runner.start()

    def _finished(self, result: object) -> None:
        self._report("\n".join(self.finish(result)))

    def _report(self, text: str) -> None:
        self.summary.setPlainText(text)
        self.action_button.setEnabled(True)

    def finish(self, result: object) -> list[str]:
        """The summary lines for a finished job (and whatever else the dialog does then)."""
        raise NotImplementedError
