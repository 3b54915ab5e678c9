"""Figures from the durability runs (kills, fuzz cases, concurrent edits), printed at the end."""

from __future__ import annotations

import pytest

from tests.durability import figures


def pytest_configure(config: pytest.Config) -> None:
    figures.LONG = bool(config.getoption("--run-slow"))


def pytest_terminal_summary(terminalreporter) -> None:
    if figures.FIGURES:
        terminalreporter.section("durability figures")
        for name, value in sorted(figures.FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
