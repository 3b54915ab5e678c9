"""The string matcher: every text already tagged is suggested wherever it appears again.

As INCEpTION's string matching recommender: each tagged text is a key, scored per label by
how often that label was given to it (``count / all uses of the text``). Matching uses one
Aho-Corasick automaton (``pyahocorasick``), keeps whole words only and takes the longest
match first, so "New York Times" wins over "New York" inside it. Adding or removing one
tagged text marks the automaton stale; it is rebuilt on the next ``suggest`` (about a
millisecond per thousand keys), so the matcher follows every edit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import ahocorasick

from annotator.suggest.base import Example, Suggestion

FILE = "strings.json"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def whole_word(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` neither starts nor ends inside a word."""
    before = start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start])
    after = end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1])
    return not (before or after)


class StringMatcher:
    """Tagged texts with their label counts, and the automaton that finds them."""

    def __init__(self, counts: dict[str, Counter] | None = None) -> None:
        self._counts: dict[str, Counter] = counts or {}
        self._automaton: ahocorasick.Automaton | None = None

    @property
    def counts(self) -> dict[str, Counter]:
        return self._counts

    def add(self, text: str, label: str, times: int = 1) -> None:
        """Count one more use of ``label`` for ``text`` (stripped; empty texts are ignored)."""
        text = text.strip()
        if not text:
            return
        self._counts.setdefault(text, Counter())[label] += times
        self._automaton = None

    def remove(self, text: str, label: str) -> None:
        """Forget one use of ``label`` for ``text`` (a span deleted or relabelled)."""
        text = text.strip()
        labels = self._counts.get(text)
        if not labels or not labels[label]:
            return
        labels[label] -= 1
        if labels[label] <= 0:
            del labels[label]
        if not labels:
            del self._counts[text]
        self._automaton = None

    def _built(self) -> ahocorasick.Automaton | None:
        if self._automaton is None and self._counts:
            automaton = ahocorasick.Automaton()
            for text in self._counts:
                automaton.add_word(text, len(text))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Ranges of whole-word matches, longest first, none overlapping another kept one."""
        automaton = self._built()
        if automaton is None:
            return []
        found = []
        for last, length in automaton.iter(text):
            start, end = last + 1 - length, last + 1
            if whole_word(text, start, end):
                found.append((start, end))
        found.sort(key=lambda r: (r[0] - r[1], r[0]))
        taken: list[tuple[int, int]] = []
        for start, end in found:
            if all(end <= s or e <= start for s, e in taken):
                taken.append((start, end))
        return sorted(taken)

    def suggest(self, text: str) -> list[Suggestion]:
        out: list[Suggestion] = []
        for start, end in self.matches(text):
            labels = self._counts[text[start:end]]
            total = sum(labels.values())
            out.extend(
                Suggestion(start, end, label, count / total) for label, count in labels.items()
            )
        return sorted(out)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        payload = {text: dict(labels) for text, labels in sorted(self._counts.items())}
        (folder / FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> StringMatcher:
        payload = json.loads((folder / FILE).read_text(encoding="utf-8"))
        return cls({text: Counter(labels) for text, labels in payload.items()})


def train_strings(
    examples: Iterable[Example], labels: Sequence[str] | None = None
) -> StringMatcher:
    """A matcher holding every tagged text of ``examples`` (only ``labels`` when given)."""
    matcher = StringMatcher()
    for example in examples:
        for start, end, label in example.spans:
            if labels is None or label in labels:
                matcher.add(example.text[start:end], label)
    return matcher
