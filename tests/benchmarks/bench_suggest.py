"""Suggesters: string matching on a long article, CRF retraining, suggesting on one article,
the learning curve on a generated corpus (scale 1.0: a 5,000-word article, 1,000 sentences,
500 documents), the window's suggestions for an article, and how long the window's thread
waits while the default suggester retrains in the background (in a thread, in a child).

The baseline, measured in the same run, is tokenising the same text with the export's
tokenizer: the least any tagger has to do with it. CPU seconds are given beside wall seconds
because the machine is shared.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import ahocorasick

from annotator.core.spans import Span
from annotator.formats.tokenize import tokenize
from annotator.session.suggestions import ModelJob, Suggestions
from annotator.suggest.base import Example
from annotator.suggest.child import ChildTraining
from annotator.suggest.crf import train_crf
from annotator.suggest.evaluation import learning_curve
from annotator.suggest.live import Trained, train_and_store
from annotator.suggest.registry import DEFAULT_SUGGESTER, SUGGESTERS
from annotator.suggest.strings import StringMatcher, train_strings, whole_word
from annotator.suggest.training import train_and_measure
from annotator.ui.children import fork_server
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
    return _against_tokenizing(
        text,
        seconds,
        {
            "tagged texts": len(matcher.counts),
            "suggestions": len(matcher.suggest(text)),
            "suggest ms": round(seconds * 1000, 2),
            "after an edit ms": round(rebuild * 1000, 2),
        },
    )


def _rescan_as_before(matcher: StringMatcher, text: str) -> int:
    """What every edit cost the window before scans kept their matches: a new automaton, the
    whole text matched again and the longest matches chosen among all (each against every
    one kept so far)."""
    automaton = ahocorasick.Automaton()
    for key in matcher.counts:
        automaton.add_word(key, len(key))
    automaton.make_automaton()
    found = [
        (last + 1 - length, last + 1)
        for last, length in automaton.iter(text)
        if whole_word(text, last + 1 - length, last + 1)
    ]
    found.sort(key=lambda r: (r[0] - r[1], r[0]))
    taken: list[tuple[int, int]] = []
    for start, end in found:
        if all(end <= s or e <= start for s, e in taken):
            taken.append((start, end))
    return len(sorted(s for start, end in taken for s in matcher.scores(text, start, end)))


@benchmark("suggest.strings_megabyte")
def strings_megabyte(scale: float) -> dict[str, float | int]:
    """The window's string-matcher suggestions in a 1 MB article (300 documents' spans): on
    opening it, and after a span is tagged and the tag undone, of a text tagged before (its
    scores change) and of a new text (it is looked for); against the whole rescan every edit
    cost before, in the same run."""
    examples = news_examples(scaled(300, scale, minimum=10))
    matcher, record = train_and_measure(examples, SUGGESTERS["strings"], "bench")
    assert isinstance(matcher, StringMatcher)
    text = _article(scaled(5_000, scale, minimum=100))
    while len(text) < scaled(1_000_000, scale, minimum=5_000):
        text += "\n" + _article(scaled(5_000, scale, minimum=100), seed=len(text))
    state = Suggestions(threshold=0.0)
    state.install(Trained("bench", matcher, record, None, None), [])

    def open_article() -> int:
        state.open(1, text.encode().decode(), [], set())  # a text read anew: scanned anew
        return len(state.items)

    def tag_and_undo(span: Span) -> int:
        state.edit([], [span])
        offered = len(state.items)
        state.edit([span], [])
        return offered + len(state.items)

    opened = timed(open_article, 3)
    known = state.items[len(state.items) // 2]
    known_span = Span(known.start, known.end, known.label, id=1)
    start = text.index("said") + 5
    new_span = Span(start, text.index(" ", start), "actor", id=2)
    known_edit = timed(lambda: tag_and_undo(known_span), 5)
    new_edit = timed(lambda: tag_and_undo(new_span), 5)
    before = timed(lambda: _rescan_as_before(matcher, text))
    return {
        "characters": len(text),
        "tagged texts": len(matcher.counts),
        "suggestions": len(state.items),
        "open ms": round(opened * 1000, 1),
        "tag a known text and undo ms": round(known_edit * 1000, 1),
        "tag a new text and undo ms": round(new_edit * 1000, 1),
        "whole rescan per edit before ms (baseline)": round(before * 1000, 1),
        "ratio of a new text's tag and undo to two rescans": round(new_edit / (2 * before), 4),
    }


def _against_tokenizing(text: str, seconds: float, figures: dict) -> dict[str, float | int]:
    """``figures`` with the article's size, and ``seconds`` against tokenizing it."""
    baseline = timed(lambda: tokenize(text), 5)
    return {
        "words": len(text.split()),
        **figures,
        "tokenize ms (baseline)": round(baseline * 1000, 2),
        "ratio to baseline": round(seconds / baseline, 2),
    }


def _retraining_examples(scale: float) -> list[Example]:
    """About 1,000 sentences (at scale 1.0), ten to an article."""
    sentences = scaled(1_000, scale, minimum=20)
    return news_examples(max(2, sentences // 10), seed=3, sentences=10)


@benchmark("suggest.crf_retrain")
def crf_retrain(scale: float) -> dict[str, float | int]:
    """Retraining the per-label CRFs on 1,000 sentences."""
    examples = _retraining_examples(scale)
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


@benchmark("suggest.window_article")
def window_article(scale: float) -> dict[str, float | int]:
    """The window's suggestions for a 5,000-word article: the string matcher (300 documents'
    spans) on opening it, on the window's thread; the default suggester's, worked out in the
    background; the string matcher's again after an edit and its undo."""
    examples = news_examples(scaled(300, scale, minimum=10))
    strings_kind, kind = SUGGESTERS["strings"], SUGGESTERS[DEFAULT_SUGGESTER]
    matcher, strings_record = train_and_measure(examples, strings_kind, "bench")
    model, record = train_and_measure(examples[: scaled(100, scale, minimum=10)], kind, "bench")
    assert isinstance(matcher, StringMatcher)
    text = _article(scaled(5_000, scale, minimum=100), seed=4)
    state = Suggestions(threshold=0.0)
    state.install(Trained("bench", matcher, strings_record, model, record), [])

    def open_article() -> int:
        state.open(1, text.encode().decode(), [], set())  # read anew: scanned anew
        return len(state.items)

    def model_suggestions() -> int:
        state.set_model_suggestions(*ModelJob(1, model, text).run())
        return len(state.items)

    opened = timed(open_article, 5)
    _, open_cpu, _ = _measured(open_article)
    tagger = timed(model_suggestions, 3)
    start = text.index(" ") + 1
    edit = Span(start, text.index(" ", start), "actor", id=1)
    after_edit = timed(lambda: (state.edit([], [edit]), state.items, state.edit([edit], [])), 5)
    return _against_tokenizing(
        text,
        opened,
        {
            "suggestions": model_suggestions(),
            "open ms": round(opened * 1000, 2),
            "open cpu ms": round(open_cpu * 1000, 2),
            "tagger ms (background)": round(tagger * 1000, 2),
            "edit and undo ms": round(after_edit * 1000, 2),
        },
    )


def _waits(work: Callable[[], object]) -> tuple[float, list[float]]:
    """Run ``work`` in a thread, as the window's trainer does; meanwhile this thread asks
    for the CPU every millisecond. Wall seconds, and the gaps between its turns."""
    worker = threading.Thread(target=work)
    gaps: list[float] = []
    start = time.perf_counter()
    worker.start()
    last = time.perf_counter()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    return time.perf_counter() - start, gaps


@benchmark("suggest.background_wait")
def background_wait(scale: float) -> dict[str, float | int]:
    """How long the window's thread waits for the interpreter while the default suggester
    retrains (and is measured and stored) on 1,000 sentences, as the window retrains it: in
    a thread of the window's process (before), and in a child process of the window's fork
    server, the window's thread of work only waiting for its answer (now); beside them, the
    same loop while nothing runs (the machine's own hitches). Three turns of each,
    interleaved: the longest gap of each turn's loop that asks for the CPU every
    millisecond (median and worst of the turns), and the median gap."""
    examples = _retraining_examples(scale)
    kind = SUGGESTERS[DEFAULT_SUGGESTER]
    figures: dict[str, float | int] = {"sentences": _sentences(examples)}
    child = ChildTraining(fork_server())
    longest: dict[str, list[float]] = {}
    medians: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # the fork server starts once per app, with what its children run imported
        child(examples[:4], SUGGESTERS["strings"], "bench", Path(tmp) / "warm")
        seconds: dict[str, float] = {}
        runs = {
            "thread": lambda: train_and_store(examples, kind, "bench", Path(tmp) / "thread"),
            "child": lambda: child(examples, kind, "bench", Path(tmp) / "child"),
            "idle": lambda: time.sleep(seconds.get("child", 3.0)),
        }
        for _turn in range(3):
            for name, work in runs.items():
                seconds[name], gaps = _waits(work)
                longest.setdefault(name, []).append(max(gaps, default=0.0) * 1000)
                medians.setdefault(name, []).append(statistics.median(gaps or [0.0]) * 1000)
        for name in runs:
            figures[f"{name} s"] = round(seconds[name], 2)
            figures[f"{name} longest wait ms"] = round(statistics.median(longest[name]), 1)
            figures[f"{name} worst wait ms"] = round(max(longest[name]), 1)
            figures[f"{name} median wait ms"] = round(statistics.median(medians[name]), 2)
    return figures
