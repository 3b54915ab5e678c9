"""The annotation state machine on the Qt-free session: a few hundred steps in every run,
thousands with ``--run-slow``."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.session.machine import AnnotationMachine, Driver, SessionDriver, run_machine


class SessionMachine(AnnotationMachine):
    def make_driver(self, engine: Engine, first: int) -> Driver:
        return SessionDriver(engine, first)


def _run(examples: int, steps: int) -> int:
    return run_machine(SessionMachine, examples, steps, "of the annotation session")


def test_the_session_keeps_the_store_and_the_model_in_step() -> None:
    assert _run(examples=20, steps=40) >= 300


@pytest.mark.slow
def test_the_session_keeps_the_store_and_the_model_in_step_at_length() -> None:
    assert _run(examples=150, steps=60) >= 3000
