"""Importing a 1 MB CoNLL file (target: under 2 s).

The file is CoNLL-2003 shaped (four columns, IOB2 tags on about one token in six,
``-DOCSTART-`` every 300 tokens, sentences of about 20 tokens). Figures: the whole
``annotator import`` process (wall time, and its CPU time, which a machine shared with other
work does not inflate), ``import_paths`` in this process, and a bare baseline measured
in the same run on the same file: a loop that splits the lines, rebuilds each document's text
and spans and inserts them with ``sqlite3`` ``executemany`` into a database with our schema.
"""

from __future__ import annotations

import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from annotator.formats.importing import import_paths
from annotator.store import open_store
from tests.benchmarks.bench_formats import bare_insert
from tests.benchmarks.harness import benchmark, scaled, timed

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["the", "police", "said", "on", "Tuesday", "that", "44", "people", "were", ",", "."]
NAMES = {
    "ACTOR": ["Karen", "Bass", "Ana", "López"],
    "AGENCY": ["ICE", "LAPD", "FBI"],
    "LOCATION": ["Los", "Angeles", "Paramount", "Köln"],
}
LABELS = {"actor": "#111111", "agency": "#222222", "location": "#333333"}


def conll_file(path: Path, size: int, seed: int = 7) -> int:
    """Write about ``size`` bytes of CoNLL; returns the number of tokens."""
    rng = random.Random(seed)
    lines: list[str] = []
    written = tokens = 0
    while written < size:
        lines.append("-DOCSTART- -X- -X- O\n\n")
        for _ in range(15):
            for _ in range(20):
                if rng.random() < 0.15:
                    label = rng.choice(list(NAMES))
                    for index in range(rng.randint(1, 3)):
                        prefix = "B" if index == 0 else "I"
                        lines.append(f"{rng.choice(NAMES[label])} NNP I-NP {prefix}-{label}\n")
                        tokens += 1
                else:
                    lines.append(f"{rng.choice(WORDS)} NN I-NP O\n")
                    tokens += 1
            lines.append("\n")
        written = sum(map(len, lines))
    path.write_text("".join(lines), encoding="utf-8")
    return tokens


def _bare_import(path: Path, db: Path) -> None:
    """The least work that stores the same documents and spans."""
    open_store(db).dispose()
    connection = sqlite3.connect(db)
    now = datetime.now(UTC).isoformat(sep=" ")
    documents: list[tuple] = []
    spans: list[tuple] = []
    with connection:
        connection.executemany(
            "INSERT OR IGNORE INTO label (name, color, hotkey, guideline, position) "
            "VALUES (?, ?, '', '', 0)",
            list(LABELS.items()),
        )
        labels = dict(connection.execute("SELECT name, id FROM label"))
        who = connection.execute(
            "INSERT INTO annotator (name, created) VALUES ('b', ?)", (now,)
        ).lastrowid
        pieces: list[str] = []
        doc_spans: list[list] = []

        def flush() -> None:
            if pieces:
                text = "".join(pieces).rstrip("\n")
                doc_id = len(documents) + 1
                documents.append((doc_id, text[:50], text, len(text), str(doc_id), "", "{}", now))
                spans.extend(
                    (doc_id, who, labels[label], start, end, "imported", now, now)
                    for start, end, label in doc_spans
                )
            pieces.clear()
            doc_spans.clear()

        position = 0
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                columns = line.split()
                if not columns:
                    if pieces and pieces[-1] != "\n":
                        pieces.append("\n")
                        position += 1
                    continue
                if columns[0] == "-DOCSTART-":
                    flush()
                    position = 0
                    continue
                if pieces and pieces[-1] != "\n":
                    pieces.append(" ")
                    position += 1
                token, tag = columns[0], columns[-1]
                pieces.append(token)
                if tag.startswith("B-"):
                    doc_spans.append([position, position + len(token), tag[2:].lower()])
                elif tag.startswith("I-"):
                    doc_spans[-1][1] = position + len(token)
                position += len(token)
        flush()
        bare_insert(connection, documents, spans)
    connection.close()


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli_import(path: Path, db: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "import", str(path), "--add-labels"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@benchmark("formats.import_conll_1mb")
def import_conll(scale: float) -> dict[str, float | int]:
    """Import a 1 MB CoNLL file: the whole command-line process, in process, and bare."""
    size = scaled(1_000_000, scale, minimum=2_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "corpus.conll"
        tokens = conll_file(path, size)
        written = path.stat().st_size
        bare = timed(lambda: _bare_import(path, folder / "bare.db"))
        cpu_before = _children_cpu_s()
        cli = timed(lambda: _cli_import(path, folder / "cli.db"))
        cli_cpu = _children_cpu_s() - cpu_before
        engine = open_store(folder / "in-process.db")
        summary = None

        def run() -> None:
            nonlocal summary
            summary = import_paths(engine, [path], "bench", add_missing_labels=True)

        in_process = timed(run)
        engine.dispose()
    return {
        "bytes": written,
        "tokens": tokens,
        "documents": summary.documents_added,
        "spans": summary.spans_added,
        "bare_s": bare,
        "cli_process_s": cli,
        "cli_process_cpu_s": cli_cpu,
        "in_process_s": in_process,
        "cli_ratio": cli / bare,
        "in_process_ratio": in_process / bare,
    }
