"""A short article crowded with spans, as editing tests need: an emoji and accented letters
before the spans, spans nested in a quote, spans that cross, spans sharing a start."""

from __future__ import annotations

from annotator.core.spans import Span

TEXT = (
    "🙂 Zoë said: “Karen Bass will not let ICE agents take 44 people from Paramount.” "
    "Señora Bass left — fast."
)


def at(words: str) -> tuple[int, int]:
    """The offsets of the first ``words`` in ``TEXT``."""
    start = TEXT.index(words)
    return start, start + len(words)


SPANS = [
    Span(*at("Karen Bass"), "actor"),
    Span(*at("Karen Bass will not let ICE agents take 44 people from Paramount."), "quote"),
    Span(*at("Bass will not"), "figure"),  # crosses "Karen Bass"
    Span(*at("ICE"), "agency"),
    Span(*at("ICE agents"), "actor"),  # holds "ICE", same start
    Span(*at("44 people"), "figure"),
    Span(*at("Paramount"), "location"),
    Span(*at("Señora Bass"), "actor"),
]
