"""The string matcher: every text already tagged is suggested wherever it appears again.

As INCEpTION's string matching recommender: each tagged text is a key, scored per label by
how often that label was given to it (``count / all uses of the text``). Matching uses one
Aho-Corasick automaton (``pyahocorasick``), keeps whole words only and takes the longest
match first, so "New York Times" wins over "New York" inside it.

The window follows every edit: ``scan(text)`` keeps one text's matches, and after an edit
looks again only where the texts whose counts changed occur (``TextScan``). A use of a
text already known changes only that text's scores; a new text is looked for with
``str.find``, and only the overlapping matches around its occurrences are chosen again; the
automaton is rebuilt only for a whole scan (about a millisecond per thousand keys).
"""

from __future__ import annotations

import json
from bisect import bisect_left, insort
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from pathlib import Path

import ahocorasick

from annotator.suggest.base import Example, Suggestion

FILE = "strings.json"
LOG = 512
"""How many changed texts a matcher remembers for the scans that catch up with it; a scan
further behind looks at its whole text again."""

Range = tuple[int, int]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def whole_word(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` neither starts nor ends inside a word."""
    before = start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start])
    after = end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1])
    return not (before or after)


def _longest_first(found: Iterable[Range], taken: list[Range]) -> list[Range]:
    """Add to ``taken`` (sorted, none overlapping) the ranges of ``found`` that overlap no
    range taken, longest first, then leftmost; return those added."""
    added = []
    for start, end in sorted(found, key=lambda r: (r[0] - r[1], r[0])):
        at = bisect_left(taken, (end,))  # the taken ranges starting before ``end``
        if at and taken[at - 1][1] > start:
            continue
        taken.insert(at, (start, end))
        added.append((start, end))
    return added


class StringMatcher:
    """Tagged texts with their label counts, and the automaton that finds them."""

    def __init__(self, counts: dict[str, Counter] | None = None) -> None:
        self._counts: dict[str, Counter] = counts or {}
        self._automaton: ahocorasick.Automaton | None = None
        self.version = 0
        self._log: deque[tuple[int, str]] = deque(maxlen=LOG)

    @property
    def counts(self) -> dict[str, Counter]:
        return self._counts

    def _changed(self, text: str, new_key: bool) -> None:
        self.version += 1
        self._log.append((self.version, text))
        if new_key:
            self._automaton = None

    def changed_since(self, version: int) -> set[str] | None:
        """The texts whose counts changed after ``version``; ``None`` if the matcher no
        longer remembers that far back."""
        if version == self.version:
            return set()
        if not self._log or self._log[0][0] > version + 1:
            return None
        return {text for v, text in self._log if v > version}

    def add(self, text: str, label: str, times: int = 1) -> None:
        """Count one more use of ``label`` for ``text`` (stripped; empty texts are ignored)."""
        text = text.strip()
        if not text:
            return
        new_key = text not in self._counts
        self._counts.setdefault(text, Counter())[label] += times
        self._changed(text, new_key)

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
        self._changed(text, not labels)

    def _built(self) -> ahocorasick.Automaton | None:
        if self._automaton is None and self._counts:
            automaton = ahocorasick.Automaton()
            for text in self._counts:
                automaton.add_word(text, len(text))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def occurrences(self, text: str) -> list[Range]:
        """Every whole-word occurrence in ``text`` of every tagged text (overlapping)."""
        automaton = self._built()
        if automaton is None:
            return []
        found = []
        for last, length in automaton.iter(text):
            start, end = last + 1 - length, last + 1
            if whole_word(text, start, end):
                found.append((start, end))
        return found

    def matches(self, text: str) -> list[Range]:
        """Ranges of whole-word matches, longest first, none overlapping another kept one."""
        taken: list[Range] = []
        _longest_first(self.occurrences(text), taken)
        return taken

    def scores(self, text: str, start: int, end: int) -> list[Suggestion]:
        """The suggestions of the match ``text[start:end]``, one per label it was given."""
        labels = self._counts[text[start:end]]
        total = sum(labels.values())
        return [Suggestion(start, end, label, count / total) for label, count in labels.items()]

    def scan(self, text: str) -> TextScan:
        """``text``'s matches, kept up to date with this matcher's edits (see ``TextScan``)."""
        return TextScan(self, text)

    def suggest(self, text: str) -> list[Suggestion]:
        out: list[Suggestion] = []
        for start, end in self.matches(text):
            out.extend(self.scores(text, start, end))
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


class TextScan:
    """One text's matches for a matcher, brought up to date with the matcher's edits by
    looking again only around the occurrences of the texts that changed, and scoring again
    only the matches of those texts."""

    def __init__(self, matcher: StringMatcher, text: str) -> None:
        self.matcher = matcher
        self.text = text
        self._version = -1
        self._occurrences: dict[str, list[Range]] = {}  # per tagged text, in text order
        self._ranges: list[Range] = []  # every occurrence, sorted
        self._longest = 0  # the longest occurrence: how far back an overlap can start
        self._taken: list[Range] = []  # the matches kept, sorted
        self._suggestions: list[Suggestion] = []  # sorted

    def suggest(self) -> list[Suggestion]:
        """The matcher's suggestions for the text, as ``StringMatcher.suggest`` gives them
        (the list is the scan's own: read it, do not change it)."""
        matcher = self.matcher
        changed = matcher.changed_since(self._version)
        if changed is None or len(changed) > LOG // 4:
            self._rescan()
        elif changed:
            self._catch_up(changed)
        self._version = matcher.version
        return self._suggestions

    def _catch_up(self, changed: set[str]) -> None:
        regions, counted = [], []
        for key in changed:
            known, present = key in self._occurrences, key in self.matcher.counts
            if known != present:
                regions.extend(self._add(key) if present else self._remove(key))
            elif present:
                counted.append(key)
        for start, end in regions:
            self._choose_again(start, end)
        for key in counted:  # the same matches, scored anew
            for r in self._occurrences[key]:
                at = bisect_left(self._taken, r)
                if at < len(self._taken) and self._taken[at] == r:
                    self._unscore(r)
                    self._score(r)

    def _rescan(self) -> None:
        self._occurrences = {}
        found = self.matcher.occurrences(self.text)
        for start, end in found:
            self._occurrences.setdefault(self.text[start:end], []).append((start, end))
        self._ranges = sorted(found)
        self._longest = max((end - start for start, end in found), default=0)
        self._taken = []
        _longest_first(found, self._taken)
        scores = self.matcher.scores
        self._suggestions = sorted(
            s for start, end in self._taken for s in scores(self.text, start, end)
        )

    def _score(self, r: Range) -> None:
        for s in self.matcher.scores(self.text, *r):
            insort(self._suggestions, s)

    def _unscore(self, r: Range) -> None:
        suggestions = self._suggestions
        first = last = bisect_left(suggestions, r)
        while last < len(suggestions) and suggestions[last][:2] == r:
            last += 1
        del suggestions[first:last]

    def _add(self, key: str) -> list[Range]:
        text, found = self.text, []
        at = text.find(key)
        while at >= 0:
            if whole_word(text, at, at + len(key)):
                found.append((at, at + len(key)))
            at = text.find(key, at + 1)
        self._occurrences[key] = found
        for r in found:
            insort(self._ranges, r)
        if found:
            self._longest = max(self._longest, len(key))
        return found

    def _remove(self, key: str) -> list[Range]:
        found = self._occurrences.pop(key)
        taken = self._taken
        for r in found:
            del self._ranges[bisect_left(self._ranges, r)]
            at = bisect_left(taken, r)
            if at < len(taken) and taken[at] == r:
                del taken[at]
                self._unscore(r)
        return found

    def _choose_again(self, start: int, end: int) -> None:
        """Choose the matches again among the occurrences overlapping ``start``-``end``,
        and those overlapping them in turn: no choice outside depends on them."""
        ranges = self._ranges
        while True:
            first = bisect_left(ranges, (start - self._longest,))
            last = bisect_left(ranges, (end,))
            group = [r for r in ranges[first:last] if r[1] > start]
            wider = (min([start, *(r[0] for r in group)]), max([end, *(r[1] for r in group)]))
            if wider == (start, end):
                break
            start, end = wider
        taken = self._taken
        first, last = bisect_left(taken, (start,)), bisect_left(taken, (end,))
        for r in taken[first:last]:
            self._unscore(r)
        del taken[first:last]
        for r in _longest_first(group, taken):
            self._score(r)
