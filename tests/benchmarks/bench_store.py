"""Foundation benchmarks: importing articles, against a bare sqlite3 insert of the same rows."""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.documents import Document, document_from_article
from annotator.formats.importing import import_paths
from annotator.store import open_store
from annotator.store.documents import add_documents
from tests.benchmarks.corpus import generate_corpus, make_article
from tests.benchmarks.harness import benchmark, peak_rss_mb, scaled, timed

_INSERT = (
    "INSERT INTO document (title, text, length, sha256, source, meta, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _articles(count: int) -> list[Document]:
    rng = random.Random(7)
    return [
        document_from_article(
            f"date 2025-06-07 Article {i}\n{make_article(rng, 3000)}", source=f"{i}.txt"
        )
        for i in range(count)
    ]


def _bare_insert(path: Path, docs: list[Document]) -> float:
    open_store(path).dispose()
    now = datetime.now(UTC).isoformat(sep=" ")
    rows = [
        (d.title, d.text, len(d.text), d.sha256, d.source, json.dumps(d.meta), now) for d in docs
    ]
    connection = sqlite3.connect(path)

    def insert() -> None:
        with connection:
            connection.executemany(_INSERT, rows)

    seconds = timed(insert)
    connection.close()
    return seconds


@benchmark("store.import_articles")
def import_articles(scale: float) -> dict[str, float | int]:
    """Importing ~3 KB articles: store call and whole-file import vs a bare sqlite3 insert."""
    count = scaled(10_000, scale, minimum=20)
    docs = _articles(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = _bare_insert(folder / "bare.db", docs)
        engine = open_store(folder / "store.db")
        store_seconds = timed(lambda: add_documents(engine, docs))
        engine.dispose()
        articles = folder / "articles"
        articles.mkdir()
        for i, doc in enumerate(docs):
            (articles / f"{i:05}.txt").write_text(f"date 2025-06-07 {doc.text}", encoding="utf-8")
        engine = open_store(folder / "files.db")
        file_seconds = timed(lambda: import_paths(engine, [articles], annotator="bench"))
        engine.dispose()
    return {
        "articles": count,
        "bare_sqlite3_s": baseline,
        "add_documents_s": store_seconds,
        "add_documents_ratio": store_seconds / baseline,
        "import_txt_folder_s": file_seconds,
        "import_txt_folder_ratio": file_seconds / baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


@benchmark("store.generate_corpus")
def generate(scale: float) -> dict[str, float | int]:
    """How long the synthetic corpus generator takes for 10,000 documents and 1,000,000 spans."""
    documents = scaled(10_000, scale, minimum=5)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(Path(tmp) / "corpus.db")
        seconds = timed(lambda: generate_corpus(engine, documents, 100, annotators=3))
        engine.dispose()
    return {"documents": documents, "spans_requested": documents * 100, "seconds": seconds}
