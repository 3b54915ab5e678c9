"""``annotator agreement``: the table, the JSON shape, choosing annotators and labels."""

from __future__ import annotations

import json

import pytest

from annotator.core.documents import Document
from annotator.store.documents import add_documents
from annotator.store.review import accept_agreed
from annotator.store.spans import add_span
from tests.test_agreement import ANA, BEN, TEXT
from tests.test_cli import run


@pytest.fixture
def team_db(engine, db_path):
    doc = add_documents(engine, [Document(text=TEXT, title="Bass")]).ids[0]
    for who, spans in (("ana", ANA), ("ben", BEN), ("cy", ANA)):
        for span in spans:
            add_span(engine, doc, who, span)
    accept_agreed(engine, doc)
    return db_path


def test_json_for_two_annotators(team_db) -> None:
    result = run("agreement", "--annotators", "ana,ben", "--json", db=team_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["overall"]["f1_exact"] == pytest.approx(0.25)
    assert data["overall"]["f1_overlap"] == pytest.approx(0.75)
    assert data["overall"]["kappa"] == pytest.approx(7 / 17)
    assert data["overall"]["alpha"] == pytest.approx(87 / 202)
    assert list(data["labels"]) == ["actor", "agency", "location", "quote"]
    assert [p["annotators"] for p in data["pairs"]] == [["ana", "ben"]]


def test_everyone_by_default_mean_over_pairs_and_gold_left_out(team_db) -> None:
    data = json.loads(run("agreement", "--json", db=team_db).stdout)
    assert data["annotators"] == ["ana", "ben", "cy"]
    assert len(data["pairs"]) == 3
    assert data["overall"]["f1_exact"] == pytest.approx((0.25 + 1 + 0.25) / 3)


def test_table_and_label_choice(team_db) -> None:
    result = run("agreement", "--annotators", "ana", "ben", "--labels", "actor", db=team_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "ana, ben over 1 documents" in lines[0]
    # actor tokens: ana 0-2, ben 1-2 of 12: kappa (11/12 - 2/3) / (1/3) = 0.75,
    # alpha 1 - 23 * 2 / (576 - 25 - 361) = 0.758.
    assert lines[2].split() == ["actor", "3", "0.667", "0.667", "0.750", "0.758"]
    assert lines[-1].split()[0] == "overall"
    assert len(lines) == 4


def test_unknown_annotator_or_label_is_one_clear_line(team_db) -> None:
    result = run("agreement", "--annotators", "ana,zed", db=team_db)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "annotator: no annotator named 'zed' (annotators: ana, ben, cy)"
    )
    result = run("agreement", "--labels", "weapon", db=team_db)
    assert result.returncode == 1 and "no label named 'weapon'" in result.stderr
    lonely = run("agreement", "--annotators", "ana", db=team_db)
    assert lonely.returncode == 1 and "needs two annotators" in lonely.stderr


def test_export_gold_writes_only_the_reviewed_layer(team_db, tmp_path) -> None:
    out = tmp_path / "gold.jsonl"
    result = run("export", "--gold", "--format", "spans", "-o", str(out), db=team_db)
    assert result.returncode == 0, result.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = [(s["start"], s["end"], s["label"]) for s in record["spans"]]
    assert spans == [(6, 16, "actor")]  # Karen Bass: the one span all three annotators share
    everyone = tmp_path / "all.jsonl"
    merged = run("export", "--format", "spans", "-o", str(everyone), db=team_db)
    assert merged.returncode == 1 and not everyone.exists()
    assert "(one of ana, ben, cy), --gold (the reviewed layer) or --each" in merged.stderr
    assert run("export", "--each", "-o", str(everyone), db=team_db).returncode == 0
    records = [json.loads(line) for line in everyone.read_text(encoding="utf-8").splitlines()]
    assert [(r["annotator"], len(r["spans"])) for r in records] == [
        ("ana", len(ANA)),
        ("ben", len(BEN)),
        ("cy", len(ANA)),
    ]
    refused = run("export", "--gold", "--format", "native", "-o", str(out), db=team_db)
    assert refused.returncode == 1 and "export gold as spans" in refused.stderr
