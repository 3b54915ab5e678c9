"""Benchmarks: run with `make bench` (or `python -m tests.benchmarks.run`); they print figures."""
