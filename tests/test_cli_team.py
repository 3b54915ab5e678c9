"""Team commands as a user runs them: assign, claim until nothing is left, progress."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.documents import add_documents
from tests.test_cli import run


def _corpus(db: Path, n: int) -> None:
    engine = open_store(db)
    add_documents(engine, [Document(text=f"Çà {i} 🌍 news.", title=f"Doc {i}") for i in range(n)])
    engine.dispose()


def test_assign_claim_until_none_then_progress(db_path: Path) -> None:
    _corpus(db_path, 5)
    result = run(
        "assign", "--annotators", "ana,ben,cem", "--per-document", "2", "--seed", "4", db=db_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("10 places on 5 documents")
    claimed = []
    while True:
        got = run("claim", "--annotator", "ana", "--json", db=db_path)
        assert got.returncode == 0, got.stderr
        document = json.loads(got.stdout)["document"]
        if document is None:
            break
        claimed.append(document)
    assert len(claimed) == len(set(claimed)) >= 3
    figures = json.loads(run("progress", "--json", db=db_path).stdout)
    ana = next(p for p in figures["annotators"] if p["name"] == "ana")
    assert ana == {"name": "ana", "assigned": len(claimed), "claimed": len(claimed), "done": 0}
    assert sum(p["assigned"] for p in figures["annotators"]) == 10
    table = run("progress", db=db_path).stdout
    assert "ana" in table and "ready for review: 0" in table


def test_overlap_and_refusals_are_one_line(db_path: Path) -> None:
    _corpus(db_path, 10)
    result = run(
        "assign",
        "--annotators",
        "ana",
        "ben",
        "--overlap",
        "20%",
        "--per-document",
        "2",
        db=db_path,
    )
    assert result.stdout.startswith("12 places on 10 documents"), result.stderr
    bad = run(
        "assign", "--annotators", "ana", "--per-document", "2", "--documents", "1", db=db_path
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == "annotator: 2 annotators per document, but only 1 named"
    share = run("assign", "--overlap", "lots", db=db_path)
    assert share.returncode == 1 and share.stderr.count("\n") == 1
    nobody = run("claim", "--json", db=db_path)
    assert nobody.returncode == 1 and "claim needs --annotator NAME" in nobody.stderr


def test_on_a_team_file_only_an_admin_adds_people_or_assigns(db_path: Path) -> None:
    _corpus(db_path, 2)
    assert run("users", "add", "ana", db=db_path).returncode == 0
    assert run("users", "add", "rita", "--role", "reviewer", db=db_path).returncode == 0
    for args in (["users", "add", "eve"], ["assign", "--annotators", "ana", "--per-document", "1"]):
        refused = run(*args, "--annotator", "rita", db=db_path)
        assert refused.returncode == 1
        assert refused.stderr.count("\n") == 1 and "rita may not" in refused.stderr
        assert refused.stderr.strip().endswith("only an admin may")
    listed = json.loads(run("users", "list", "--json", db=db_path).stdout)
    assert listed == [{"name": "ana", "role": "annotator"}, {"name": "rita", "role": "reviewer"}]
