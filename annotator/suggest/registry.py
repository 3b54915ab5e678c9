"""The suggesters the app and the command line offer, by name.

Each entry names the module that trains and loads it; the module is imported on first use,
so listing the suggesters (``annotator --help``) costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from operator import attrgetter
from pathlib import Path

from annotator.core.errors import InputError, Problem
from annotator.suggest.base import Example, Model


@dataclass(frozen=True, slots=True)
class SuggesterKind:
    name: str
    description: str
    module: str
    trainer: str
    loader: str

    def train(self, examples: Sequence[Example]) -> Model:
        return attrgetter(self.trainer)(import_module(self.module))(examples)

    def load(self, folder: Path) -> Model:
        return attrgetter(self.loader)(import_module(self.module))(folder)


SUGGESTERS: dict[str, SuggesterKind] = {
    kind.name: kind
    for kind in (
        SuggesterKind(
            "tagger",
            "a CRF per label with gazetteer features, and the quote finder for quotes",
            "annotator.suggest.combined",
            "train_tagger",
            "load_tagger",
        ),
        SuggesterKind(
            "crf",
            "a CRF per label (word shape, affixes, neighbours, gazetteer)",
            "annotator.suggest.crf",
            "train_crf",
            "CrfTagger.load",
        ),
        SuggesterKind(
            "strings",
            "every text already tagged, wherever it appears again (whole words)",
            "annotator.suggest.strings",
            "train_strings",
            "StringMatcher.load",
        ),
        SuggesterKind(
            "quotes",
            "the text between quotation marks, three words or more",
            "annotator.suggest.quotes",
            "train_quotes",
            "QuoteFinder.load",
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
