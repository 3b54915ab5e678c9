"""Dataset export and import: 1,000,000 spans over 10,000 documents in the ``spans`` format.

Each figure is a ratio to a bare baseline measured in the same run on the same rows:
- export against ``sqlite3`` + ``json``: read the documents and their spans, group them, dump
  one line per document (targets: at most 1.5x);
- import of the exported file against a bare ``executemany`` insert of the same documents and
  spans into a database with the same schema (target: at most 3x);
- ``native`` export against the ``spans`` export of the same corpus of 6,917 documents, a
  tenth of them reviewed with notes (target: at most 2x), and how many SQL statements the
  ``native`` export runs (it streams: a few in all, not a few per document).
Peak memory is measured in a fresh subprocess per run (tracemalloc and VmHWM) at the full size
and at a quarter of it: a streaming export and import should peak at about the same figure.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from annotator.core.spans import Span
from annotator.formats.exporting import ExportOptions, export
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.notes import add_note
from annotator.store.review import add_gold, mark_reviewed
from annotator.store.spans import document_spans
from tests.benchmarks.corpus import generate_corpus
from tests.benchmarks.harness import benchmark, scaled, timed

ROOT = Path(__file__).resolve().parents[2]


def _bare_export(db: Path, out: Path) -> None:
    connection = sqlite3.connect(db)
    documents = connection.execute("SELECT id, title, text, meta FROM document ORDER BY id")
    spans = connection.execute(
        'SELECT s.document_id, s.start, s."end", l.name FROM span s '
        "JOIN label l ON l.id = s.label_id ORDER BY s.document_id"
    )
    pending = next(spans, None)
    with out.open("w", encoding="utf-8") as handle:
        for doc_id, title, text, meta in documents:
            rows = []
            while pending is not None and pending[0] == doc_id:
                rows.append(pending[1:])
                pending = next(spans, None)
            rows.sort()
            line = {
                "id": doc_id,
                "title": title,
                "text": text,
                "spans": [
                    {"start": s, "end": e, "label": label, "text": text[s:e]}
                    for s, e, label in rows
                ],
                "meta": json.loads(meta),
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    connection.close()


def _bare_import(path: Path, db: Path) -> None:
    open_store(db).dispose()
    connection = sqlite3.connect(db)
    labels = dict(connection.execute("SELECT name, id FROM label"))
    now = datetime.now(UTC).isoformat(sep=" ")
    with connection:
        who = connection.execute("INSERT INTO annotator (name, created) VALUES ('b', ?)", (now,))
        who_id = who.lastrowid
        documents, spans = [], []
        with path.open(encoding="utf-8") as handle:
            for doc_id, raw in enumerate(handle, start=1):
                obj = json.loads(raw)
                documents.append(
                    (
                        doc_id,
                        obj["title"],
                        obj["text"],
                        len(obj["text"]),
                        str(doc_id),
                        "",
                        json.dumps(obj["meta"]),
                        now,
                    )
                )
                spans.extend(
                    (doc_id, who_id, labels[s["label"]], s["start"], s["end"], "imported", now, now)
                    for s in obj["spans"]
                )
        bare_insert(connection, documents, spans)
    connection.close()


def bare_insert(connection: sqlite3.Connection, documents: list, spans: list) -> None:
    """Insert document and span rows with plain ``executemany``: the baselines' writes."""
    connection.executemany(
        "INSERT INTO document (id, title, text, length, sha256, source, meta, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        documents,
    )
    connection.executemany(
        'INSERT INTO span (document_id, annotator_id, label_id, start, "end", origin, '
        "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        spans,
    )


def _peak_mb(*args: str) -> tuple[float, float]:
    """Peak memory of a fresh process running one export or import: Python allocations
    during the run (tracemalloc) and resident memory of the whole process."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_formats", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    traced, resident = result.stdout.split()[-2:]
    return float(traced), float(resident)


@benchmark("formats.export_import_spans")
def export_import(scale: float) -> dict[str, float | int]:
    """Export 1,000,000 spans over 10,000 documents and import the file into a new database."""
    documents = scaled(10_000, scale, minimum=8)
    quarter = max(2, documents // 4)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures: dict[str, float | int] = {"documents": documents}
        for size, db in ((documents, folder / "full.db"), (quarter, folder / "quarter.db")):
            engine = open_store(db)
            generate_corpus(engine, size, 100, annotators=1)
            engine.dispose()
        engine = open_store(folder / "full.db")
        out = folder / "export.jsonl"
        bare_export = timed(lambda: _bare_export(folder / "full.db", folder / "bare.jsonl"))
        ours = timed(lambda: export(engine, ExportOptions(output=out)))
        engine.dispose()
        spans = sum(len(json.loads(line)["spans"]) for line in out.open(encoding="utf-8"))
        bare_import = timed(lambda: _bare_import(out, folder / "bare-import.db"))
        target = open_store(folder / "import.db")
        imported = timed(lambda: import_paths(target, [out], annotator="bench"))
        target.dispose()
        figures.update(
            spans=spans,
            export_bare_s=bare_export,
            export_s=ours,
            export_ratio=ours / bare_export,
            import_bare_s=bare_import,
            import_s=imported,
            import_ratio=imported / bare_import,
        )
        for label, size, db in (("full", documents, "full.db"), ("quarter", quarter, "quarter.db")):
            data = folder / f"{label}.jsonl"
            runs = {
                "export": ("export", str(folder / db), str(data)),
                "import": ("import", str(folder / f"{label}-import.db"), str(data)),
            }
            for name, args in runs.items():
                traced, resident = _peak_mb(*args)
                figures[f"{name}_{size}_docs_traced_peak_mb"] = traced
                figures[f"{name}_{size}_docs_peak_rss_mb"] = resident
    return figures


def _review_some(engine, documents: int) -> None:
    """Review every tenth document: a gold span taken from the annotator (with provenance),
    one of the reviewer's own, a note on the document and one on a span."""
    for doc in range(1, documents + 1, 10):
        first = document_spans(engine, doc)[0]
        add_gold(engine, doc, Span(first.start, first.end, first.label))
        add_gold(engine, doc, Span(0, 1, "figure"))
        add_note(engine, doc, "reviewer", "checked ✓")
        add_note(engine, doc, "reviewer", "is this the agency?", span_id=first.id)
        mark_reviewed(engine, doc)


@benchmark("formats.native_vs_spans")
def native_vs_spans(scale: float) -> dict[str, float | int]:
    """Export the same corpus as ``native`` (every layer, gold, notes) and as ``spans``."""
    documents = scaled(6_917, scale, minimum=20)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = open_store(folder / "corpus.db")
        generate_corpus(engine, documents, 60, annotators=1)
        _review_some(engine, documents)
        statements: list[str] = []

        def count(connection, cursor, statement, *rest) -> None:
            statements.append(statement)

        export(engine, ExportOptions(output=folder / "warm.jsonl"))
        spans = timed(lambda: export(engine, ExportOptions(output=folder / "s.jsonl")))
        event.listen(engine, "before_cursor_execute", count)
        native = timed(
            lambda: export(engine, ExportOptions(format="native", output=folder / "n.jsonl"))
        )
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    return {
        "documents": documents,
        "spans_export_s": spans,
        "native_export_s": native,
        "native_vs_spans_ratio": native / spans,
        "native_sql_statements": len(statements),
    }


def _child(mode: str, db: str, path: str) -> None:
    engine = open_store(db)
    tracemalloc.start()
    if mode == "export":
        export(engine, ExportOptions(output=Path(path)))
    else:
        import_paths(engine, [path], annotator="bench")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine.dispose()
    print(peak / 2**20, _high_water_mb())


def _high_water_mb() -> float:
    """This process's peak resident memory (``VmHWM``; ``ru_maxrss`` would report the
    parent's peak, which survives fork and exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    _child(*sys.argv[1:4])
