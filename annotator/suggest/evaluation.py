"""Measuring a suggester as a user would: exact span match on documents it never saw.

The held-out part is the one exports put last: the documents whose text hash falls in the
final 20% (``formats.exporting.split_of``, the same seed), so a figure measured here is
measured on the documents a ``--split 80/20`` export would test on. The suggester learns
from growing shares of the rest, in document order, which gives the learning curve.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.formats.exporting import split_of
from annotator.suggest.base import Example, Model, SpanKey, best_per_range
from annotator.suggest.registry import SuggesterKind

HELDOUT_SHARE = 20
SEED = 13
CURVE_SHARES = (10, 25, 50, 100)


@dataclass(frozen=True, slots=True)
class Counts:
    """Exact-match tallies: spans found right, spans suggested, spans annotated."""

    correct: int = 0
    suggested: int = 0
    annotated: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.annotated if self.annotated else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True, slots=True)
class Scores:
    overall: Counts
    labels: dict[str, Counts] = field(default_factory=dict)


def score(pairs: Iterable[tuple[Iterable[SpanKey], Iterable[SpanKey]]]) -> Scores:
    """Exact span match over ``(annotated, suggested)`` pairs, per label and overall."""
    correct: Counter = Counter()
    suggested: Counter = Counter()
    annotated: Counter = Counter()
    for gold, guessed in pairs:
        gold_set, guessed_set = set(gold), set(guessed)
        correct.update(key[2] for key in gold_set & guessed_set)
        suggested.update(key[2] for key in guessed_set)
        annotated.update(key[2] for key in gold_set)
    labels = {
        label: Counts(correct[label], suggested[label], annotated[label])
        for label in sorted(set(suggested) | set(annotated))
    }
    overall = Counts(sum(correct.values()), sum(suggested.values()), sum(annotated.values()))
    return Scores(overall, labels)


def score_model(model: Model, examples: Sequence[Example]) -> Scores:
    return score(
        (example.spans, [s.key for s in best_per_range(model.suggest(example.text))])
        for example in examples
    )


def split_heldout(
    examples: Sequence[Example], seed: int = SEED
) -> tuple[list[Example], list[Example]]:
    """``(training part, held-out part)``, each in the order given."""
    split = (100 - HELDOUT_SHARE, HELDOUT_SHARE)
    train: list[Example] = []
    heldout: list[Example] = []
    for example in examples:
        (heldout if split_of(example.sha256, seed, split) == 1 else train).append(example)
    return train, heldout


@dataclass(frozen=True, slots=True)
class CurvePoint:
    train_documents: int
    scores: Scores

    def as_dict(self) -> dict:
        return {
            "train_documents": self.train_documents,
            **self.scores.overall.as_dict(),
            "labels": {name: c.as_dict() for name, c in self.scores.labels.items()},
        }


@dataclass(frozen=True, slots=True)
class Curve:
    suggester: str
    heldout_documents: int
    points: list[CurvePoint]

    def as_dict(self) -> dict:
        return {
            "suggester": self.suggester,
            "heldout_documents": self.heldout_documents,
            "curve": [point.as_dict() for point in self.points],
        }


def shares_of(count: int, shares: Sequence[int] = CURVE_SHARES) -> list[int]:
    """Document counts for each share of ``count`` (at least one), without repeats."""
    sizes: list[int] = []
    for share in shares:
        size = min(count, max(1, math.ceil(count * share / 100)))
        if count and (not sizes or size != sizes[-1]):
            sizes.append(size)
    return sizes


def learning_curve(
    examples: Sequence[Example], kind: SuggesterKind, shares: Sequence[int] = CURVE_SHARES
) -> Curve:
    """Train on growing shares of the training part and score each on the held-out part."""
    train, heldout = split_heldout(examples)
    points = [
        CurvePoint(size, score_model(kind.train(train[:size]), heldout))
        for size in shares_of(len(train), shares)
    ]
    return Curve(kind.name, len(heldout), points)
