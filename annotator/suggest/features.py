"""Token features for the statistical tagger: word shape, affixes, capitalisation, the
neighbours' words and shapes, and gazetteer marks (where the string matcher finds a text
already tagged).

Tokens are ``formats.tokenize`` tokens (code-point offsets, the export's tokens), white space
left out; a paragraph (a line break) ends a sequence.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence

from annotator.formats.tokenize import Token, tokenize
from annotator.suggest.base import Suggestion


def paragraphs(text: str, cuts: Iterable[tuple[int, int]] = ()) -> list[list[Token]]:
    """The word and punctuation tokens of ``text``, one list per paragraph."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for token in tokenize(text, cuts):
        if token.is_space(text):
            if "\n" in text[token.start : token.end] and current:
                out.append(current)
                current = []
            continue
        current.append(token)
    if current:
        out.append(current)
    return out


def shape(word: str) -> str:
    """``"McDonald's"`` -> ``"XxXx'x"``: letters and digits by class, runs collapsed."""
    out: list[str] = []
    for ch in word:
        cls = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != cls:
            out.append(cls)
    return "".join(out)


def _word_features(word: str) -> list[str]:
    lower = word.lower()
    feats = [f"w={lower}", f"sh={shape(word)}", f"p3={lower[:3]}", f"s3={lower[-3:]}"]
    feats.append(f"s2={lower[-2:]}")
    if word[:1].isupper():
        feats.append("title")
    if word.isupper() and len(word) > 1:
        feats.append("upper")
    if any(ch.isdigit() for ch in word):
        feats.append("digit")
    if not any(ch.isalnum() for ch in word):
        feats.append("punct")
    return feats


def gazetteer_marks(tokens: Sequence[Token], found: Iterable[Suggestion]) -> list[list[str]]:
    """Per token, ``g:B:label`` / ``g:I:label`` for each tagged text covering it."""
    starts = [t.start for t in tokens]
    marks: list[list[str]] = [[] for _ in tokens]
    for suggestion in found:
        first = bisect.bisect_left(starts, suggestion.start)
        for index in range(first, len(tokens)):
            if tokens[index].end > suggestion.end:
                break
            where = "B" if index == first else "I"
            marks[index].append(f"g:{where}:{suggestion.label}")
    return marks


def lowercase_words(text: str, sequences: Iterable[Sequence[Token]]) -> set[str]:
    """The words written in lower case somewhere in the document: a capitalised word that
    also appears in lower case is more likely a sentence start than a name."""
    return {
        word
        for tokens in sequences
        for t in tokens
        if (word := text[t.start : t.end])[:1].islower()
    }


def sequence_features(
    text: str,
    tokens: Sequence[Token],
    marks: Sequence[list[str]],
    lowercase: Collection[str] = frozenset(),
) -> list[list[str]]:
    """The feature strings of each token in one sequence; ``lowercase`` as from
    ``lowercase_words`` for the whole document."""
    words = [text[t.start : t.end] for t in tokens]
    own = [_word_features(w) for w in words]
    for word, feats in zip(words, own, strict=True):
        if word[:1].isupper() and word.lower() in lowercase:
            feats.append("lower-elsewhere")
    lowers = [w.lower() for w in words]
    shapes = [shape(w) for w in words]
    out = []
    last = len(words) - 1
    for i in range(len(words)):
        feats = [*own[i], *marks[i]]
        if i == 0:
            feats.append("bos")
        if i == last:
            feats.append("eos")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j <= last:
                feats.append(f"{offset}w={lowers[j]}")
                feats.append(f"{offset}sh={shapes[j]}")
                if abs(offset) == 1:
                    feats.extend(f"{offset}{m}" for m in marks[j])
        if i > 0:
            feats.append(f"-1w|w={lowers[i - 1]}|{lowers[i]}")
        if i < last:
            feats.append(f"w|+1w={lowers[i]}|{lowers[i + 1]}")
        out.append(feats)
    return out
