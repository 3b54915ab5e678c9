"""The annotation state machine on the Qt-free session: a few hundred steps in every run,
thousands with ``--run-slow``."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy.engine import Engine

from tests.session.machine import AnnotationMachine, Driver, SessionDriver


class SessionMachine(AnnotationMachine):
    def make_driver(self, engine: Engine, first: int) -> Driver:
        return SessionDriver(engine, first)


def _run(examples: int, steps: int) -> int:
    SessionMachine.steps = 0
    run_state_machine_as_test(
        SessionMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
    print(f"\n{SessionMachine.steps} steps of the annotation session")
    return SessionMachine.steps


def test_the_session_keeps_the_store_and_the_model_in_step() -> None:
    assert _run(examples=20, steps=40) >= 300


@pytest.mark.slow
def test_the_session_keeps_the_store_and_the_model_in_step_at_length() -> None:
    assert _run(examples=150, steps=60) >= 3000
