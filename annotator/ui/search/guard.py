"""Counting hits in a child process the window can stop.

Python's ``re`` holds the interpreter while it matches, so a pattern that backtracks
without end (``(a+)+$`` on a long run of a's) would freeze the window in any thread. The
count therefore runs in another process: the window polls it, and Cancel or the time limit
kills it. A count that finishes has matched every candidate document once, so the pages
read afterwards in the window cost no more than it did.

The processes come from the window's fork server (``ui.children``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.engine import Engine

from annotator.core.search import TextQuery
from annotator.store.search import SearchFilter
from annotator.ui.children import fork_server
from annotator.ui.search.counting import count_into_pipe

TIME_LIMIT_MS = 20_000
POLL_MS = 30


class CountJob(QObject):
    """One count in a child process: ``counted`` with the total, or ``failed`` with words
    (a bad query, Cancel, the time limit)."""

    counted = Signal(int)
    failed = Signal(str)

    def __init__(
        self, engine: Engine, query: TextQuery, filters: SearchFilter, parent: QObject
    ) -> None:
        super().__init__(parent)
        context = fork_server()
        self._pipe, child = context.Pipe(duplex=False)
        url = engine.url.render_as_string(hide_password=False)
        self._process = context.Process(
            target=count_into_pipe, args=(url, query, filters, child), daemon=True
        )
        self._process.start()
        child.close()
        self._elapsed = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(POLL_MS)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _poll(self) -> None:
        self._elapsed += POLL_MS
        if self._pipe.poll():
            try:
                kind, value = self._pipe.recv()
            except EOFError:
                kind, value = "error", "the search stopped without an answer"
            self._finish()
            if kind == "total":
                self.counted.emit(value)
            else:
                self.failed.emit(value)
        elif not self._process.is_alive():
            self._finish()
            self.failed.emit("the search stopped without an answer")
        elif self._elapsed >= TIME_LIMIT_MS:
            self.cancel(f"stopped after {TIME_LIMIT_MS // 1000} s: the pattern is too slow")

    def cancel(self, reason: str = "cancelled") -> None:
        """Stop the count (if it still runs) and say ``reason``."""
        if self.running:
            self._finish()
            self.failed.emit(reason)

    def _finish(self) -> None:
        self._timer.stop()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(1)
        self._pipe.close()
