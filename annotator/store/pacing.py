"""Long writes split into short transactions that leave room for other writers.

SQLite lets one writer in at a time; one waiting for the lock sleeps and tries again, at
most every 100 ms once it has waited a while (SQLite's default busy handler). A long write
(an import's merge, indexing its texts) therefore runs as steps of about ``STEP_S`` each,
sized from how long the previous step took, with a pause longer than that retry interval
after each: an edit made meanwhile waits for at most one step and one pause.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

STEP_S = 0.25  # wanted length of one step's transaction
PAUSE_S = 0.11  # after each step: longer than a waiting writer's 100 ms between tries


@dataclass(slots=True)
class Pace:
    """How many rows the next step takes: ``size`` to start with, then as many as fit in
    ``STEP_S`` at the speed the last step went."""

    size: int
    least: int = 1
    _started: float = field(default=0.0, init=False)

    def start(self) -> int:
        self._started = time.perf_counter()
        return self.size

    def done(self, rows: int) -> None:
        """The step wrote ``rows``: size the next one, then pause for other writers."""
        took = time.perf_counter() - self._started
        if rows and took > 0:
            self.size = max(self.least, min(self.size * 4, round(rows * STEP_S / took)))
        time.sleep(PAUSE_S)
