"""Importing doccano files from the command line, and editing while a big import runs.

- ``import.cli_doccano``: the whole ``annotator import`` process (Python start-up included)
  on 10,000 generated doccano articles (about 425,000 spans), against a bare ``sqlite3`` +
  ``json`` script run the same way that makes the same inserts (documents with their hash,
  spans, one status per document) into a database with the same schema (target: at most 3x).
- ``import.edit_wait``: the longest wait of an edit (``add_span`` in this process) made over
  and over while another process imports 1,000,000 spans into the same database (target:
  under 1 s); edits that failed are counted.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from annotator.core.documents import Document
from annotator.core.errors import StoreError
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from tests.benchmarks.corpus import make_article, make_spans
from tests.benchmarks.harness import benchmark, scaled

ROOT = Path(__file__).resolve().parents[2]

BARE_IMPORT = """
import hashlib, json, sqlite3, sys
from datetime import UTC, datetime

db, path = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(db, isolation_level=None)
connection.execute("PRAGMA foreign_keys = ON")
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = FULL")
now = datetime.now(UTC).isoformat(sep=" ")
connection.execute("BEGIN IMMEDIATE")
labels = dict(connection.execute("SELECT name, id FROM label"))
who = connection.execute("INSERT INTO annotator (name, created) VALUES ('bare', ?)", (now,))
who = who.lastrowid
first = connection.execute("SELECT coalesce(max(id), 0) FROM document").fetchone()[0] + 1
documents, spans, statuses = [], [], []
with open(path, encoding="utf-8") as handle:
    for doc_id, raw in enumerate(handle, start=first):
        obj = json.loads(raw)
        text = obj["text"]
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        meta = json.dumps(obj.get("meta", {}))
        documents.append((doc_id, text[:40], text, len(text), sha, path, meta, now))
        spans.extend(
            (doc_id, who, labels[label], start, end, "imported", now, now)
            for start, end, label in obj["label"]
        )
        statuses.append((doc_id, who, "in_progress", now))
connection.executemany(
    "INSERT INTO document (id, title, text, length, sha256, source, meta, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    documents,
)
connection.executemany(
    'INSERT INTO span (document_id, annotator_id, label_id, start, "end", origin, created, '
    "updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    spans,
)
connection.executemany(
    "INSERT INTO document_status (document_id, annotator_id, status, updated) "
    "VALUES (?, ?, ?, ?)",
    statuses,
)
connection.execute("COMMIT")
"""


def write_doccano(path: Path, documents: int, spans_per_document: int, seed: int = 7) -> int:
    """A doccano JSONL file of news-like articles with nested and adjacent spans; returns
    the number of spans written."""
    rng = random.Random(seed)
    total = 0
    with path.open("wb") as handle:
        for n in range(documents):
            text = f"{n}\n{make_article(rng)}"
            spans = make_spans(rng, text, spans_per_document)
            total += len(spans)
            line = {"id": n, "text": text, "label": [[s.start, s.end, s.label] for s in spans]}
            handle.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
    return total


def cli() -> list[str]:
    """The installed ``annotator`` command beside this interpreter, else ``-m annotator``."""
    script = Path(sys.executable).with_name("annotator")
    return [str(script)] if script.exists() else [sys.executable, "-m", "annotator"]


def run_timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


@benchmark("import.cli_doccano")
def cli_doccano(scale: float) -> dict[str, float | int]:
    """The command-line import of 10,000 doccano articles against a bare script."""
    documents = scaled(10_000, scale, minimum=10)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "articles.jsonl"
        spans = write_doccano(source, documents, 43)
        ours_db, bare_db = folder / "ours.db", folder / "bare.db"
        for db in (ours_db, bare_db):
            open_store(db).dispose()
        bare = run_timed([sys.executable, "-c", BARE_IMPORT, str(bare_db), str(source)])
        ours = run_timed([*cli(), "--db", str(ours_db), "import", str(source)])
    return {
        "documents": documents,
        "spans": spans,
        "bare_s": bare,
        "cli_s": ours,
        "ratio": ours / bare,
    }


@benchmark("import.edit_wait")
def edit_wait(scale: float) -> dict[str, float | int]:
    """Edits made in this process while another imports 1,000,000 spans: the longest wait."""
    documents = scaled(10_000, scale, minimum=10)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "big.jsonl"
        spans = write_doccano(source, documents, 100, seed=11)
        db = folder / "shared.db"
        engine = open_store(db)
        text = "ICE agents arrested at least 44 people in Paramount on Friday, the mayor said."
        document_id = add_documents(engine, [Document(text=text, title="Raid")]).ids[0]
        started = time.perf_counter()
        importer = subprocess.Popen(
            [*cli(), "--db", str(db), "import", str(source)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        waits, failed, offset = [], 0, 0
        while importer.poll() is None:
            start = offset % (len(text) - 3)
            offset += 1
            began = time.perf_counter()
            try:
                add_span(engine, document_id, "editor", Span(start, start + 3, "actor"))
            except StoreError:
                failed += 1
            waits.append(time.perf_counter() - began)
            time.sleep(0.02)
        _, errors = importer.communicate()
        import_s = time.perf_counter() - started
        engine.dispose()
        if importer.returncode:
            raise RuntimeError(errors.decode())
    waits.sort()
    return {
        "documents": documents,
        "spans": spans,
        "import_s": import_s,
        "edits": len(waits),
        "edits_failed": failed,
        "median_wait_s": waits[len(waits) // 2] if waits else 0.0,
        "longest_wait_s": waits[-1] if waits else 0.0,
    }
