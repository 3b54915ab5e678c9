"""Registering benchmarks and measuring time and memory.

A benchmark is a function ``fn(scale) -> {figure: value}``. ``scale`` 1.0 means the sizes the
issues name; the test suite runs every benchmark at a tiny scale so none of them rots. Figures
are printed and written as JSON; targets are read by people, never asserted on time.
"""

from __future__ import annotations

import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Figures = dict[str, float | int | str]
BenchmarkFn = Callable[[float], Figures]


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    fn: BenchmarkFn


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[BenchmarkFn], BenchmarkFn]:
    """Register ``fn`` under ``name``."""

    def decorate(fn: BenchmarkFn) -> BenchmarkFn:
        REGISTRY[name] = Benchmark(name, fn)
        return fn

    return decorate


def scaled(full: int, scale: float, minimum: int = 1) -> int:
    """``full`` times ``scale``, at least ``minimum``."""
    return max(minimum, round(full * scale))


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Median wall time of ``fn`` in seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_read(path: Path, *queries: str, repeat: int = 1) -> float:
    """Median wall time of reading every row of ``queries`` with plain sqlite3: the least
    any work over those rows must do, the baseline a benchmark compares with."""
    connection = sqlite3.connect(path)

    def read() -> None:
        for query in queries:
            for _ in connection.execute(query):
                pass

    seconds = timed(read, repeat)
    connection.close()
    return seconds
