"""Suggesters: string matching on a long article, CRF retraining, suggesting on one article,
and the learning curve on a generated corpus (scale 1.0: a 5,000-word article, 1,000
sentences, 500 documents).

The baseline, measured in the same run, is tokenising the same text with the export's
tokenizer: the least any tagger has to do with it. CPU seconds are given beside wall seconds
because the machine is shared.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from annotator.formats.tokenize import tokenize
from annotator.suggest.base import Example
from annotator.suggest.crf import train_crf
from annotator.suggest.evaluation import learning_curve
from annotator.suggest.registry import DEFAULT_SUGGESTER, SUGGESTERS
from annotator.suggest.strings import train_strings
from tests.benchmarks.harness import benchmark, scaled, timed
from tests.benchmarks.news import news_example, news_examples

T = TypeVar("T")


def _article(words: int, seed: int = 1) -> str:
    """News paragraphs from many generated articles, joined until ``words`` long."""
    rng = random.Random(seed)
    parts: list[str] = []
    count = 0
    while count < words:
        text = news_example(rng).text
        parts.append(text)
        count += len(text.split())
    return "\n".join(parts)


def _sentences(examples: list[Example]) -> int:
    return sum(e.text.count(" .") for e in examples)


def _measured(fn: Callable[[], T]) -> tuple[T, float, float]:
    """``fn()``'s result, CPU seconds and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.process_time() - cpu, time.perf_counter() - wall


@benchmark("suggest.strings_article")
def strings_article(scale: float) -> dict[str, float | int]:
    """String-matcher suggestions for a 5,000-word article, from 300 documents' spans."""
    matcher = train_strings(news_examples(scaled(300, scale, minimum=5)))
    text = _article(scaled(5_000, scale, minimum=100))
    rebuild = timed(lambda: (matcher.add("Rebuilt Name", "actor"), matcher.suggest(text)), 5)
    seconds = timed(lambda: matcher.suggest(text), 5)
    baseline = timed(lambda: tokenize(text), 5)
    return {
        "words": len(text.split()),
        "tagged texts": len(matcher.counts),
        "suggestions": len(matcher.suggest(text)),
        "suggest ms": round(seconds * 1000, 2),
        "after an edit ms": round(rebuild * 1000, 2),
        "tokenize ms (baseline)": round(baseline * 1000, 2),
        "ratio to baseline": round(seconds / baseline, 2),
    }


@benchmark("suggest.crf_retrain")
def crf_retrain(scale: float) -> dict[str, float | int]:
    """Retraining the per-label CRFs on 1,000 sentences."""
    sentences = scaled(1_000, scale, minimum=20)
    examples = news_examples(max(2, sentences // 10), seed=3, sentences=10)
    _, cpu, wall = _measured(lambda: train_crf(examples))
    baseline = timed(lambda: [tokenize(e.text) for e in examples])
    return {
        "sentences": _sentences(examples),
        "tokens": sum(len(e.text.split()) for e in examples),
        "labels": 4,
        "train s": round(wall, 3),
        "train cpu s": round(cpu, 3),
        "tokenize s (baseline)": round(baseline, 4),
        "ratio to baseline": round(wall / baseline),
    }


@benchmark("suggest.tagger_article")
def tagger_article(scale: float) -> dict[str, float | int]:
    """Suggestions of the default suggester (CRFs and quotes) for one 800-word article."""
    model = SUGGESTERS[DEFAULT_SUGGESTER].train(news_examples(scaled(100, scale, minimum=4)))
    text = _article(800, seed=2)
    seconds = timed(lambda: model.suggest(text), 5)
    _, cpu, _ = _measured(lambda: model.suggest(text))
    baseline = timed(lambda: tokenize(text), 5)
    return {
        "words": len(text.split()),
        "suggestions": len(model.suggest(text)),
        "suggest ms": round(seconds * 1000, 2),
        "suggest cpu ms": round(cpu * 1000, 2),
        "tokenize ms (baseline)": round(baseline * 1000, 3),
        "ratio to baseline": round(seconds / baseline, 1),
    }


@benchmark("suggest.learning_curve")
def learning_curve_benchmark(scale: float) -> dict[str, float | int]:
    """The learning curve (10/25/50/100% of the training part) over 500 generated documents,
    for the default suggester and the string matcher."""
    examples = news_examples(scaled(500, scale, minimum=10), seed=5)
    figures: dict[str, float | int] = {"documents": len(examples)}
    for name in (DEFAULT_SUGGESTER, "strings"):
        kind = SUGGESTERS[name]
        curve, cpu, wall = _measured(lambda kind=kind: learning_curve(examples, kind))
        figures[f"{name} s"] = round(wall, 2)
        figures[f"{name} cpu s"] = round(cpu, 2)
        for point in curve.points:
            figures[f"{name} F1 @{point.train_documents}"] = round(point.scores.overall.f1, 3)
    figures["heldout documents"] = curve.heldout_documents
    return figures
