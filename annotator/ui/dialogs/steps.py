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
from PySide6.QtWidgets import QProgressDialog, QWidget

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
