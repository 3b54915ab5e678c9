"""``annotator suggest`` and ``annotator train spacy`` as a user runs them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from annotator.core.errors import InvalidSpan
from annotator.store import open_store
from annotator.store.documents import document_summaries
from annotator.store.spans import document_spans
from annotator.suggest.apply import apply_model
from annotator.suggest.base import Example, Suggestion
from annotator.suggest.evaluation import split_heldout
from tests.benchmarks.news import news_examples
from tests.suggest.test_suggesters import known_corpus
from tests.test_cli import run


def import_examples(db: Path, examples: list[Example], annotator: str, tmp: Path) -> None:
    data = tmp / f"{annotator}.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": e.text, "label": [list(span) for span in e.spans]}) + "\n"
            for e in examples
        ),
        encoding="utf-8",
    )
    result = run("import", str(data), "--annotator", annotator, db=db)
    assert result.returncode == 0, result.stderr


def layer(engine: Engine, name: str) -> dict[int, list]:
    return {row.id: document_spans(engine, row.id, name) for row in document_summaries(engine)}


def test_evaluate_prints_the_learning_curve_known_by_construction(
    db_path: Path, tmp_path: Path
) -> None:
    docs = known_corpus(30)
    import_examples(db_path, docs, "ana", tmp_path)
    import_examples(db_path, news_examples(5), "ben", tmp_path)
    result = run(
        "suggest", "evaluate", "--annotator", "ana", "--suggester", "strings", "--json", db=db_path
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    train, heldout = split_heldout(docs)
    assert report["suggester"] == "strings"
    assert report["heldout_documents"] == len(heldout)
    assert [p["train_documents"] for p in report["curve"]] == [
        math.ceil(len(train) * share / 100) for share in (10, 25, 50, 100)
    ]
    for point in report["curve"]:
        assert (point["precision"], point["recall"]) == (1.0, 0.5)
        assert point["labels"] == {"actor": {"precision": 1.0, "recall": 0.5, "f1": 0.6667}}
    table = run("suggest", "evaluate", "--annotator", "ana", db=db_path)
    assert table.returncode == 0 and "tagger on ana's 30 documents" in table.stdout


def test_suggest_errors_are_one_line(db_path: Path, tmp_path: Path) -> None:
    import_examples(db_path, news_examples(3), "ana", tmp_path)
    unknown = run("suggest", "evaluate", "--annotator", "zed", db=db_path)
    assert (
        unknown.returncode == 1
        and unknown.stderr == "annotator: no annotator 'zed' in this database\n"
    )
    nobody = run("suggest", "evaluate", db=db_path)
    assert nobody.returncode == 1 and "give --annotator NAME" in nobody.stderr
    wrong = run("suggest", "evaluate", "--annotator", "ana", "--suggester", "magic", db=db_path)
    assert wrong.returncode == 2 and "invalid choice: 'magic'" in wrong.stderr
    ids = run("suggest", "apply", "--annotator", "ana", "--as", "m", "--documents", "x", db=db_path)
    assert ids.returncode == 1 and "document ids, not 'x'" in ids.stderr
    neither = run("train", "spacy", "--output", str(tmp_path / "m"), db=db_path)
    assert neither.returncode == 1 and "--annotator NAME or --gold" in neither.stderr
    no_gold = run("train", "spacy", "--output", str(tmp_path / "m"), "--gold", db=db_path)
    assert no_gold.returncode == 1
    assert no_gold.stderr == (
        "annotator: the gold layer has 0 training and 0 dev documents; both parts need at "
        "least one\n"
    )
    assert not (tmp_path / "m").exists()


def test_apply_pre_annotates_another_layer_idempotently_and_all_or_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    corpus = news_examples(24, seed=4, sentences=8)
    import_examples(db_path, corpus[:18], "ana", tmp_path)
    import_examples(db_path, corpus[18:], "ben", tmp_path)
    engine = open_store(db_path)
    ids = sorted(layer(engine, "ana"))
    unseen = [i for i in ids if not layer(engine, "ana")[i]]

    def apply(*extra: str):
        return run("suggest", "apply", "--annotator", "ana", "--as", "model", *extra, db=db_path)

    refused = apply("--documents", f"{unseen[0]},99999")
    assert refused.returncode == 1 and "no document with id 99999" in refused.stderr
    too_high = apply("--threshold", "1.01")
    assert too_high.returncode == 1 and "below 1.01" in too_high.stderr
    gold = run("suggest", "apply", "--annotator", "ana", "--as", "gold", db=db_path)
    assert gold.returncode == 1
    assert all(not spans for spans in layer(engine, "model").values())

    first = apply()
    assert first.returncode == 0, first.stderr
    assert "ready, held-out F1" in first.stdout
    model = layer(engine, "model")
    assert all(span.origin == "suggested" for spans in model.values() for span in spans)
    ben = layer(engine, "ben")
    found = sum(len({s.key for s in model[i]} & {s.key for s in ben[i]}) for i in unseen)
    assert found >= 0.8 * sum(len(ben[i]) for i in unseen)
    again = apply()
    assert again.returncode == 0 and "0 suggested spans added" in again.stdout
    assert layer(engine, "model") == model
    engine.dispose()


class HalfBroken:
    """Suggests a good span everywhere and, in the second document, an unknown label."""

    def __init__(self) -> None:
        self.calls = 0

    def suggest(self, text: str) -> list[Suggestion]:
        self.calls += 1
        good = [Suggestion(0, 3, "actor", 1.0)]
        return good + ([Suggestion(0, 4, "no-such-label", 1.0)] if self.calls == 2 else [])

    def save(self, folder: Path) -> None:
        raise NotImplementedError


def test_apply_writes_nothing_when_one_suggestion_is_bad(engine: Engine, tmp_path: Path) -> None:
    db = Path(str(engine.url.database))
    import_examples(db, news_examples(3), "ana", tmp_path)
    with pytest.raises(InvalidSpan, match="unknown label 'no-such-label'"):
        apply_model(engine, HalfBroken(), "model")
    assert all(not spans for spans in layer(engine, "model").values())


def test_train_spacy_end_to_end_loads_with_spacy_load(db_path: Path, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    import_examples(db_path, news_examples(30, seed=8, sentences=5), "ana", tmp_path)
    output = tmp_path / "pipeline"
    result = run(
        "train",
        "spacy",
        "--output",
        str(output),
        "--annotator",
        "ana",
        "--epochs",
        "8",
        db=db_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("trained on ") and "dev documents" in lines[0]
    rows = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in lines[2:-1]}
    assert set(rows) == {"actor", "agency", "location", "quote", "overall"}
    assert rows["overall"][2] > 0.2
    nlp = spacy.load(output)
    doc = nlp("Police in Solvi City said Kamo Renlu had been questioned .")
    assert "spancat" in nlp.pipe_names and "sc" in doc.spans
