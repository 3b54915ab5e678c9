"""Claims from several processes at once: every place taken once, none beyond a document's
quota, none twice for one person, on SQLite (BEGIN IMMEDIATE) and PostgreSQL (SKIP LOCKED)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.assignments import assign, progress
from annotator.store.documents import add_documents
from tests import team_pg
from tests.durability.harness import spawn, wait_for_line

PEOPLE = ("ana", "ben", "çağla", "dmitri")


def _claim_at_once(db: str, work: Path, documents: int) -> list[tuple[str, int]]:
    engine = open_store(db)
    docs = add_documents(
        engine, [Document(text=f"Zoë {i} 🙂 in Zürich.", title=f"Nº {i}") for i in range(documents)]
    ).ids
    assign(engine, None, per_document=2, documents=docs)
    engine.dispose()
    children = []
    for name in PEOPLE:
        log = work / f"{name}.log"
        children.append((name, log, spawn(["-m", "tests.benchmarks.team_child", db, name], log)))
    for _, log, child in children:
        wait_for_line(child, log, "ready")
    claims = []
    for name, log, child in children:
        assert child.wait(timeout=300) == 0, child.stderr.read().decode()
        child.stderr.close()
        for line in log.read_text().splitlines():
            if line.startswith("claim "):
                claims.append((name, int(line.split()[1])))
    return claims


def _check(db: str, claims: list[tuple[str, int]], documents: int) -> None:
    assert len(claims) == len(set(claims)) == 2 * documents
    assert set(Counter(doc for _, doc in claims).values()) == {2}
    engine = open_store(db)
    figures = progress(engine)
    engine.dispose()
    assert figures.open_places == 0
    assert sum(p.claimed for p in figures.people) == 2 * documents


def test_concurrent_claims_on_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    claims = _claim_at_once(db, tmp_path, 30)
    _check(db, claims, 30)


def test_concurrent_claims_on_postgres(tmp_path: Path) -> None:
    with team_pg.fresh_database() as url:
        db = url.replace("+psycopg", "")
        claims = _claim_at_once(db, tmp_path, 30)
        _check(db, claims, 30)
