"""Random review sessions, without widgets, checked against the plain model."""

from __future__ import annotations

import pytest

from tests.session.review_model import ReviewMachine, run_machine


def test_review_session_matches_the_model(qapp) -> None:
    run_machine(ReviewMachine, examples=12, steps=30)


@pytest.mark.slow
def test_review_session_matches_the_model_long(qapp) -> None:
    run_machine(ReviewMachine, examples=300, steps=60)
