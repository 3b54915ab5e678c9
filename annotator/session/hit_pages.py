"""The hits of one corpus search, read page by page from one open stream.

Qt-free, so a worker thread can run the reads while the window stays responsive: ``read``
runs in whatever thread calls it (one read at a time), ``close`` may come from any thread.
A read in progress notices ``close`` at its next hit, stops and closes the stream itself,
so a newer query never waits for an older one's page.
"""

from __future__ import annotations

import threading
from collections.abc import Generator

from sqlalchemy.engine import Engine

from annotator.core.search import TextQuery
from annotator.store.search import Hit, SearchFilter, iter_hits


class HitPages:
    """``read(n)`` returns the next ``n`` hits of ``query`` (fewer at the end, then ``done``),
    or ``None`` once ``close`` was called."""

    def __init__(self, engine: Engine, query: TextQuery, filters: SearchFilter) -> None:
        self.query, self.filters = query, filters
        self.done = False
        self._engine = engine
        self._stream: Generator[Hit, None, None] | None = None
        self._closed = threading.Event()
        self._lock = threading.Lock()

    def read(self, count: int) -> list[Hit] | None:
        with self._lock:
            if self._closed.is_set():
                self._close_stream()
                return None
            if self.done:
                return []
            if self._stream is None:
                self._stream = iter_hits(self._engine, self.query, self.filters)
            page: list[Hit] = []
            for hit in self._stream:
                if self._closed.is_set():
                    self._close_stream()
                    return None
                page.append(hit)
                if len(page) >= count:
                    return page
            self.done = True
            self._close_stream()
            return page

    def close(self) -> None:
        """Stop: at once when no read runs, else the running read stops at its next hit."""
        self._closed.set()
        if self._lock.acquire(blocking=False):
            try:
                self._close_stream()
            finally:
                self._lock.release()

    def _close_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
