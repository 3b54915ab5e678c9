"""Reviewing one long document: three annotators, about 9,000 spans (scale 1.0).

What a reviewer waits for after every decision is the session reading the document again
(layers, gold, notes, status) and working out groups and rows. The baseline, measured in the
same run, is a bare sqlite3 read of the document's span rows: the least a refresh must do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.session.review import ReviewSession
from annotator.store import open_store
from tests.benchmarks.corpus import generate_corpus
from tests.benchmarks.harness import bare_read, benchmark, scaled, timed


@benchmark("review.session")
def review_session_benchmark(scale: float) -> dict[str, float | int]:
    """Open, refresh, and one decision with its undo, each followed by the refresh."""
    spans = scaled(9_000, scale, minimum=30)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.db"
        engine = open_store(path)
        generate_corpus(engine, 1, spans_per_document=spans, chars=scaled(60_000, scale, 2000))
        spans_query = (
            'SELECT id, annotator_id, label_id, start, "end" FROM span WHERE document_id = 1'
        )
        baseline = bare_read(path, spans_query, repeat=5)
        session = ReviewSession(engine, "rev")
        opened = timed(lambda: session.open(1), repeat=3)
        refreshed = timed(session.refresh, repeat=5)
        command = session.accept(0)
        assert command is not None

        def decide() -> None:
            command.do()
            session.refresh()

        def undo() -> None:
            command.undo()
            session.refresh()

        decided = timed(decide)
        undone = timed(undo)
        figures = {
            "spans": sum(len(layer) for layer in session.layers.values()),
            "groups": len(session.groups),
            "disagreements": len(session.disagreements),
            "baseline_read_ms": round(baseline * 1000, 2),
            "open_ms": round(opened * 1000, 1),
            "refresh_ms": round(refreshed * 1000, 1),
            "decision_ms": round(decided * 1000, 1),
            "undo_ms": round(undone * 1000, 1),
            "refresh_vs_read": round(refreshed / baseline, 1),
        }
        engine.dispose()
    return figures
