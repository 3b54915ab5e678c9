"""Training in a child process gives the model training in this process gives, stored the
same way; a failure in the child comes back in words, and nothing half-written is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.suggest.child import ChildTraining
from annotator.suggest.live import train_and_store
from annotator.suggest.registry import SUGGESTERS
from annotator.suggest.training import load_trained
from tests.benchmarks.news import news_examples
from tests.suggest.child_targets import die


def test_a_child_trains_and_stores_what_this_process_would(tmp_path: Path) -> None:
    examples = news_examples(12)
    kind = SUGGESTERS["crf"]
    child = ChildTraining()
    model, record = child(examples, kind, "alice", tmp_path / "child" / "crf")
    here, here_record = train_and_store(examples, kind, "alice", tmp_path / "here" / "crf")
    text = examples[0].text + " Zoë Ångström 🙂 met Karen Bass."
    assert model.suggest(text) == here.suggest(text)
    assert (record.f1, record.documents, record.spans) == (
        here_record.f1,
        here_record.documents,
        here_record.spans,
    )
    stored = load_trained(tmp_path / "child" / "crf")
    assert stored is not None and stored[1] == record
    assert child.pid is None
    assert sorted(p.name for p in (tmp_path / "child").iterdir()) == ["crf"]


def test_a_failure_in_the_child_comes_back_in_words(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="cannot store the trained model"):
        ChildTraining()(news_examples(6), SUGGESTERS["strings"], "alice", blocker / "strings")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_child_that_dies_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ChildTraining, "target", staticmethod(die))
    with pytest.raises(AnnotatorError, match="stopped without an answer"):
        ChildTraining()(news_examples(6), SUGGESTERS["strings"], "alice", tmp_path / "strings")
    assert list(tmp_path.iterdir()) == []
