"""Proposing a quote's speaker on hand-made news sentences."""

from __future__ import annotations

from annotator.core.attribution import propose_speakers, sentence_around
from annotator.core.spans import Span

SPEAKERS = ("actor", "agency")


def _span(text: str, words: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Span(start, start + len(words), label)


def _names(text: str, proposed: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in proposed]


def test_the_speaker_in_the_quotes_sentence_comes_first_even_if_farther() -> None:
    text = (
        "🙂 Karen Bass met ICE on Tuesday. “We will not leave Paramount, not today, not ever,” "
        "said Ms. Zoë Núñez of the ACLU. Police arrived."
    )
    quote = _span(text, "We will not leave Paramount, not today, not ever,", "quote")
    spans = [
        _span(text, "Karen Bass", "actor"),
        _span(text, "ICE", "agency"),
        _span(text, "Paramount", "location"),
        _span(text, "Zoë Núñez", "actor"),
        _span(text, "ACLU", "agency"),
        _span(text, "Police", "actor"),
        quote,
    ]
    proposed = propose_speakers(text, quote, spans, SPEAKERS)
    assert _names(text, proposed) == ["Zoë Núñez", "ACLU", "ICE", "Karen Bass", "Police"]


def test_without_a_speaker_in_its_sentence_the_closest_before_wins_over_after() -> None:
    text = "Noem spoke to DHS staff.\n“Leave now.”\nAgents of CBP followed her."
    quote = _span(text, "Leave now.", "quote")
    spans = [
        _span(text, "Noem", "actor"),
        _span(text, "DHS", "agency"),
        _span(text, "Agents", "actor"),
        _span(text, "CBP", "agency"),
    ]
    assert _names(text, propose_speakers(text, quote, spans, SPEAKERS)) == [
        "DHS",
        "Noem",
        "Agents",
        "CBP",
    ]
    assert _names(text, propose_speakers(text, quote, spans[2:], SPEAKERS)) == ["Agents", "CBP"]
    assert propose_speakers(text, quote, [], SPEAKERS) == []


def test_a_name_inside_the_quote_is_not_its_speaker_but_speaks_a_nested_quote() -> None:
    text = "Bass said: “Noem told me ‘we are coming’ and Trump agreed.” The end."
    outer = _span(text, "Noem told me ‘we are coming’ and Trump agreed.", "quote")
    inner = _span(text, "we are coming", "quote")
    spans = [
        _span(text, "Bass", "actor"),
        _span(text, "Noem", "actor"),
        _span(text, "Trump", "actor"),
        outer,
        inner,
    ]
    assert _names(text, propose_speakers(text, outer, spans, SPEAKERS)) == ["Bass"]
    # both names share the inner quote's sentence: the nearer one first, Tab reaches Noem
    assert _names(text, propose_speakers(text, inner, spans, SPEAKERS)) == [
        "Trump",
        "Noem",
        "Bass",
    ]


def test_titles_and_initials_do_not_end_the_sentence() -> None:
    text = "It rained. “Go home,” said Mr. J. Smith. Then silence."
    quote = _span(text, "Go home,", "quote")
    begin, end = sentence_around(text, quote.start, quote.end)
    assert text[begin:end] == " “Go home,” said Mr. J. Smith."
