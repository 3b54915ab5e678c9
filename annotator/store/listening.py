"""Hearing other people's commits on PostgreSQL as they happen (``LISTEN``), instead of
asking the database every few seconds.

Triggers on spans, statuses, notes and links send the id of each changed document on the
``annotator_changes`` channel when the writing transaction commits (``team_postgres``). A
``ChangeListener`` holds one connection of its own in autocommit mode, listens on a thread,
and calls ``on_change(document_id)`` from that thread for every notification, ours included
(the caller's reload check already tells its own writes apart). A lost connection is opened
again after a pause, and a reload is asked for then, since notifications sent meanwhile are
lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from annotator.store.team_postgres import CHANNEL

RETRY_S = 2.0
POLL_S = 0.25  # how often the thread looks up from waiting to see whether it should stop


def can_listen(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class ChangeListener:
    """Calls ``on_change(document_id)`` (``None``: something may have changed) for each
    commit announced on the database of ``engine``; ``start()``, then ``stop()``."""

    def __init__(self, engine: Engine, on_change: Callable[[int | None], None]) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._on_change = on_change
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="annotator-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2 * POLL_S + 1)

    def _run(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:
                        self._on_change(None)  # what was sent while we were away is lost
                    first = False
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=POLL_S):
                            payload = note.payload
                            self._on_change(int(payload) if payload.isdigit() else None)
            except psycopg.Error:
                self.listening.clear()
                self._stop.wait(RETRY_S)
