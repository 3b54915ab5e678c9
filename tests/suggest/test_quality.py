"""The quality target on real news: held-out span F1 of the default suggester at least 0.85
on about 170 training documents with person, organisation and location names.

No registry this project can reach ships such a corpus, so the test reads a CoNLL-2003 format
file named by ``ANNOTATOR_CONLL`` (e.g. the shared task's ``eng.testa``: 216 Reuters
documents) and runs with ``--run-slow``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from annotator.suggest.evaluation import learning_curve
from annotator.suggest.registry import DEFAULT_SUGGESTER, SUGGESTERS
from scripts.measure_suggesters import read_conll


@pytest.mark.slow
def test_default_suggester_reaches_the_quality_target_on_real_news() -> None:
    source = os.environ.get("ANNOTATOR_CONLL")
    if not source:
        pytest.skip("set ANNOTATOR_CONLL to a CoNLL-2003 format file of English news")
    examples = read_conll(Path(source), Counter())
    curve = learning_curve(examples, SUGGESTERS[DEFAULT_SUGGESTER], shares=(100,))
    assert curve.points[-1].train_documents >= 150
    assert curve.points[-1].scores.overall.f1 >= 0.85
