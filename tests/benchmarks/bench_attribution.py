"""Proposing a speaker for a quote on a long, densely tagged article, against one bare pass
over the same spans (the least any proposal must do)."""

from __future__ import annotations

import random

from annotator.core.attribution import propose_speakers
from tests.benchmarks.corpus import make_article, make_spans
from tests.benchmarks.harness import benchmark, scaled, timed

SPEAKERS = ("actor", "agency")


@benchmark("attribution.propose_speaker")
def propose_speaker(scale: float) -> dict[str, float | int]:
    """A 1 MB article with 10,000 spans: the median time to propose a speaker for a quote."""
    rng = random.Random(11)
    text = make_article(rng, scaled(1_000_000, scale, minimum=3000))
    spans = make_spans(rng, text, scaled(10_000, scale, minimum=50))
    quotes = [s for s in spans if s.label == "quote"] or spans[:1]
    picked = [quotes[i * len(quotes) // 20] for i in range(min(20, len(quotes)))]

    def bare() -> None:
        for _ in picked:
            [s for s in spans if s.label in SPEAKERS]

    def propose() -> None:
        for quote in picked:
            propose_speakers(text, quote, spans, SPEAKERS)

    baseline = timed(bare, repeat=5) / len(picked)
    seconds = timed(propose, repeat=5) / len(picked)
    return {
        "chars": len(text),
        "spans": len(spans),
        "propose_ms": round(seconds * 1000, 3),
        "bare_pass_ms": round(baseline * 1000, 3),
        "ratio_to_bare_pass": round(seconds / baseline, 2),
    }
