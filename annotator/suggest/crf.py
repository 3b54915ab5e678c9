"""The statistical tagger: one linear-chain CRF per label (``python-crfsuite``).

A CRF per label tags B/I/O for that label alone, so spans of different labels may nest or
overlap (an actor inside a quote). Features are in ``features``; the gazetteer marks come
from a string matcher over the training spans. So that the tagger does not learn to trust
marks that always fire on its own training spans, each training document is marked by a
matcher built from the other folds only; the saved matcher holds every span.

Training is one function of its examples (no global state): it can run in a thread or a
process while the window stays responsive.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from annotator.formats.tokenize import Token
from annotator.suggest.base import Example, SpanKey, Suggestion, labels_of
from annotator.suggest.features import (
    gazetteer_marks,
    lowercase_words,
    paragraphs,
    sequence_features,
)
from annotator.suggest.strings import StringMatcher, train_strings

FILE = "crf.json"
FOLDS = 4


@dataclass(frozen=True, slots=True)
class CrfOptions:
    iterations: int = 60
    c1: float = 0.05
    c2: float = 0.01


def _bio(tokens: Sequence[Token], spans: Sequence[SpanKey], label: str) -> list[str]:
    """B/I/O tags of one label; of two overlapping spans of the label the longer is kept."""
    tags = ["O"] * len(tokens)
    first, last = tokens[0].start, tokens[-1].end
    mine = sorted(
        (s for s in spans if s[2] == label and first <= s[0] and s[1] <= last),
        key=lambda s: (s[0] - s[1], s[0]),
    )
    for start, end, _ in mine:
        inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
        if inside and all(tags[i] == "O" for i in inside):
            tags[inside[0]] = "B"
            for i in inside[1:]:
                tags[i] = "I"
    return tags


def _featurised(
    text: str, gazetteer: StringMatcher, cuts=()
) -> list[tuple[list[Token], pycrfsuite.ItemSequence]]:
    """Each paragraph's tokens and features, converted once for all the labels' CRFs."""
    found = gazetteer.suggest(text)
    sequences = paragraphs(text, cuts)
    lowercase = lowercase_words(text, sequences)
    out = []
    for tokens in sequences:
        marks = gazetteer_marks(tokens, found)
        features = sequence_features(text, tokens, marks, lowercase)
        out.append((tokens, pycrfsuite.ItemSequence(features)))
    return out


def _fold_gazetteers(examples: Sequence[Example]) -> list[StringMatcher]:
    folds = [examples[i::FOLDS] for i in range(FOLDS)]
    return [
        train_strings(e for j, fold in enumerate(folds) if j != i for e in fold)
        for i in range(FOLDS)
    ]


def _fit(sequences: list[tuple[pycrfsuite.ItemSequence, list[str]]], options: CrfOptions) -> bytes:
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, tags in sequences:
        trainer.append(features, tags)
    trainer.set_params(
        {
            "c1": options.c1,
            "c2": options.c2,
            "max_iterations": options.iterations,
            "feature.possible_transitions": True,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.crfsuite"
        trainer.train(str(path))
        return path.read_bytes()


class CrfTagger:
    """Trained per-label CRFs and the gazetteer they read."""

    def __init__(self, models: dict[str, bytes], gazetteer: StringMatcher) -> None:
        self.models = models
        self.gazetteer = gazetteer
        self._taggers: dict[str, pycrfsuite.Tagger] = {}
        for label, data in models.items():
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(data)
            self._taggers[label] = tagger

    def suggest(self, text: str) -> list[Suggestion]:
        out: list[Suggestion] = []
        for tokens, features in _featurised(text, self.gazetteer):
            for label, tagger in self._taggers.items():
                out.extend(_spans(tagger, tokens, features, label))
        return sorted(out)

    def uncertainty(self, text: str) -> float:
        """How unsure the CRFs are about ``text``: one minus the likeliest tag's marginal
        probability, averaged over every token and label (0: sure of every tag)."""
        total, count = 0.0, 0
        for tokens, features in _featurised(text, self.gazetteer):
            for tagger in self._taggers.values():
                tagger.set(features)
                tags = tagger.labels()
                for i in range(len(tokens)):
                    total += 1 - max(tagger.marginal(tag, i) for tag in tags)
                count += len(tokens) * len(self._taggers)
        return total / count if count else 0.0

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for index, (label, data) in enumerate(sorted(self.models.items())):
            name = f"crf-{index}.crfsuite"
            (folder / name).write_bytes(data)
            files[label] = name
        (folder / FILE).write_text(json.dumps({"labels": files}), encoding="utf-8")
        self.gazetteer.save(folder)

    @classmethod
    def load(cls, folder: Path) -> CrfTagger:
        files = json.loads((folder / FILE).read_text(encoding="utf-8"))["labels"]
        models = {label: (folder / name).read_bytes() for label, name in files.items()}
        return cls(models, StringMatcher.load(folder))


def _spans(tagger, tokens: Sequence[Token], features: list, label: str) -> list[Suggestion]:
    tags = tagger.tag(features)
    out = []
    i = 0
    while i < len(tags):
        if tags[i] == "O":
            i += 1
            continue
        j = i + 1
        while j < len(tags) and tags[j] == "I":
            j += 1
        score = min(tagger.marginal(tags[k], k) for k in range(i, j))
        out.append(Suggestion(tokens[i].start, tokens[j - 1].end, label, score))
        i = j
    return out


def train_crf(examples: Sequence[Example], options: CrfOptions | None = None) -> CrfTagger:
    """Fit one CRF per label used in ``examples``."""
    options = options or CrfOptions()
    gazetteers = _fold_gazetteers(examples)
    rows: list[tuple[list[Token], pycrfsuite.ItemSequence, tuple[SpanKey, ...]]] = []
    for index, example in enumerate(examples):
        cuts = [(s, e) for s, e, _ in example.spans]
        for tokens, features in _featurised(example.text, gazetteers[index % FOLDS], cuts):
            rows.append((tokens, features, example.spans))
    models = {}
    for label in labels_of(examples):
        sequences = [(features, _bio(tokens, spans, label)) for tokens, features, spans in rows]
        models[label] = _fit(sequences, options)
    return CrfTagger(models, train_strings(examples))
