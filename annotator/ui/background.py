"""Work the window does off its thread: training its suggesters, and a model's suggestions
for the open document.

Each piece of work is a Qt-free function (``annotator.suggest.live.train_window_suggesters``,
``ModelJob.run``) run on a ``QThreadPool`` of one thread per kind of work; its result comes
back through a queued signal, so the window keeps painting and taking keys meanwhile. A
request made while a run is going waits for it; only the latest of those requests runs. The
tagger's training itself runs in a child process (``annotator.suggest.child``): the CRF
library holds the interpreter's lock while it trains, which a thread alone would not hide.

The pools are one per kind for the process and live until it exits: a pool destroyed with
its window would wait for its thread inside a C++ destructor, holding the interpreter's lock
the thread's Python code needs. Waits happen from Python instead (``wait``, which releases
the lock; closing a window; the interpreter's exit), and a run whose window has gone reports
to nobody.
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

from annotator.core.errors import AnnotatorError

TRAINING, SUGGESTING, MEASURING, RANKING = "training", "suggesting", "measuring", "ranking"
_POOLS: dict[str, QThreadPool] = {}


def _pool(kind: str) -> QThreadPool:
    pool = _POOLS.get(kind)
    if pool is None:
        pool = _POOLS[kind] = QThreadPool()
        pool.setMaxThreadCount(1)
        atexit.register(pool.waitForDone)
    return pool


class _Relay(QObject):
    """Carries a run's outcome from the worker thread to the trainer's thread."""

    done = Signal(object)  # what the work returned
    failed = Signal(str)


class _Run(QRunnable):
    def __init__(self, work: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            trained = self.work()
        except AnnotatorError as exc:
            self._answer(self.relay.failed, str(exc))
        except Exception as exc:  # a worker thread must always answer, or training stalls
            self._answer(self.relay.failed, f"{type(exc).__name__}: {exc}")
        else:
            self._answer(self.relay.done, trained)

    @staticmethod
    def _answer(signal: SignalInstance, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window (and its relay) closed meanwhile
            signal.emit(value)


class Background(QObject):
    """Runs one kind of work in the background, one run at a time."""

    started = Signal()
    finished = Signal(object)  # what the work returned
    failed = Signal(str)

    def __init__(self, kind: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._running = False
        self._waiting: Callable[[], object] | None = None  # the latest request during a run

    @property
    def running(self) -> bool:
        return self._running

    def request(self, work: Callable[[], object]) -> None:
        """Run ``work`` (a Qt-free function) as soon as the thread is free."""
        if self._running:
            self._waiting = work
            return
        self._running = True
        self.started.emit()
        _pool(self.kind).start(_Run(work, self._relay))

    def wait(self) -> None:
        """Block until the runs started have finished; a request waiting for the run is
        dropped (closing the window)."""
        self._waiting = None
        _pool(self.kind).waitForDone()

    def _on_done(self, result: object) -> None:
        self._finish()
        self.finished.emit(result)

    def _on_failed(self, text: str) -> None:
        self._finish()
        self.failed.emit(text)

    def _finish(self) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.request(waiting)
