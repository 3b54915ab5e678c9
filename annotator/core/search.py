"""Text queries: what a search looks for, compiled to one pattern, and the trigrams an index
may use to narrow the documents worth scanning.

A query is plain text (a substring) or a regular expression, case-insensitive unless asked,
optionally whole words only. Matches are found with Python's ``re`` on the document text, so
offsets are code points into the ``str``; empty matches are never hits.

The index folds case its own way (SQLite's FTS5 tokenizer), which agrees with ``re`` on most
scripts but not on a few characters (the Turkish dotted and dotless i, some Cyrillic and
Greek variants): a case-insensitive query does not narrow on trigrams that hold one of those,
so the index never hides a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# re's own parser (sre_parse before 3.11) says which parts of a regex every match contains;
# typeshed leaves these private modules out
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from annotator.core.errors import AnnotatorError

_FOLD_RISKY = frozenset("Iiİı")
_CASED_SAFE_BELOW = 0x250  # ASCII, Latin-1, Latin Extended A and B: folding agrees
_WORD_BEFORE = r"(?<!\w)"
_WORD_AFTER = r"(?!\w)"
_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))*")


class BadQuery(AnnotatorError, ValueError):
    """A query that cannot be searched for (an invalid regular expression, an empty text)."""


@dataclass(frozen=True, slots=True)
class TextQuery:
    """What to look for: ``text`` as a substring (or a regex), whole words only if ``word``."""

    text: str
    regex: bool = False
    word: bool = False
    case: bool = False


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled query. Whole-word matching looks for the bare pattern first and confirms
    each candidate with the word-bounded one at the same place: ``re`` finds a bare literal
    far faster than one behind a lookbehind, and the hits are the same, because every
    whole-word match is a bare match and a failed candidate resumes one character on."""

    bare: re.Pattern[str]
    word: re.Pattern[str] | None

    def hits(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each non-empty match in ``text``, left to right, as
        ``finditer`` of the full pattern gives them."""
        if self.word is None:
            for match in self.bare.finditer(text):
                start, end = match.span()
                if end > start:
                    yield start, end
            return
        position, size = 0, len(text)
        while position <= size:
            found = self.bare.search(text, position)
            if found is None:
                return
            start = found.start()
            confirmed = self.word.match(text, start)
            if confirmed is not None and confirmed.end() > start:
                yield start, confirmed.end()
                position = confirmed.end()
            else:
                position = start + 1


def _word_bounded(body: str) -> str:
    """``body`` between word boundaries; global flags such as ``(?i)`` stay in front."""
    leading = _GLOBAL_FLAGS.match(body)
    flags = leading.group() if leading else ""
    return f"{flags}{_WORD_BEFORE}(?:{body[len(flags) :]}){_WORD_AFTER}"


def compile_query(query: TextQuery) -> Matcher:
    """The matcher for ``query``; a bad one raises ``BadQuery`` with a one-line reason."""
    if not query.text:
        raise BadQuery("the search text is empty")
    body = query.text if query.regex else re.escape(query.text)
    flags = 0 if query.case else re.IGNORECASE
    try:
        bare = re.compile(body, flags)
        word = re.compile(_word_bounded(body), flags) if query.word else None
    except (re.error, RecursionError, OverflowError) as exc:
        raise BadQuery(f"not a valid regular expression: {exc}") from exc
    return Matcher(bare, word)


def find_hits(matcher: Matcher, text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each non-empty match of ``matcher`` in ``text``, left to right."""
    return matcher.hits(text)


def _fold_safe(char: str) -> bool:
    if char in _FOLD_RISKY:
        return False
    return ord(char) < _CASED_SAFE_BELOW or char.lower() == char.upper() == char


def _literal_runs(query: TextQuery) -> list[str]:
    """Pieces of text every match must contain, whatever else the pattern allows."""
    if not query.regex:
        return [query.text]
    try:
        parsed = sre_parse.parse(query.text, 0 if query.case else re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return []
    runs, current = [], []
    for op, value in parsed:
        if op is sre_constants.LITERAL:
            current.append(chr(value))
            continue
        runs.append("".join(current))
        current = []
    runs.append("".join(current))
    return [run for run in runs if run]


def index_trigrams(query: TextQuery) -> list[str]:
    """Trigrams every match of ``query`` contains, for an index to narrow candidates with;
    empty when none is certain (short queries, regexes without a literal run of three)."""
    risky_case = not query.case or (query.regex and "(?" in query.text)
    trigrams: list[str] = []
    for run in _literal_runs(query):
        for i in range(len(run) - 2):
            trigram = run[i : i + 3]
            if risky_case and not all(_fold_safe(ch) for ch in trigram):
                continue
            trigrams.append(trigram)
    return list(dict.fromkeys(trigrams))
