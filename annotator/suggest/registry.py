"""The suggesters the app and the command line offer, by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError, Problem
from annotator.suggest.base import Example, Model, Suggestion
from annotator.suggest.crf import CrfTagger, train_crf
from annotator.suggest.quotes import QuoteFinder, train_quotes
from annotator.suggest.strings import StringMatcher, train_strings


@dataclass(frozen=True, slots=True)
class SuggesterKind:
    name: str
    description: str
    train: Callable[[Sequence[Example]], Model]
    load: Callable[[Path], Model]


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


def _train_tagger(examples: Sequence[Example]) -> Combined:
    return Combined({"crf": train_crf(examples), "quotes": train_quotes(examples)})


def _load_tagger(folder: Path) -> Combined:
    return Combined(
        {"crf": CrfTagger.load(folder / "crf"), "quotes": QuoteFinder.load(folder / "quotes")}
    )


SUGGESTERS: dict[str, SuggesterKind] = {
    kind.name: kind
    for kind in (
        SuggesterKind(
            "tagger",
            "a CRF per label with gazetteer features, and the quote finder for quotes",
            _train_tagger,
            _load_tagger,
        ),
        SuggesterKind(
            "crf",
            "a CRF per label (word shape, affixes, neighbours, gazetteer)",
            train_crf,
            CrfTagger.load,
        ),
        SuggesterKind(
            "strings",
            "every text already tagged, wherever it appears again (whole words)",
            train_strings,
            StringMatcher.load,
        ),
        SuggesterKind(
            "quotes",
            "the text between quotation marks, three words or more",
            train_quotes,
            QuoteFinder.load,
        ),
    )
}
DEFAULT_SUGGESTER = "tagger"


def get_suggester(name: str) -> SuggesterKind:
    try:
        return SUGGESTERS[name]
    except KeyError:
        known = ", ".join(SUGGESTERS)
        raise InputError([Problem(f"no suggester {name!r} (known: {known})")]) from None
