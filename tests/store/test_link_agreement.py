"""Agreement on links, worked by hand: a quote both annotators attribute to different
speakers, a link only one of them has, nested quotes whose inner quote one drew a word wider."""

from __future__ import annotations

import json

import pytest

from annotator.core.documents import Document
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.store.agreement import corpus_agreement
from annotator.store.documents import add_documents
from annotator.store.relations import add_link
from annotator.store.spans import add_span
from tests.test_cli import run

TEXT = (
    "“Go home,” said Bass. “Not today,” said Noem of ICE. "
    "Zoë recalled: “Núñez told us ‘we stay’ and left.” 🙂"
)


def _at(words: str, label: str, wider: int = 0) -> Span:
    start = TEXT.index(words)
    return Span(start, start + len(words) + wider, label)


Q1, Q2 = _at("Go home,", "quote"), _at("Not today,", "quote")
OUTER = _at("Núñez told us ‘we stay’ and left.", "quote")
INNER = _at("we stay", "quote")
BASS, NOEM, ICE = _at("Bass", "actor"), _at("Noem", "actor"), _at("ICE", "agency")
ZOE, NUNEZ = _at("Zoë", "actor"), _at("Núñez", "actor")
SHARED = [Q1, Q2, OUTER, BASS, NOEM, ICE, ZOE, NUNEZ]

LINKS = {
    # ana: Q1 by Bass, Q2 by Noem, the outer quote by Zoë, the inner one by Núñez
    "ana": ([INNER], [(Q1, BASS), (Q2, NOEM), (OUTER, ZOE), (INNER, NUNEZ)]),
    # ben: Q1 by Noem (a shared quote, another speaker), no link on Q2, the same nested
    # links but an inner quote one character wider (an overlap match, not an exact one)
    "ben": (
        [_at("we stay", "quote", 1)],
        [(Q1, NOEM), (OUTER, ZOE), (_at("we stay", "quote", 1), NUNEZ)],
    ),
}


@pytest.fixture
def linked(engine, database):
    doc = add_documents(engine, [Document(text=TEXT, title="Quotes")]).ids[0]
    for who, (own, links) in LINKS.items():
        ids = {s.key: add_span(engine, doc, who, s)[0].id for s in [*SHARED, *own]}
        for head, child in links:
            add_link(engine, doc, who, Link(ids[head.key], ids[child.key], SPEAKER))
    return database


def test_relation_figures_match_the_hand_count(engine, linked) -> None:
    relations = corpus_agreement(engine).relations
    # ana 4 links, ben 3; exact: the outer quote's only; overlap: the inner one as well
    expected = {
        "precision_exact": 1 / 3,
        "recall_exact": 1 / 4,
        "f1_exact": 2 / 7,
        "precision_overlap": 2 / 3,
        "recall_overlap": 2 / 4,
        "f1_overlap": 4 / 7,
        "links": 7,
    }
    for figures in (relations.overall, relations.types[SPEAKER]):
        assert figures.as_dict() == pytest.approx(expected)
    only_actors = corpus_agreement(engine, labels=["quote", "agency"]).relations
    assert only_actors.overall.links == 0 and only_actors.types == {}


def test_the_cli_shows_relations_in_the_table_and_the_json(linked) -> None:
    data = json.loads(run("agreement", "--json", db=linked).stdout)
    assert data["relations"]["types"][SPEAKER]["f1_overlap"] == pytest.approx(4 / 7)
    assert data["relations"]["overall"]["recall_exact"] == pytest.approx(0.25)
    table = run("agreement", db=linked).stdout
    row = next(line for line in table.splitlines() if line.startswith(SPEAKER))
    assert row.split() == ["speaker", "7", "0.333", "0.250", "0.286", "0.571"]
