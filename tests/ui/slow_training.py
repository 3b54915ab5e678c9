"""A training that never ends, for the child process of a window that closes meanwhile
(Qt-free: the fork server imports it)."""

from __future__ import annotations

import time


def train_forever(*_args: object) -> None:
    time.sleep(3600)
