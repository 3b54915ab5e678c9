"""Training a spaCy span categoriser from the export: annotations to an extractor.

The documents and spans are the ones ``export --split 80/10/10`` writes (the same selection,
hash split and seed); the pipeline learns from the train part and is scored on the dev part.
Tokens are the export's tokens (``formats.tokenize``), so every span maps onto whole tokens
and none is dropped. ``spancat`` rather than ``ner``: nested and overlapping spans count.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.errors import AnnotatorError, InputError, Problem
from annotator.formats.exporting import split_of
from annotator.formats.tokenize import tokenize
from annotator.suggest.base import Example, labels_of
from annotator.suggest.examples import annotated_examples

SPLIT = (80, 10, 10)
SEED = 13
SPANS_KEY = "sc"
MAX_SPAN_TOKENS = 40


@dataclass(frozen=True, slots=True)
class LabelFigures:
    precision: float
    recall: float
    f1: float


@dataclass(slots=True)
class SpacyReport:
    output: Path
    train_documents: int
    dev_documents: int
    labels: dict[str, LabelFigures] = field(default_factory=dict)
    overall: LabelFigures | None = None

    def lines(self) -> list[str]:
        out = [
            f"trained on {self.train_documents} documents, scored on {self.dev_documents} dev "
            "documents (exact span match)",
            f"{'label':16}{'precision':>12}{'recall':>12}{'F1':>12}",
        ]
        rows = [*self.labels.items(), *([("overall", self.overall)] if self.overall else [])]
        for name, f in rows:
            out.append(f"{name:16}{f.precision:>12.3f}{f.recall:>12.3f}{f.f1:>12.3f}")
        out.append(f"wrote {self.output} (load it with spacy.load)")
        return out


def _spacy():
    try:
        import spacy
    except ImportError as exc:
        raise AnnotatorError(
            "spaCy is not installed: install the training extra (pip install -e '.[train]')"
        ) from exc
    return spacy


def _doc(nlp, example: Example):
    from spacy.tokens import Doc

    text = example.text
    tokens = tokenize(text, [(s, e) for s, e, _ in example.spans])
    doc = Doc(
        nlp.vocab,
        words=[text[t.start : t.end] for t in tokens],
        spaces=[t.ws for t in tokens],
    )
    spans = [doc.char_span(s, e, label, alignment_mode="strict") for s, e, label in example.spans]
    doc.spans[SPANS_KEY] = [span for span in spans if span is not None]
    return doc


def _training_examples(nlp, examples: list[Example]) -> list:
    from spacy.training import Example as SpacyExample

    out = []
    for example in examples:
        reference = _doc(nlp, example)
        predicted = reference.copy()
        predicted.spans.clear()
        out.append(SpacyExample(predicted, reference))
    return out


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def split_parts(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """The export's train and dev parts of ``examples``."""
    parts: list[list[Example]] = [[], [], []]
    for example in examples:
        parts[split_of(example.sha256, SEED, SPLIT)].append(example)
    return parts[0], parts[1]


def train_spacy(
    engine: Engine, output: Path, annotator: str | None, epochs: int = 20
) -> SpacyReport:
    """Train ``spacy.blank("en")`` with a ``spancat`` on the train part; score it on dev."""
    spacy = _spacy()
    train, dev = split_parts(annotated_examples(engine, annotator))
    who = f"annotator {annotator!r}" if annotator else "the gold layer"
    if not train or not dev:
        raise InputError(
            [
                Problem(
                    f"{who} has {len(train)} training and {len(dev)} dev documents; "
                    "both parts need at least one"
                )
            ]
        )
    labels = labels_of(train)
    longest = max((len(tokenize(e.text[s:end])) for e in train for s, end, _ in e.spans), default=1)
    nlp = spacy.blank("en")
    spancat = nlp.add_pipe(
        "spancat",
        config={
            "spans_key": SPANS_KEY,
            "suggester": {
                "@misc": "spacy.ngram_range_suggester.v1",
                "min_size": 1,
                "max_size": min(longest, MAX_SPAN_TOKENS),
            },
        },
    )
    for label in labels:
        spancat.add_label(label)
    train_examples = _training_examples(nlp, train)
    optimizer = nlp.initialize(lambda: train_examples)
    rng = random.Random(SEED)
    for _ in range(epochs):
        rng.shuffle(train_examples)
        for batch in _batches(train_examples, 8):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses={})
    scores = nlp.evaluate(_training_examples(nlp, dev))
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    per_type = scores.get(f"spans_{SPANS_KEY}_per_type") or {}
    report = SpacyReport(output, len(train), len(dev))
    for label in labels:
        figures = per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
        report.labels[label] = LabelFigures(figures["p"], figures["r"], figures["f"])
    report.overall = LabelFigures(
        scores.get(f"spans_{SPANS_KEY}_p") or 0.0,
        scores.get(f"spans_{SPANS_KEY}_r") or 0.0,
        scores.get(f"spans_{SPANS_KEY}_f") or 0.0,
    )
    return report
