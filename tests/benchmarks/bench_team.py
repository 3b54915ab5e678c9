"""A team on one PostgreSQL corpus (run on demand: ``make bench ARGS="--only team"``).

- ``team_edits``: 20 annotator processes, each its own database role, make random span edits
  (add, move or relabel, delete) for 60 s and are then killed with SIGKILL, mid-edit. Every
  acknowledged edit must be in the database (and at most the one in flight besides): lost
  edits are counted, and the commit latency of the acknowledged ones is reported.
- ``team_claims``: 10 people claim from open places (two per document, 1,000 places) at once
  until none is left: no document beyond its two, none twice for one person, every place
  taken; claim latency.

Both need ``ANNOTATOR_TEST_PG`` (``postgresql://user@host:port``); without it they report
that they were skipped.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.assignments import assign
from annotator.store.documents import add_documents
from annotator.store.engine import reading
from annotator.store.permissions import Role
from annotator.store.tables import ANNOTATOR, ASSIGNMENT, LABEL, SPAN
from annotator.store.users import add_user
from tests import team_pg
from tests.benchmarks.harness import Figures, benchmark, scaled
from tests.durability.harness import (
    Log,
    SpanState,
    kill,
    matches,
    spawn,
    spawn_child,
    wait_for_line,
)

TEXT = (
    "Señora Bass told reporters in Zürich that ICE agents — «44 people» — were taken "
    "from Paramount 🙂 on Friday; the Department of Homeland Security said nothing. "
)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _server() -> str | None:
    import os

    return os.environ.get(team_pg.VARIABLE)


def _skipped() -> Figures:
    return {"skipped": f"set {team_pg.VARIABLE}=postgresql://user@host:port"}


def _people(url: str, count: int, kind: str) -> list[str]:
    owner = open_store(url)
    names = [team_pg.unique(f"{kind}{i}") for i in range(count)]
    for name in names:
        add_user(owner, name, Role.ANNOTATOR)
    owner.dispose()
    return names


def _layer(url: str, name: str) -> SpanState:
    engine = open_store(url)
    with reading(engine) as connection:
        rows = connection.execute(
            select(SPAN.c.id, SPAN.c.start, SPAN.c.end, LABEL.c.name)
            .join(LABEL, LABEL.c.id == SPAN.c.label_id)
            .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
            .where(ANNOTATOR.c.name == name)
        )
        found = {row[0]: (row[1], row[2], row[3]) for row in rows}
    engine.dispose()
    return found


@benchmark("team_edits")
def team_edits(scale: float) -> Figures:
    if not _server():
        return _skipped()
    processes = scaled(20, min(scale, 1.0), minimum=2)
    seconds = max(1.0, 60 * scale)
    with team_pg.fresh_database() as url, tempfile.TemporaryDirectory() as work:
        owner = open_store(url)
        docs = add_documents(
            owner, [Document(text=TEXT * 8, title=f"Nº {i}") for i in range(10)]
        ).ids
        owner.dispose()
        names = _people(url, processes, "editor")
        database = url.rsplit("/", 1)[1]
        children, logs = [], []
        for i, name in enumerate(names):
            log = Path(work) / f"{name}.log"
            args = ["edits", team_pg.url(database, name), docs[i % len(docs)], i, 10**9, name]
            children.append(spawn_child(args, log))
            logs.append(log)
        for child, log in zip(children, logs, strict=True):
            wait_for_line(child, log, "ready", timeout=120)
        began = time.perf_counter()
        time.sleep(seconds)
        for child in children:
            kill(child)  # SIGKILL, mid-edit
        ran = time.perf_counter() - began
        latencies: list[float] = []
        acknowledged = lost = in_flight = 0
        for name, log_path in zip(names, logs, strict=True):
            log = Log.read(log_path)
            latencies += [ack["ms"] for ack in log.acks if "ms" in ack]
            acknowledged += log.edits
            in_flight += log.pending is not None
            lost += not matches({}, log, _layer(url, name))
    return {
        "processes": processes,
        "seconds": round(ran, 1),
        "acknowledged_edits": acknowledged,
        "edits_per_s": round(acknowledged / ran, 1),
        "commit_ms_p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "commit_ms_p95": round(_percentile(latencies, 0.95), 2),
        "commit_ms_max": round(max(latencies, default=0.0), 2),
        "killed_mid_edit": in_flight,
        "processes_that_lost_an_edit": lost,
    }


@benchmark("team_claims")
def team_claims(scale: float) -> Figures:
    if not _server():
        return _skipped()
    people = scaled(10, min(scale * 10, 1.0), minimum=2)
    documents = scaled(500, scale, minimum=5)
    with team_pg.fresh_database() as url, tempfile.TemporaryDirectory() as work:
        owner = open_store(url)
        docs = add_documents(
            owner, [Document(text=f"{TEXT} {i}", title=f"Nº {i}") for i in range(documents)]
        ).ids
        assign(owner, None, per_document=2, documents=docs)
        owner.dispose()
        names = _people(url, people, "claimer")
        database = url.rsplit("/", 1)[1]
        children, logs = [], []
        for name in names:
            log = Path(work) / f"{name}.log"
            module = ["-m", "tests.benchmarks.team_child", team_pg.url(database, name), name]
            children.append(spawn(module, log))
            logs.append(log)
        for child, log in zip(children, logs, strict=True):
            wait_for_line(child, log, "ready", timeout=120)
        began = time.perf_counter()
        for child in children:
            child.wait(timeout=600)
            child.stderr.close()
        ran = time.perf_counter() - began
        claims: list[tuple[str, int]] = []
        latencies: list[float] = []
        for name, log in zip(names, logs, strict=True):
            for line in log.read_text().splitlines():
                if line.startswith("claim "):
                    _, document, ms = line.split()
                    claims.append((name, int(document)))
                    latencies.append(float(ms))
        engine = open_store(url)
        with reading(engine) as connection:
            stored = connection.execute(
                select(ASSIGNMENT.c.document_id, ANNOTATOR.c.name).join(
                    ANNOTATOR, ANNOTATOR.c.id == ASSIGNMENT.c.annotator_id
                )
            ).all()
        engine.dispose()
    per_document = Counter(document for _, document in claims)
    return {
        "people": people,
        "places": 2 * documents,
        "claims": len(claims),
        "claims_per_s": round(len(claims) / ran, 1),
        "claim_ms_p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "claim_ms_p95": round(_percentile(latencies, 0.95), 2),
        "documents_beyond_quota": sum(n > 2 for n in per_document.values()),
        "claimed_twice_by_one_person": len(claims) - len(set(claims)),
        "claims_matching_the_database": int(sorted(claims) == sorted((n, d) for d, n in stored)),
    }
