"""Training the window's suggesters off the window's thread.

The work is one Qt-free function (``annotator.suggest.live.train_window_suggesters``) run on
a private ``QThreadPool`` of one thread; its result comes back through a queued signal, so
the window keeps painting and taking keys while a model trains. A request made while a run
is going waits for it; only the latest of those requests runs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.errors import AnnotatorError
from annotator.suggest.live import Trained


class _Relay(QObject):
    """Carries a run's outcome from the worker thread to the trainer's thread."""

    done = Signal(object)  # Trained
    failed = Signal(str)


class _Run(QRunnable):
    def __init__(self, work: Callable[[], Trained], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            trained = self.work()
        except AnnotatorError as exc:
            self.relay.failed.emit(str(exc))
            return
        except Exception as exc:  # a worker thread must always answer, or training stalls
            self.relay.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.relay.done.emit(trained)


class SuggesterTrainer(QObject):
    """Runs training work in the background, one run at a time."""

    started = Signal()
    finished = Signal(object)  # Trained
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._running = False
        self._waiting: Callable[[], Trained] | None = None  # the latest request during a run

    @property
    def running(self) -> bool:
        return self._running

    def request(self, work: Callable[[], Trained]) -> None:
        """Run ``work`` (a Qt-free function) as soon as the thread is free."""
        if self._running:
            self._waiting = work
            return
        self._running = True
        self.started.emit()
        self._pool.start(_Run(work, self._relay))

    def wait(self) -> None:
        """Block until the current run has finished (closing the window, tests)."""
        self._pool.waitForDone()

    def _on_done(self, trained: Trained) -> None:
        self._finish()
        self.finished.emit(trained)

    def _on_failed(self, text: str) -> None:
        self._finish()
        self.failed.emit(text)

    def _finish(self) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.request(waiting)
