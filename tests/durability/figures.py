"""Counts the durability tests add up, and how hard the fuzzing works.

``--run-slow`` sets ``LONG`` (from conftest, before the test modules are imported): the
property-based tests then run many more examples.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, settings

FIGURES: Counter[str] = Counter()
LONG = False


def fuzz_settings(quick: int = 40, long: int = 1000) -> settings:
    return settings(
        max_examples=long if LONG else quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=not LONG,
    )


def add(**counts: int) -> None:
    FIGURES.update(counts)
