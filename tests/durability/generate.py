"""Big generated import files for the durability tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = (
    "minister",
    "council",
    "river",
    "police",
    "union",
    "harbour",
    "senator",
    "protest",
    "budget",
    "court",
    "mayor",
    "station",
    "strike",
    "village",
    "report",
    "army",
    "border",
    "election",
    "agency",
    "market",
)
LABELS = ("actor", "agency", "location", "figure", "quote")


def write_spans_jsonl(
    path: Path, documents: int, salt: str, seed: int = 0, words: int = 300, spans: int = 8
) -> int:
    """Write ``documents`` lines in the ``spans`` format, every text unique to ``salt``;
    return the number of spans written."""
    rng = random.Random(seed)
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(documents):
            text = f"{salt} {number}. " + " ".join(rng.choice(WORDS) for _ in range(words))
            starts = sorted(rng.sample(range(len(text) - 20), spans))
            items = [
                {"start": s, "end": s + rng.randrange(1, 20), "label": rng.choice(LABELS)}
                for s in starts
            ]
            unique = {(i["start"], i["end"], i["label"]): i for i in items}
            total += len(unique)
            out.write(json.dumps({"text": text, "spans": list(unique.values())}) + "\n")
    return total
