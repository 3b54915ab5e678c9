"""Training the window's suggesters: one plain function, run off the window's thread.

The window offers two suggesters at once: the string matcher, which is cheap enough to
follow every edit, and a statistical model (the default ``tagger``), retrained in the
background when a document is marked done or on demand and stored with its record. Each is
measured on held-out documents when it is trained; its suggestions are offered only while
that F1 reaches the threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.errors import InputError
from annotator.store import sqlite
from annotator.suggest.base import Example, Model, SpanKey
from annotator.suggest.examples import annotated_examples
from annotator.suggest.registry import SuggesterKind, get_suggester
from annotator.suggest.strings import StringMatcher
from annotator.suggest.training import (
    TrainingRecord,
    fingerprint,
    load_trained,
    model_folder,
    save_trained,
    train_and_measure,
)

STRINGS = "strings"

Fit = Callable[[Sequence[Example], SuggesterKind, str, Path], tuple[Model, TrainingRecord]]
"""Trains ``kind`` on the examples for ``source``, stores it in the folder, returns it."""


@dataclass(frozen=True, slots=True)
class Trained:
    """What one training run produced for ``annotator``."""

    annotator: str
    matcher: StringMatcher
    strings_record: TrainingRecord | None
    model: Model | None
    model_record: TrainingRecord | None
    learnt: dict[int, Counter] = field(default_factory=dict)
    """Per document id, the ``(text, label)`` uses the matcher counted there: the window
    brings the matcher up to date with edits made while it was being trained."""


def database_location(engine: Engine) -> str | Path:
    """The key the stored models of ``engine``'s database are filed under."""
    return sqlite.database_path(engine) or str(engine.url)


def uses(text: str, keys: Iterable[SpanKey]) -> Counter:
    """The ``(covered text, label)`` uses of span ``keys`` in ``text``, as the matcher
    counts them."""
    return Counter((text[start:end].strip(), label) for start, end, label in keys)


def _examples(engine: Engine, annotator: str) -> list[Example]:
    try:
        return annotated_examples(engine, annotator)
    except InputError:  # a new annotator: nothing to learn from yet
        return []


def train_and_store(
    examples: Sequence[Example], kind: SuggesterKind, source: str, folder: Path
) -> tuple[Model, TrainingRecord]:
    """Train in this process (``child.ChildTraining`` trains in another)."""
    model, record = train_and_measure(examples, kind, source)
    save_trained(folder, model, record)
    return model, record


def train_window_suggesters(
    engine: Engine, annotator: str, suggester: str, retrain: bool, fit: Fit = train_and_store
) -> Trained:
    """The string matcher trained on ``annotator``'s documents, and the ``suggester`` model:
    the stored one, trained again (and stored) when ``retrain`` and its data changed. A
    window starts without retraining, so opening it costs no model training; marking a
    document done or asking retrains, with ``fit`` (the window trains in a child process). A
    record is ``None`` for what was never trained."""
    examples = _examples(engine, annotator)
    matcher, strings_record = StringMatcher(), None
    if examples:
        strings_model, strings_record = train_and_measure(
            examples, get_suggester(STRINGS), annotator
        )
        assert isinstance(strings_model, StringMatcher)
        matcher = strings_model
    kind = get_suggester(suggester)
    folder = model_folder(database_location(engine), annotator, kind.name)
    stored = load_trained(folder)
    model, record = stored if stored is not None else (None, None)
    if examples and retrain and (stored is None or _stale(stored[1], examples, kind.name)):
        model, record = fit(examples, kind, annotator, folder)
    learnt = {
        example.document_id: uses(example.text, example.spans)
        for example in examples
        if example.document_id is not None
    }
    return Trained(annotator, matcher, strings_record, model, record, learnt)


def _stale(record: TrainingRecord, examples: list[Example], name: str) -> bool:
    return record.suggester != name or record.fingerprint != fingerprint(examples)


def measure_matcher(engine: Engine, annotator: str) -> tuple[str, TrainingRecord | None]:
    """The string matcher's held-out figures on ``annotator``'s documents as they stand now:
    the window's matcher follows every edit itself, only its figures go stale. A few
    milliseconds per hundred documents, off the window's thread."""
    examples = _examples(engine, annotator)
    if not examples:
        return annotator, None
    return annotator, train_and_measure(examples, get_suggester(STRINGS), annotator)[1]
