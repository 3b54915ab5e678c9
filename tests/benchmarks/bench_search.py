"""Corpus search benchmarks (issue 13): first page and total count of a name over 100,000
articles, tag-all of about 10,000 hits, and what the text index costs at import and on disk.

Baselines in the same run: a count that bypasses the index (every text scanned by ``re``),
and the same import into a database whose index was dropped."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from annotator.core.documents import Document
from annotator.core.search import TextQuery
from annotator.formats.importing import import_paths
from annotator.store import importing, open_store
from annotator.store.bulk import delete_spans, tag_all
from annotator.store.concordance import concordance
from annotator.store.consistency import consistency_cases
from annotator.store.documents import add_documents
from annotator.store.engine import reading
from annotator.store.search import SearchFilter, count_hits, matching_documents, search_page
from annotator.store.text_index import _CREATE, TABLE
from tests.benchmarks.corpus import generate_corpus, make_article
from tests.benchmarks.harness import benchmark, peak_rss_mb, scaled, timed

NAME = "Karen Bass"  # in 94% of the generated articles, 2.6 times each
ACCENTED = "José Álvarez"
RARE = "Gavin Newsom"  # in 1% of the articles, as a name usually is


def _index_bytes(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            f"SELECT coalesce(sum(length(block)), 0) FROM {TABLE}_data"
        ).scalar_one()


def _drop_index(engine) -> None:
    """No index and no triggers: the pending list stays empty, so writes index nothing."""
    with engine.begin() as connection:
        for trigger in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER {TABLE}_{trigger}")
        connection.exec_driver_sql(f"DROP TABLE {TABLE}")


@benchmark("search.corpus")
def search_corpus(scale: float) -> dict[str, float | int]:
    """First page (50 hits) and total count of a name over ~3 KB articles (100,000 at 1.0);
    the concordance of a label and of a name (a read the corpus dock runs in a worker)."""
    count = scaled(100_000, scale, minimum=50)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.db"
        engine = open_store(path)
        rare = max(1, count // 100)
        build = timed(
            lambda: generate_corpus(engine, count - rare, spans_per_document=6, annotators=1)
        )
        build += timed(lambda: add_documents(engine, _with_rare_name(rare)))
        name = TextQuery(NAME)
        first_page = timed(lambda: search_page(engine, name, limit=50), repeat=3)
        accented_page = timed(lambda: search_page(engine, TextQuery(ACCENTED), limit=50), repeat=3)
        labelled_page = timed(
            lambda: search_page(engine, name, SearchFilter(labels=("actor",)), limit=50), repeat=3
        )
        rare_page = timed(lambda: search_page(engine, TextQuery(RARE), limit=50), repeat=3)
        rare_count = timed(lambda: count_hits(engine, TextQuery(RARE)), repeat=3)
        rare_total = count_hits(engine, TextQuery(RARE))
        total = count_hits(engine, name)
        count_seconds, re_seconds = _interleaved(
            lambda: count_hits(engine, name), lambda: _count_by_re(engine, name)
        )
        count_cpu = _cpu_seconds(lambda: count_hits(engine, name))
        count_case_cpu = _cpu_seconds(lambda: count_hits(engine, TextQuery(NAME, case=True)))
        word_seconds = timed(lambda: count_hits(engine, TextQuery(NAME, word=True)))
        scan = TextQuery(f"(?:{NAME})", regex=True)  # no literal run: every text is scanned
        scan_seconds = timed(lambda: count_hits(engine, scan))
        groups: list = []
        concordance_seconds = timed(lambda: groups.append(concordance(engine, "actor")))
        concordance_text_seconds = timed(lambda: concordance(engine, None, NAME))
        figures = {
            "articles": count,
            "text_mb": _text_mb(engine),
            "build_s": build,
            "db_mb": path.stat().st_size / 1e6,
            "index_mb": _index_bytes(engine) / 1e6,
            "hits_of_name": total,
            "first_page_ms": first_page * 1000,
            "first_page_accented_ms": accented_page * 1000,
            "first_page_label_filter_ms": labelled_page * 1000,
            "count_s": count_seconds,
            "count_cpu_s": count_cpu,
            "count_case_sensitive_cpu_s": count_case_cpu,
            "count_by_re_path_s": re_seconds,
            "count_ratio_to_re_path": count_seconds / re_seconds,
            "hits_of_rare_name": rare_total,
            "first_page_rare_ms": rare_page * 1000,
            "count_rare_s": rare_count,
            "count_whole_word_s": word_seconds,
            "count_scan_baseline_s": scan_seconds,
            "count_ratio_to_scan": count_seconds / scan_seconds,
            "concordance_actor_s": concordance_seconds,
            "concordance_actor_groups": len(groups[0]),
            "concordance_of_name_s": concordance_text_seconds,
            "peak_rss_mb": peak_rss_mb(),
        }
        engine.dispose()
    return figures


@benchmark("search.checks")
def checks(scale: float) -> dict[str, float | int]:
    """The consistency checks of one annotator (a read the corpus dock runs in a worker) over
    articles whose generated spans cover common words, so every case has thousands of
    places: 1,000 articles at 1.0 (the cost grows with the places, not the corpus)."""
    count = scaled(1_000, scale, minimum=20)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(Path(tmp) / "checks.db")
        generate_corpus(engine, count, spans_per_document=6, annotators=1)
        cases: list = []
        seconds = timed(lambda: cases.append(consistency_cases(engine, "annotator-1")))
        engine.dispose()
    return {
        "articles": count,
        "checks_s": seconds,
        "cases": len(cases[0]),
        "places": sum(case.total for case in cases[0]),
        "places_listed": sum(len(case.places) for case in cases[0]),
        "peak_rss_mb": peak_rss_mb(),
    }


def _count_by_re(engine, query: TextQuery) -> int:
    """The count as ``count_hits`` made it before it counted in SQL: every candidate text
    read into Python and matched with ``re``."""
    with reading(engine) as connection:
        documents = matching_documents(connection, query, with_labels=False)
        with closing(documents):
            return sum(len(doc.hits) for doc in documents)


def _cpu_seconds(fn, rounds: int = 3) -> float:
    """Median CPU seconds of ``fn`` (this process, every thread): what load on a shared
    machine does not stretch."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _interleaved(first, second, rounds: int = 3) -> tuple[float, float]:
    """Median seconds of ``first`` and of ``second``, run in turns so load hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for fn, kept in zip((first, second), times, strict=True):
            kept.append(timed(fn))
    return statistics.median(times[0]), statistics.median(times[1])


def _with_rare_name(count: int) -> list[Document]:
    rng = random.Random(5)
    docs = []
    for i in range(count):
        text = make_article(rng, 3000)
        cut = text.index(". ", len(text) // 2) + 2
        text = f"{text[:cut]}{RARE} visited the site on Monday. {text[cut:]}"
        docs.append(Document(text=f"rare {i}\n{text}", title=f"Rare {i}"))
    return docs


def _text_mb(engine) -> float:
    with engine.connect() as connection:
        return (
            connection.exec_driver_sql(
                "SELECT sum(length(CAST(text AS BLOB))) FROM document"
            ).scalar_one()
            / 1e6
        )


@benchmark("search.tag_all")
def tag_all_hits(scale: float) -> dict[str, float | int]:
    """Tag every hit of a name (about 10,000 at 1.0) in one transaction, again (adds nothing),
    and undo it."""
    count = scaled(3_850, scale, minimum=20)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(Path(tmp) / "tag.db")
        generate_corpus(engine, count, spans_per_document=20, annotators=2)
        query = TextQuery(NAME)
        results = []
        first = timed(lambda: results.append(tag_all(engine, query, "actor", "tagger")))
        again = timed(lambda: results.append(tag_all(engine, query, "actor", "tagger")))
        ids = [placed.span.id for placed in results[0].added]
        undo = timed(lambda: delete_spans(engine, ids, "tagger"))
        engine.dispose()
    return {
        "articles": count,
        "hits": results[0].hits,
        "added": len(results[0].added),
        "tag_all_s": first,
        "second_run_added": len(results[1].added),
        "second_run_s": again,
        "undo_s": undo,
    }


def _word_index(engine) -> None:
    """Swap the trigram index for a word (unicode61) one, the cheaper alternative, measured;
    whatever fills the index (triggers, the pending list) stays."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {TABLE}")
        connection.exec_driver_sql(_CREATE[0].replace("'trigram'", "'unicode61'"))


def _varied_articles(count: int) -> list[Document]:
    """Articles whose last third is words drawn from 300,000 made-up ones: the templates of
    ``make_article`` repeat a few thousand words, far fewer distinct trigrams per text than
    real news holds, and the index's cost grows with those, not with the bytes."""
    rng = random.Random(13)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choices(letters, k=rng.randint(3, 11))) for _ in range(300_000)]
    return [
        Document(
            text=f"{i}\n{make_article(rng, 2000)} {' '.join(rng.choices(words, k=150))}",
            title=f"Varied {i}",
        )
        for i in range(count)
    ]


def _write_articles(folder: Path, docs: list[Document]) -> Path:
    folder.mkdir()
    for i, doc in enumerate(docs):
        (folder / f"{i:05}.txt").write_text(f"date 2025-06-07 {doc.text}", encoding="utf-8")
    return folder


ROUNDS = 3
"""Each import is timed this many times, the kinds interleaved on fresh databases, and the
median kept: one round each swings by a factor of two on a shared machine."""

_PREPARE = {
    "bare": _drop_index,
    "indexed": lambda engine: None,
    "words": _word_index,
    "varied_bare": _drop_index,
    "varied_indexed": lambda engine: None,
    "varied_words": _word_index,
}


class _IndexingTimer:
    """Seconds an import spends indexing its texts after it commits (``index_later_steps``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._steps = importing.index_later_steps

    def __call__(self, engine) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield from self._steps(engine)
        finally:
            self.seconds += time.perf_counter() - began


def _import_once(folder: Path, name: str, run) -> tuple[float, int]:
    """Seconds ``run`` takes to import into a fresh database prepared as ``name`` says (its
    name without a ``_files`` suffix), and the database's size on disk after."""
    path = folder / f"{name}.db"
    engine = open_store(path)
    _PREPARE[name.removesuffix("_files")](engine)
    seconds = timed(lambda: run(engine))
    engine.dispose()
    size = sum(p.stat().st_size for p in folder.glob(f"{name}.db*") if p.is_file())
    for leftover in folder.glob(f"{name}.db*"):
        leftover.unlink()
    return seconds, size


@benchmark("search.index_cost")
def index_cost(scale: float) -> dict[str, float | int]:
    """Importing articles with the text index vs without it (the store call and a whole .txt
    folder import); a word index as the alternative; sizes on disk. A big import indexes its
    texts after it commits, in steps: the folder import's figures stop at its commit, and
    the indexing after it is timed apart (``..._indexing_after_commit_s``). The same store call
    on articles with a news-sized vocabulary (``varied_...``) shows what real text costs."""
    count = scaled(10_000, scale, minimum=50)
    rng = random.Random(11)
    docs = [
        Document(text=f"{i}\n{make_article(rng, 3000)}", title=f"Article {i}") for i in range(count)
    ]
    varied = _varied_articles(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles = _write_articles(folder / "articles", docs)
        runs: dict[str, list[float]] = {}
        sizes: dict[str, int] = {}
        for _ in range(ROUNDS):
            for name in ("bare", "indexed", "words"):
                took, sizes[name] = _import_once(folder, name, lambda e: add_documents(e, docs))
                runs.setdefault(name, []).append(took)
            for name in ("varied_bare", "varied_indexed", "varied_words"):
                took, _ = _import_once(folder, name, lambda e: add_documents(e, varied))
                runs.setdefault(name, []).append(took)
            for name in ("bare_files", "indexed_files"):
                timer = _IndexingTimer()
                importing.index_later_steps = timer
                try:
                    took, _ = _import_once(
                        folder, name, lambda e: import_paths(e, [articles], annotator="bench")
                    )
                finally:
                    importing.index_later_steps = timer._steps
                runs.setdefault(name, []).append(took - timer.seconds)
                runs.setdefault(f"{name}_indexing_after", []).append(timer.seconds)
    seconds = {name: statistics.median(times) for name, times in runs.items()}
    return {
        "articles": count,
        "import_without_index_s": seconds["bare"],
        "import_with_index_s": seconds["indexed"],
        "import_time_added_pct": 100 * (seconds["indexed"] / seconds["bare"] - 1),
        "txt_folder_without_index_s": seconds["bare_files"],
        "txt_folder_with_index_s": seconds["indexed_files"],
        "txt_folder_time_added_pct": 100 * (seconds["indexed_files"] / seconds["bare_files"] - 1),
        "txt_folder_indexing_after_commit_s": seconds["indexed_files_indexing_after"],
        "txt_folder_with_indexing_after_pct": 100
        * (
            (seconds["indexed_files"] + seconds["indexed_files_indexing_after"])
            / seconds["bare_files"]
            - 1
        ),
        "word_index_import_s": seconds["words"],
        "word_index_time_added_pct": 100 * (seconds["words"] / seconds["bare"] - 1),
        "db_without_index_mb": sizes["bare"] / 1e6,
        "db_with_index_mb": sizes["indexed"] / 1e6,
        "size_added_pct": 100 * (sizes["indexed"] / sizes["bare"] - 1),
        "word_index_size_added_pct": 100 * (sizes["words"] / sizes["bare"] - 1),
        "varied_vocabulary_time_added_pct": 100
        * (seconds["varied_indexed"] / seconds["varied_bare"] - 1),
        "varied_vocabulary_word_index_time_added_pct": 100
        * (seconds["varied_words"] / seconds["varied_bare"] - 1),
    }
