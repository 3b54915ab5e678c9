"""Store work in a child process, for tests that kill it or run two of it at once.

``python -m tests.durability.child edits DB DOCUMENT SEED [COUNT]`` makes random span edits
(add, move/relabel, delete) on one document. Before each edit it prints ``intent {json}``
and after the store command has returned (committed) it prints ``ack {json}``; each line is
written straight to stdout, which the parent points at a file so that nothing printed is
lost when the child is killed; an ack carries ``ms``, the command's time with its commit.
``ready`` is printed once the store is open. COUNT stops the
child after that many acknowledged edits (default: run until killed).
"""

from __future__ import annotations

import json
import random
import sys
import time

from annotator.core.errors import AnnotatorError
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import get_document
from annotator.store.spans import add_span, delete_span, document_spans, update_span

LABELS = ("actor", "agency", "location", "figure", "quote")


def say(kind: str, payload: dict | None = None) -> None:
    line = kind if payload is None else f"{kind} {json.dumps(payload, sort_keys=True)}"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _since(began: float) -> float:
    """Milliseconds since ``began``: how long the store command took, commit included."""
    return round((time.perf_counter() - began) * 1000, 3)


def random_range(rng: random.Random, length: int) -> tuple[int, int]:
    start = rng.randrange(0, length - 1)
    return start, rng.randrange(start + 1, min(length, start + 80) + 1)


def edits(db: str, document_id: int, seed: int, count: int | None, annotator: str) -> None:
    rng = random.Random(seed)
    engine = open_store(db)
    length = len(get_document(engine, document_id).text)
    mine = {s.id: s for s in document_spans(engine, document_id, annotator)}
    say("ready")
    done = 0
    while count is None or done < count:
        choice = rng.random()
        if choice < 0.6 or len(mine) < 3:
            start, end = random_range(rng, length)
            intent = {"op": "add", "start": start, "end": end, "label": rng.choice(LABELS)}
        elif choice < 0.8:
            start, end = random_range(rng, length)
            intent = {
                "op": "update",
                "id": rng.choice(sorted(mine)),
                "start": start,
                "end": end,
                "label": rng.choice(LABELS),
            }
        else:
            intent = {"op": "delete", "id": rng.choice(sorted(mine))}
        say("intent", intent)
        began = time.perf_counter()
        try:
            if intent["op"] == "add":
                span = Span(intent["start"], intent["end"], intent["label"])
                stored, _ = add_span(engine, document_id, annotator, span)
                if stored is None:
                    say("ack", {"op": "none"})
                    continue
                mine[stored.id] = stored
                say("ack", {**intent, "id": stored.id, "ms": _since(began)})
            elif intent["op"] == "update":
                stored, _ = update_span(
                    engine,
                    intent["id"],
                    annotator,
                    start=intent["start"],
                    end=intent["end"],
                    label=intent["label"],
                )
                mine[stored.id] = stored
                say("ack", {**intent, "ms": _since(began)})
            else:
                delete_span(engine, intent["id"], annotator)
                del mine[intent["id"]]
                say("ack", {**intent, "ms": _since(began)})
        except AnnotatorError as exc:
            say("refused", {"op": intent["op"], "reason": str(exc)})
            continue
        done += 1
    say("finished")


def main(argv: list[str]) -> int:
    command, db, document_id, seed, *rest = argv
    if command != "edits":
        raise SystemExit(f"unknown command {command!r}")
    count = int(rest[0]) if rest else None
    annotator = rest[1] if len(rest) > 1 else "child"
    edits(db, int(document_id), int(seed), count, annotator)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
