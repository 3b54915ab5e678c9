"""Generated news articles with person, organisation and location names and quotes.

Names are built from syllables, so most names in one article never occur in another: a
suggester has to learn from context and word shape, not only remember strings. Every span
is known by construction.
"""

from __future__ import annotations

import random

from annotator.core.documents import text_sha256
from annotator.suggest.base import Example, SpanKey

_SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "len",
    "dar",
    "vi",
    "sol",
    "an",
    "tor",
    "bel",
    "mi",
    "ra",
    "hu",
    "gen",
    "os",
    "lu",
    "ter",
    "fa",
    "no",
    "wen",
]
_ORG_TAILS = ["Council", "Institute", "Agency", "Union", "Corporation", "Bank", "Party"]
_LOC_TAILS = ["", "", "", " City", "ville", " Springs", "burg"]
_QUOTE_WORDS = [
    "we",
    "will",
    "not",
    "stop",
    "until",
    "every",
    "family",
    "is",
    "safe",
    "and",
    "heard",
    "today",
]
_FILLER = [
    "The talks lasted until late in the evening .",
    "Officials declined to give further details on Monday .",
    "It was not clear when the report would be published .",
    "Several hundred people gathered outside the building .",
]
_TEMPLATES = [
    "{actor} , who leads {agency} , said the plan would go ahead in {location} .",
    "Police in {location} said {actor} had been questioned .",
    "{agency} officials met {actor} in {location} on Tuesday .",
    '" {quote} " said {actor} , a spokesperson for {agency} .',
    "Residents of {location} told {agency} that {actor} was right .",
    "According to {agency} , {actor} will travel to {location} next week .",
]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def _names(rng: random.Random) -> dict[str, str]:
    return {
        "actor": f"{_word(rng, 2)} {_word(rng, rng.choice((2, 3)))}",
        "agency": f"{_word(rng, 2)} {rng.choice(_ORG_TAILS)}",
        "location": _word(rng, rng.choice((2, 3))) + rng.choice(_LOC_TAILS),
    }


def _quote(rng: random.Random, actor: str) -> str:
    """Three to seven words and a comma; one quote in three names someone."""
    words = rng.sample(_QUOTE_WORDS, rng.randint(3, 7))
    if rng.random() < 0.33:
        words.insert(rng.randrange(len(words)), actor)
    return " ".join(words) + " ,"


def _inner_actor(quote: str, start: int, cast: list[dict[str, str]]) -> list[SpanKey]:
    for names in cast:
        at = quote.find(names["actor"])
        if at >= 0:
            return [(start + at, start + at + len(names["actor"]), "actor")]
    return []


def news_example(rng: random.Random, sentences: int = 12) -> Example:
    """One article of about ``sentences`` sentences in paragraphs of two or three."""
    cast = [_names(rng) for _ in range(3)]
    text = ""
    spans: list[SpanKey] = []
    for index in range(sentences):
        if index and index % rng.choice((2, 3)) == 0:
            text += "\n"
        elif index:
            text += " "
        if rng.random() < 0.25:
            text += rng.choice(_FILLER)
            continue
        names = rng.choice(cast)
        template = rng.choice(_TEMPLATES)
        pieces = template.split(" ")
        for i, piece in enumerate(pieces):
            if i:
                text += " "
            if piece.startswith("{"):
                field = piece.strip("{}")
                value = _quote(rng, rng.choice(cast)["actor"]) if field == "quote" else names[field]
                start = len(text)
                spans.append((start, start + len(value), field))
                if field == "quote":
                    spans.extend(_inner_actor(value, start, cast))
                text += value
            else:
                text += piece
    return Example(text=text, spans=tuple(sorted(spans)), sha256=text_sha256(text))


def news_examples(count: int, seed: int = 7, sentences: int = 12) -> list[Example]:
    rng = random.Random(seed)
    return [news_example(rng, sentences) for _ in range(count)]
