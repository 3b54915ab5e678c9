"""The default suggester: the CRFs for every label, and the quote finder for quotes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.suggest.base import Example, Model, Suggestion
from annotator.suggest.crf import CrfTagger, train_crf
from annotator.suggest.quotes import QuoteFinder, train_quotes


class Combined:
    """Several models' suggestions together; the same span from two keeps the higher score."""

    def __init__(self, parts: dict[str, Model]) -> None:
        self.parts = parts

    def suggest(self, text: str) -> list[Suggestion]:
        best: dict[tuple[int, int, str], Suggestion] = {}
        for model in self.parts.values():
            for s in model.suggest(text):
                if s.key not in best or s.score > best[s.key].score:
                    best[s.key] = s
        return sorted(best.values())

    def save(self, folder: Path) -> None:
        for name, model in self.parts.items():
            model.save(folder / name)


def train_tagger(examples: Sequence[Example]) -> Combined:
    return Combined({"crf": train_crf(examples), "quotes": train_quotes(examples)})


def load_tagger(folder: Path) -> Combined:
    return Combined(
        {"crf": CrfTagger.load(folder / "crf"), "quotes": QuoteFinder.load(folder / "quotes")}
    )
