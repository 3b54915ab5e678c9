"""The quote finder: the text between matching quotation marks, when it is at least three
words long, the news rule the ``quote`` label follows.

Straight and curly marks pair up as typeset (``"…"``, ``“…”``, ``‘…’``, ``'…'``, ``«…»``,
``„…“``); a single mark counts as a quotation mark only where it cannot be an apostrophe
(no letter on its outer side). A quote does not run past the end of its paragraph. The span
is what ``core.snapping`` keeps for a quote: the inside, punctuation included, marks dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.snapping import snap
from annotator.suggest.base import Example, Suggestion

QUOTE_LABEL = "quote"
MIN_WORDS = 3
FILE = "quotes.json"
_PAIRS = re.compile(
    r'"[^"\n]+"'
    r"|“[^“”\n]+”"
    r"|„[^„“”\n]+[“”]"
    r"|«[^«»\n]+»"
    r"|(?<!\w)‘[^\n]+?’(?!\w)"
    r"|(?<!\w)'[^'\n]+?'(?!\w)"
)
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


def quote_ranges(text: str, min_words: int = MIN_WORDS) -> list[tuple[int, int]]:
    """The insides of the quotations in ``text`` of at least ``min_words`` words."""
    out = []
    for match in _PAIRS.finditer(text):
        inside = snap(text, match.start(), match.end(), QUOTE_LABEL)
        if inside and len(_WORD.findall(text, *inside)) >= min_words:
            out.append(inside)
    return out


@dataclass(frozen=True, slots=True)
class QuoteFinder:
    """Suggests quotations once the annotator has used the quote label (``active``)."""

    active: bool = True
    label: str = QUOTE_LABEL

    def suggest(self, text: str) -> list[Suggestion]:
        if not self.active:
            return []
        return [Suggestion(start, end, self.label, 1.0) for start, end in quote_ranges(text)]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        payload = {"active": self.active, "label": self.label}
        (folder / FILE).write_text(json.dumps(payload), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> QuoteFinder:
        payload = json.loads((folder / FILE).read_text(encoding="utf-8"))
        return cls(active=bool(payload["active"]), label=str(payload["label"]))


def train_quotes(examples: Iterable[Example]) -> QuoteFinder:
    """Nothing to fit: the finder turns on once the quote label appears in the examples."""
    used = any(label == QUOTE_LABEL for example in examples for _, _, label in example.spans)
    return QuoteFinder(active=used)
