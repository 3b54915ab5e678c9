"""A person claiming documents, for the team load test: ``python -m
tests.benchmarks.team_child URL NAME`` claims as NAME until nothing is left, printing
``claim DOCUMENT MS`` for each claim and ``done`` at the end."""

from __future__ import annotations

import sys
import time

from annotator.store import open_store
from annotator.store.assignments import claim


def main(argv: list[str]) -> int:
    url, name = argv
    engine = open_store(url)
    print("ready", flush=True)
    while True:
        began = time.perf_counter()
        got = claim(engine, name)
        elapsed = (time.perf_counter() - began) * 1000
        if got is None:
            break
        print(f"claim {got.document_id} {elapsed:.3f}", flush=True)
    print("done", flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
