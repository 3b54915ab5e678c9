"""Held-out span F1 of the suggesters on annotated news in CoNLL-2003 format.

    .venv/bin/python scripts/measure_suggesters.py eng.testa [--suggesters tagger,crf,strings]

Reads one or more CoNLL files (one token per line, the tag in the last column, blank lines
between sentences, ``-DOCSTART-`` between documents; IOB1, IOB2 or BIOES), rebuilds each
document's text (tokens joined by spaces, one sentence per line) with person, organisation
and location names as ``actor``, ``agency`` and ``location`` spans (other types are counted
and left out), and scores each suggester as ``annotator suggest evaluate`` does: trained on
the documents outside the held-out 20% (text-hash split), exact span match on the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from annotator.core.documents import text_sha256
from annotator.suggest.base import Example, SpanKey
from annotator.suggest.evaluation import learning_curve
from annotator.suggest.registry import DEFAULT_SUGGESTER, get_suggester

LABELS = {"PER": "actor", "ORG": "agency", "LOC": "location"}


def _entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """``(first token, last token + 1, type)`` of the entities in one sentence's tags."""
    out: list[tuple[int, int, str]] = []
    open_at, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix in ("I", "E") and name == kind and open_at is not None
        if open_at is not None and not continues:
            out.append((open_at, i, kind))
            open_at, kind = None, None
        if prefix in ("B", "S") or (prefix in ("I", "E") and open_at is None):
            open_at, kind = i, name
        if prefix in ("E", "S") and open_at is not None:
            out.append((open_at, i + 1, kind))
            open_at, kind = None, None
    return out


def _document(sentences: list[list[tuple[str, str]]], skipped: Counter) -> Example:
    text_parts: list[str] = []
    spans: list[SpanKey] = []
    offset = 0
    for sentence in sentences:
        starts = []
        at = offset
        for word, _ in sentence:
            starts.append(at)
            at += len(word) + 1
        line = " ".join(word for word, _ in sentence)
        for first, end, kind in _entities([tag for _, tag in sentence]):
            if kind not in LABELS:
                skipped[kind] += 1
                continue
            last = end - 1
            spans.append((starts[first], starts[last] + len(sentence[last][0]), LABELS[kind]))
        text_parts.append(line)
        offset += len(line) + 1
    text = "\n".join(text_parts)
    return Example(text=text, spans=tuple(sorted(spans)), sha256=text_sha256(text))


def read_conll(path: Path, skipped: Counter) -> list[Example]:
    """The documents of one CoNLL file."""
    documents: list[Example] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close_sentence() -> None:
        nonlocal sentence
        if sentence:
            sentences.append(sentence)
            sentence = []

    def close_document() -> None:
        nonlocal sentences
        close_sentence()
        if sentences:
            documents.append(_document(sentences, skipped))
            sentences = []

    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split()
        if not columns:
            close_sentence()
        elif columns[0] == "-DOCSTART-":
            close_document()
        else:
            sentence.append((columns[0], columns[-1]))
    close_document()
    return documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="CoNLL-2003 format files")
    parser.add_argument("--suggesters", default=f"{DEFAULT_SUGGESTER},crf,strings")
    args = parser.parse_args(argv)
    skipped: Counter = Counter()
    examples = [doc for path in args.files for doc in read_conll(path, skipped)]
    sentences = sum(e.text.count("\n") + 1 for e in examples)
    spans = Counter(label for e in examples for _, _, label in e.spans)
    print(f"{len(examples)} documents, {sentences} sentences, spans {dict(spans)}")
    if skipped:
        print(f"left out (no label here): {dict(skipped)}")
    for name in args.suggesters.split(","):
        kind = get_suggester(name)
        start = time.perf_counter()
        curve = learning_curve(examples, kind, shares=(10, 100))
        seconds = time.perf_counter() - start
        print(f"\n{name}: {curve.heldout_documents} held-out documents ({seconds:.1f} s)")
        for point in curve.points:
            o = point.scores.overall
            print(
                f"  trained on {point.train_documents:>4}: P {o.precision:.3f}  "
                f"R {o.recall:.3f}  F1 {o.f1:.3f}"
            )
        for label, c in curve.points[-1].scores.labels.items():
            print(f"    {label:10} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
