"""Store reads off the window's thread, their answers back in it.

A search page with a label filter, the concordance's grouping and the consistency checks
read enough of a large corpus to freeze the window for a second. ``Background.run`` hands
such a read (a Qt-free callable that opens its own connections) to a worker thread and calls
``done`` with its result in the window's thread; a later ``run`` on the same object makes
the earlier answer stale, so it is dropped (a newer query replaces an older one).

Answers travel through one relay object that lives as long as the process, so a read that
finishes after its widget was deleted is dropped instead of reaching a deleted object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from annotator.core.errors import AnnotatorError

_WORKERS = 2  # the machines this runs on have a few cores; reads mostly wait on SQLite


class _Relay(QObject):
    """Calls, in the window's thread, what a worker posts (a queued signal)."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(_WORKERS)
        self.posted.connect(self._call)

    @Slot(object)
    def _call(self, answer: Callable[[], None]) -> None:
        answer()


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def wait_for_reads(msecs: int = -1) -> bool:
    """Wait until no read runs (for a clean exit); ``False`` if ``msecs`` passed first."""
    return _relay is None or _relay.pool.waitForDone(msecs)


class Background(QObject):
    """``run(read, done)``: ``read()`` in a worker, then ``done(result)`` here, unless a newer
    ``run`` came since. ``busyChanged`` says when an answer is awaited; a read that raises
    gives ``failed`` its words instead (an ``AnnotatorError``'s, or what went wrong)."""

    busyChanged = Signal(bool)
    failed = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._ticket = 0
        self.busy = False

    def run(self, read: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._ticket += 1
        ticket, relay = self._ticket, _the_relay()

        def work() -> None:
            try:
                result, error = read(), None
            except AnnotatorError as exc:
                result, error = None, str(exc)
            except Exception as exc:  # the widget says it in words; the window goes on
                result, error = None, f"the read failed: {exc}"
            relay.posted.emit(lambda: self._answer(ticket, done, result, error))

        self._set_busy(True)
        relay.pool.start(work)

    def forget(self) -> None:
        """Drop the answer of the read in flight (if any)."""
        self._ticket += 1
        self._set_busy(False)

    def _answer(
        self, ticket: int, done: Callable[[Any], None], result: Any, error: str | None
    ) -> None:
        if not shiboken6.isValid(self) or ticket != self._ticket:
            return
        self._set_busy(False)
        if error is None:
            done(result)
        else:
            self.failed.emit(error)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)
