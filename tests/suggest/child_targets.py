"""Stand-ins for a training child's work: one that never ends (its window closes meanwhile)
and one that dies without a word (Qt-free: the fork server imports them)."""

from __future__ import annotations

import os
import time


def train_forever(*_args: object) -> None:
    time.sleep(3600)


def die(*_args: object) -> None:
    os._exit(3)
