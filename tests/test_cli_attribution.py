"""``annotator attribution evaluate``: the speaker proposal scored on hand-counted quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.formats.seeds import seeds_dir
from annotator.store.documents import add_documents
from annotator.store.relations import add_link
from annotator.store.spans import add_span
from tests.test_cli import run

TEXT = (
    "“Go home,” said Bass. Noem said nothing. “Not today,” Zoë replied after Noem left. “Stay.” 🙂"
)


def _at(words: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return Span(start, start + len(words), label)


@pytest.fixture
def attributed(engine, db_path):
    doc = add_documents(engine, [Document(text=TEXT, title="Quotes")]).ids[0]
    spans = {
        "q1": _at("Go home,", "quote"),
        "q2": _at("Not today,", "quote"),
        "q3": _at("Stay.", "quote"),
        "bass": _at("Bass", "actor"),
        "noem": _at("Noem", "actor"),
        "zoe": _at("Zoë", "actor"),
        "noem again": _at("Noem", "actor", 1),
    }
    ids = {name: add_span(engine, doc, "ana", span)[0].id for name, span in spans.items()}
    # q1: Bass, the first proposal; q2: the second Noem, though Zoë is nearer (rank 2);
    # q3: no speaker, though one is proposed
    for quote, speaker in (("q1", "bass"), ("q2", "noem again")):
        add_link(engine, doc, "ana", Link(ids[quote], ids[speaker], SPEAKER))
    return db_path


def test_scores_against_an_annotators_links(attributed) -> None:
    result = run("attribution", "evaluate", "--annotator", "ana", "--json", db=attributed)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == pytest.approx(
        {
            "layer": "ana",
            "documents": 1,
            "quotes": 3,
            "attributed": 2,
            "precision": 1 / 3,
            "recall": 1 / 2,
            "first_proposal_right": 1 / 3,
            "speaker_among_candidates": 1.0,
            "mean_rank": 1.5,
        }
    )
    table = run("attribution", "evaluate", "--annotator", "ana", db=attributed).stdout
    assert "3 quotes (2 attributed) in 1 documents" in table
    assert "first proposal right       0.333" in table


def test_without_gold_links_the_default_layer_is_named(attributed) -> None:
    result = run("attribution", "evaluate", db=attributed)
    assert result.returncode == 1
    assert "the gold layer is empty" in result.stderr and "Traceback" not in result.stderr


SEED_ATTRIBUTION = Path(__file__).parent / "fixtures" / "seed_attribution.jsonl"


def test_the_seed_article_annotated_by_hand(db_path) -> None:
    """The seed article with its 11 quotes linked to their speakers by hand (a woman twice,
    a placard, opponents, the ACLU twice, Stephen Miller twice, Karen Bass, Todd Lyons twice):
    the figure the README reports for one keystroke being enough."""
    record = json.loads(SEED_ATTRIBUTION.read_text(encoding="utf-8"))
    (seed,) = seeds_dir().glob("*.txt")
    assert record["text"] in seed.read_text(encoding="utf-8")  # the date marker aside
    imported = run("import", str(SEED_ATTRIBUTION), "--annotator", "quote-helper", db=db_path)
    assert imported.returncode == 0, imported.stderr
    result = run("attribution", "evaluate", "--annotator", "quote-helper", "--json", db=db_path)
    figures = json.loads(result.stdout)
    assert (figures["quotes"], figures["attributed"]) == (11, 11)
    assert figures["first_proposal_right"] == pytest.approx(6 / 11)
    assert figures["speaker_among_candidates"] == 1.0
    assert figures["mean_rank"] == pytest.approx(19 / 11)
