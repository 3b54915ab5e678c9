"""What every suggester shares: training examples, suggestions and the model interface."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

SpanKey = tuple[int, int, str]
"""``(start, end, label)``: code-point offsets, end exclusive."""


class Suggestion(NamedTuple):
    start: int
    end: int
    label: str
    score: float

    @property
    def key(self) -> SpanKey:
        return (self.start, self.end, self.label)


@dataclass(frozen=True, slots=True)
class Example:
    """One annotated document to learn from: its text and its spans."""

    text: str
    spans: tuple[SpanKey, ...]
    sha256: str = ""
    document_id: int | None = None


class Model(Protocol):
    """A trained suggester: proposes spans for a text and saves itself into a folder."""

    def suggest(self, text: str) -> list[Suggestion]: ...

    def save(self, folder: Path) -> None: ...


def best_per_range(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """One suggestion per ``(start, end)``: the highest-scored label (ties: label order).

    A string seen with two labels is offered with both in the window; a dataset or an
    evaluation takes the likelier one.
    """
    best: dict[tuple[int, int], Suggestion] = {}
    for s in suggestions:
        kept = best.get((s.start, s.end))
        if kept is None or (s.score, kept.label) > (kept.score, s.label):
            best[(s.start, s.end)] = s
    return sorted(best.values())


def labels_of(examples: Sequence[Example]) -> list[str]:
    return sorted({label for example in examples for _, _, label in example.spans})
