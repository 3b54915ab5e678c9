"""Corpus agreement: 10,000 documents, three annotators, about 1,000,000 spans and their
quotes' speaker links (scale 1.0).

The baseline, measured in the same run, is a bare sqlite3 read of the same rows (every
document text, every span and every link, in document order): the least any computation over the
corpus must do. Memory is the peak of Python allocations during the computation
(tracemalloc, a second run), which stays flat as the corpus grows because documents stream
through one at a time. ``agreement_s`` is the time with two processes, as ``annotator
agreement`` counts a large corpus (CPU: this process and the forked one); ``one_process_s``
the time in one. ``per_document_counters_cpu_s``: the same rows counted one document at a time
by ``AgreementCounter`` and ``LinkAgreementCounter`` (the previous round's counting, and the
reference the bulk counters are tested against), in this run.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from annotator.core.agreement import AgreementCounter
from annotator.core.link_agreement import LinkAgreementCounter
from annotator.store import open_store
from annotator.store.agreement import _choose, _documents, corpus_agreement
from annotator.store.engine import reading
from tests.benchmarks.corpus import generate_corpus
from tests.benchmarks.harness import bare_read, benchmark, peak_rss_mb, scaled

SPANS = 'SELECT document_id, annotator_id, label_id, start, "end" FROM span'
LINKS = "SELECT document_id, annotator_id, type_id, head_id, child_id FROM relation"


def _bare_read(path: Path) -> float:
    documents = "SELECT id, text FROM document ORDER BY id"
    order = " ORDER BY document_id"
    return bare_read(path, documents, SPANS + order, LINKS + order)


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _per_document_cpu(engine) -> float:
    """CPU seconds to read the corpus as ``corpus_agreement`` does and count it one document
    at a time with the per-document counters."""
    cpu = time.process_time()
    with reading(engine) as connection:
        chosen = _choose(connection, None)
        spans, links = AgreementCounter(list(chosen)), LinkAgreementCounter(list(chosen))
        for text, layers, found in _documents(connection, chosen, None, None):
            spans.add_document(text, layers)
            links.add_document(found)
    spans.report(), links.report()
    return time.process_time() - cpu


@benchmark("review.corpus_agreement")
def corpus_agreement_benchmark(scale: float) -> dict[str, float | int]:
    """F1 (exact, overlap), kappa and alpha over the whole corpus, streamed from the store."""
    documents = scaled(10_000, scale, minimum=10)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreement.db"
        engine = open_store(path)
        generate_corpus(engine, documents, spans_per_document=100, annotators=3, links=True)
        baseline = _bare_read(path)
        figures = {}
        for processes in (1, 2):
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = time.process_time()
            start = time.perf_counter()
            report = corpus_agreement(engine, processes=processes)
            figures[processes] = (
                time.perf_counter() - start,
                time.process_time() - cpu,
                _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children),
            )
        seconds, cpu, children_cpu = figures[2]
        per_document = _per_document_cpu(engine)
        tracemalloc.start()
        corpus_agreement(engine, processes=1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        engine.dispose()
    return {
        "documents": report.documents,
        "spans": report.overall.spans,
        "bare_sqlite3_read_s": baseline,
        "agreement_s": seconds,
        "agreement_cpu_s_this_process": cpu,
        "agreement_cpu_s_forked": children_cpu,
        "one_process_s": figures[1][0],
        "one_process_cpu_s": figures[1][1],
        "per_document_counters_cpu_s": per_document,
        "one_process_cpu_ratio": figures[1][1] / per_document,
        "load_average_1min": os.getloadavg()[0],
        "agreement_ratio": seconds / baseline,
        "spans_per_s": round(report.overall.spans / seconds),
        "traced_peak_mb": peak / 2**20,
        "peak_rss_mb": peak_rss_mb(),
        "links": report.relations.overall.links if report.relations else 0,
        "f1_exact": report.overall.f1_exact or 0.0,
        "link_f1_exact": (report.relations.overall.f1_exact or 0.0) if report.relations else 0.0,
        "kappa": report.overall.kappa or 0.0,
        "alpha": report.overall.alpha or 0.0,
    }
