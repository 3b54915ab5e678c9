"""Every benchmark runs once at a tiny scale, so none of them rots between real runs."""

from __future__ import annotations

import pytest

from tests.benchmarks.harness import REGISTRY
from tests.benchmarks.run import format_table, load_all

load_all()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_benchmark_runs_at_tiny_scale(name: str) -> None:
    figures = REGISTRY[name].fn(0.001)
    assert figures, f"{name} reported no figures"
    assert all(isinstance(v, int | float | str) for v in figures.values())
    assert name in format_table({name: figures})
