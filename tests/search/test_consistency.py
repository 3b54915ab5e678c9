"""Consistency checks find the cases a reviewer would, on a constructed corpus."""

from __future__ import annotations

import pytest

from annotator.core.consistency import MAX_PLACES, CaseKind, Place
from annotator.core.documents import Document
from annotator.core.search import TextQuery, compile_query, find_hits
from annotator.core.spans import Span
from annotator.store.consistency import consistency_cases
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.store.status import Status, set_status

TEXTS = [
    "Karen Bass met ICE agents in Zürich 🚨. ICE left Paramount.",
    "Karen Bass and Mayor Karen Bass spoke about ICE.",
    "Karen Bass thanked the ICE officers.",
    "ICE and Karen Bass, in a document nobody opened.",
]


def _at(doc: int, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXTS[doc].index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def corpus(engine):
    ids = add_documents(engine, [Document(text=t, title=f"A{i}") for i, t in enumerate(TEXTS)]).ids

    def tag(doc: int, who: str, needle: str, label: str, nth: int = 0) -> None:
        add_span(engine, ids[doc], who, Span(*_at(doc, needle, nth), label))

    tag(0, "ana", "Karen Bass", "actor")
    tag(0, "ana", "ICE", "agency")
    tag(0, "ana", "Paramount", "location")
    tag(1, "ana", "Karen", "actor")  # only part of the first "Karen Bass"
    tag(1, "ana", "Mayor Karen", "actor")  # crosses the second one's edge
    tag(1, "ana", "ICE", "actor")
    tag(2, "ben", "ICE", "agency")
    set_status(engine, ids[2], "ben", Status.DONE)
    return ids


def _cases(engine, annotator=None):
    return {(case.kind, case.text): case for case in consistency_cases(engine, annotator)}


def test_one_annotators_inconsistencies(engine, corpus) -> None:
    cases = _cases(engine, "ana")
    assert set(cases) == {
        (CaseKind.LABELS, "ICE"),
        (CaseKind.UNTAGGED, "ICE"),
        (CaseKind.PARTIAL, "Karen Bass"),
    }
    labels = cases[(CaseKind.LABELS, "ICE")]
    assert labels.labels == {"agency": 1, "actor": 1}
    assert [(p.document_id, p.label) for p in labels.places] == [
        (corpus[0], "agency"),
        (corpus[1], "actor"),
    ]
    assert cases[(CaseKind.UNTAGGED, "ICE")].places == (Place(corpus[0], *_at(0, "ICE", 1), "ana"),)
    partial = cases[(CaseKind.PARTIAL, "Karen Bass")]
    assert partial.places == (
        Place(corpus[1], *_at(1, "Karen"), "ana", "actor"),
        Place(corpus[1], *_at(1, "Mayor Karen"), "ana", "actor"),
    )
    assert _cases(engine, "ben") == {}


def test_across_annotators(engine, corpus) -> None:
    cases = _cases(engine)
    assert cases[(CaseKind.LABELS, "ICE")].labels == {"agency": 2, "actor": 1}
    untagged = cases[(CaseKind.UNTAGGED, "Karen Bass")].places
    # ben worked on the third article and left the name untagged; nobody opened the fourth
    assert untagged == (Place(corpus[2], *_at(2, "Karen Bass"), "ben"),)
    assert all(p.document_id != corpus[3] for case in cases.values() for p in case.places)
    ice = cases[(CaseKind.UNTAGGED, "ICE")].places
    assert ice == (Place(corpus[0], *_at(0, "ICE", 1), "ana"),)


def test_a_case_with_many_places_lists_the_first_and_counts_them_all(engine) -> None:
    """A word tagged once and left untagged everywhere else: the case lists the first
    ``MAX_PLACES`` places in document order and counts every one, also on the CLI's side
    (``total``)."""
    texts = [f"{i}: " + " ".join(["ICE 🚨 raid, ICEland"] * 90) for i in range(3)]
    ids = add_documents(engine, [Document(text=t, title=f"B{i}") for i, t in enumerate(texts)]).ids
    add_span(engine, ids[0], "ana", Span(3, 6, "agency"))
    for document_id in ids[1:]:
        set_status(engine, document_id, "ana", Status.DONE)
    expected = [
        Place(document_id, start, start + 3, "ana")
        for document_id, body in zip(ids, texts, strict=True)
        for start in range(len(body))
        if body.startswith("ICE ", start) and (document_id, start) != (ids[0], 3)
    ]
    assert len(expected) > MAX_PLACES
    case = _cases(engine, "ana")[(CaseKind.UNTAGGED, "ICE")]
    assert case.total == len(expected)
    assert case.places == tuple(expected[:MAX_PLACES])


def test_untagged_places_are_the_whole_word_hits_of_a_search(engine) -> None:
    """Texts tagged once, in the first document: their untagged places in the others are
    exactly what ``search --word --case`` finds there, on crowded text (emoji, accents,
    digits, underscores, a text inside another, repeats that touch)."""
    tagged = ["ICE", "Zürich", "a-b", "Bass", "Karen Bass", "é", "aa", "B2"]
    first = " ".join(tagged)
    texts = [
        first,
        "ICE🚨ICE ICE_ ICEICE Zürich's Zürichsee a-b-a-b a-b. Karen Bass,Bass é é́ éé",
        "aa aaa aa-aa aa_aa 🚨aa🚨 B2B2 B2 B2_ xB2 ÉICE ICE\nKaren  Bass Karen Bass",
        "Karen Bassé karen bass KAREN BASS ICEé ICE9 9ICE (ICE) «ICE» a-bé",
    ]
    ids = add_documents(engine, [Document(text=t, title=f"C{i}") for i, t in enumerate(texts)]).ids
    for word in tagged:
        start = first.index(word if word != "Bass" else "Bass ")
        add_span(engine, ids[0], "ana", Span(start, start + len(word), "actor"))
    for document_id in ids[1:]:
        set_status(engine, document_id, "ana", Status.DONE)
    cases = _cases(engine, "ana")
    for word in tagged:
        matcher = compile_query(TextQuery(word, word=True, case=True))
        expected = tuple(
            Place(document_id, start, end, "ana")
            for document_id, body in zip(ids[1:], texts[1:], strict=True)
            for start, end in find_hits(matcher, body)
        )
        case = cases.get((CaseKind.UNTAGGED, word))
        assert (case.places if case else ()) == expected, word
