"""The search, tag-all, relabel and check commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span, document_spans

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Karen Bass met ICE agents in Zürich 🚨. Later, ICE left Paramount.",
    "« KAREN BASS » spoke; José Álvarez (ICE) listened. 🚨 Karen Bass again.",
]


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "annotator", *args, "--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def corpus(db_path):
    engine = open_store(db_path)
    ids = add_documents(engine, [Document(text=t, title=f"A{i}") for i, t in enumerate(TEXTS)]).ids
    add_span(engine, ids[0], "ana", Span(0, 10, "actor"))
    engine.dispose()
    return ids


def _layer(db_path: Path, ids, who: str):
    engine = open_store(db_path)
    try:
        return [(d, s.start, s.end, s.label) for d in ids for s in document_spans(engine, d, who)]
    finally:
        engine.dispose()


def test_search_json_has_code_point_offsets_context_and_labels(db_path, corpus) -> None:
    result = run(db_path, "search", "karen bass", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["total"] == 3
    for hit in payload["hits"]:
        text = TEXTS[corpus.index(hit["document"])]
        assert text[hit["start"] : hit["end"]] == hit["text"]
        assert text[: hit["start"]].endswith(hit["left"]) and text[hit["end"] :].startswith(
            hit["right"]
        )
        assert set(hit) == {"document", "title", "start", "end", "text", "left", "right", "labels"}
    assert payload["hits"][0]["labels"] == ["actor"]
    last = payload["hits"][2]
    assert (last["start"], last["text"]) == (TEXTS[1].index("Karen Bass"), "Karen Bass")
    limited = json.loads(run(db_path, "search", "ICE", "--case", "--limit", "1", "--json").stdout)
    assert limited["total"] == 3 and len(limited["hits"]) == 1
    labelled = json.loads(run(db_path, "search", "bass", "--label", "actor", "--json").stdout)
    assert [h["document"] for h in labelled["hits"]] == [corpus[0]]
    table = run(db_path, "search", "🚨 K", "--regex")
    assert (
        table.returncode == 0 and "1 hit (all shown)" in table.stdout and "«🚨 K»" in table.stdout
    )


def test_a_bad_regex_is_one_line_without_traceback(db_path, corpus) -> None:
    result = run(db_path, "search", "(Karen", "--regex")
    assert result.returncode == 1
    assert result.stderr.startswith("annotator: not a valid regular expression")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_runaway_regex_stops_at_the_timeout_in_one_line(db_path) -> None:
    engine = open_store(db_path)
    add_documents(engine, [Document(text="Straße " + "a" * 60 + "! 🚨", title="Runaway")])
    engine.dispose()
    result = run(db_path, "search", "(a+)+$", "--regex", "--timeout", "0.5")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "stopped after 0.5 s" in result.stderr
    fine = run(db_path, "search", "a+!", "--regex", "--timeout", "5", "--json")
    assert fine.returncode == 0, fine.stderr
    assert json.loads(fine.stdout)["hits"][0]["start"] == len("Straße ")


def test_tag_all_dry_run_then_twice(db_path, corpus) -> None:
    before = _layer(db_path, corpus, "ben")
    dry = run(
        db_path,
        "tag-all",
        "ICE",
        "--label",
        "agency",
        "--annotator",
        "ben",
        "--word",
        "--dry-run",
        "--json",
    )
    assert json.loads(dry.stdout) == {
        "hits": 3,
        "added": 3,
        "already_tagged": 0,
        "unsnappable": 0,
        "dry_run": True,
    }
    assert _layer(db_path, corpus, "ben") == before
    first = run(db_path, "tag-all", "ICE", "--label", "agency", "--annotator", "ben", "--word")
    assert first.returncode == 0 and "added 3 agency spans for ben" in first.stdout
    second = run(db_path, "tag-all", "ICE", "--label", "agency", "--annotator", "ben", "--word")
    assert "added 0 agency spans" in second.stdout and "3 hits already tagged" in second.stdout
    spans = _layer(db_path, corpus, "ben")
    assert len(spans) == 3 and {TEXTS[corpus.index(d)][s:e] for d, s, e, _ in spans} == {"ICE"}
    missing = run(db_path, "tag-all", "ICE", "--label", "agency")
    assert missing.returncode == 1 and "--annotator" in missing.stderr


def test_relabel_with_text_and_dry_run(db_path, corpus) -> None:
    run(db_path, "tag-all", "Karen Bass", "--label", "actor", "--annotator", "ben")
    run(db_path, "tag-all", "José", "--label", "actor", "--annotator", "ben")
    relabel = ("relabel", "--from", "actor", "--to", "agency", "--text", "Karen Bass")
    dry = run(db_path, *relabel, "--annotator", "ben", "--dry-run")
    assert "would relabel 2 actor spans of ben covering 'Karen Bass'" in dry.stdout
    done = run(db_path, *relabel, "--annotator", "ben")
    assert done.returncode == 0 and "relabelled 2" in done.stdout
    labels = sorted(
        (TEXTS[corpus.index(d)][s:e], label) for d, s, e, label in _layer(db_path, corpus, "ben")
    )
    assert labels == [
        ("José", "actor"),
        ("KAREN BASS", "actor"),
        ("Karen Bass", "agency"),
        ("Karen Bass", "agency"),
    ]
    assert _layer(db_path, corpus, "ana") == [(corpus[0], 0, 10, "actor")]
    unknown = run(db_path, "relabel", "--from", "actor", "--to", "person", "--annotator", "ben")
    assert unknown.returncode == 1 and "no label 'person'" in unknown.stderr


def test_check_reports_cases_with_counts(db_path, corpus) -> None:
    run(db_path, "tag-all", "ICE", "--label", "agency", "--annotator", "ana", "--word")
    engine = open_store(db_path)
    add_span(
        engine, corpus[1], "ana", Span(TEXTS[1].index("ICE"), TEXTS[1].index("ICE") + 3, "actor")
    )
    engine.dispose()
    payload = json.loads(run(db_path, "check", "--annotator", "ana", "--json").stdout)
    assert payload["counts"] == {"different labels": 1, "untagged": 1, "partial": 0}
    untagged = next(c for c in payload["cases"] if c["kind"] == "untagged")
    assert untagged["text"] == "Karen Bass"
    assert [(p["document_id"], p["start"]) for p in untagged["places"]] == [
        (corpus[1], TEXTS[1].index("Karen Bass"))
    ]
    text = run(db_path, "check")
    assert text.returncode == 0 and text.stdout.startswith(
        "1 different labels, 1 untagged, 0 partial"
    )
