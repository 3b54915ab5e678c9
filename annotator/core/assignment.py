"""Planning who annotates which document: every chosen document gets its number of
annotators, and the work is spread so that no person has more than one document more than
another (counting what each already holds)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from annotator.core.errors import InputError, Problem


def parse_share(text: str) -> float:
    """``20%`` or ``0.2`` -> 0.2; a share between 0 and 1."""
    value = text.strip()
    try:
        share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise InputError([Problem(f"--overlap {text!r}: give a share such as 20%")]) from None
    if not 0 <= share <= 1:
        raise InputError([Problem(f"--overlap {text!r}: the share is between 0% and 100%")])
    return share


def annotators_per_document(
    documents: Sequence[int], per_document: int, overlap: float | None, seed: int
) -> dict[int, int]:
    """How many annotators each document gets: ``per_document`` for all, or, with an
    ``overlap`` share, ``per_document`` for that share of the documents (chosen by ``seed``)
    and one for the rest."""
    if per_document < 1:
        raise InputError([Problem("--per-document is at least 1")])
    if overlap is None:
        return dict.fromkeys(documents, per_document)
    shuffled = list(documents)
    random.Random(seed).shuffle(shuffled)
    shared = set(shuffled[: round(overlap * len(shuffled))])
    return {doc: per_document if doc in shared else 1 for doc in documents}


def plan(
    wanted: Mapping[int, int],
    annotators: Sequence[str],
    seed: int,
    load: Mapping[str, int] | None = None,
) -> list[tuple[int, str]]:
    """``(document, annotator)`` pairs giving each document of ``wanted`` that many distinct
    annotators (no more than there are people), each document going to the people with the
    least work so far (``load``: what each holds already), ties broken by ``seed``."""
    people = list(dict.fromkeys(annotators))
    most = max(wanted.values(), default=0)
    if most > len(people):
        raise InputError([Problem(f"{most} annotators per document, but only {len(people)} named")])
    rng = random.Random(seed)
    order = list(wanted)
    rng.shuffle(order)
    tiebreak = {name: rng.random() for name in people}
    counts = {name: (load or {}).get(name, 0) for name in people}
    pairs = []
    for document in order:
        chosen = sorted(people, key=lambda name: (counts[name], tiebreak[name]))[: wanted[document]]
        for name in chosen:
            counts[name] += 1
            pairs.append((document, name))
        for name in people:  # rotate ties so equal loads take turns
            tiebreak[name] = rng.random()
    return sorted(pairs)
