"""The corpus counters give exactly the figures of the per-document counters they stand in
for, on any text: spans off word edges, nested and crossing spans, characters of every kind
(Latin-1 and beyond, word and space characters outside Latin-1, emoji), documents only some
annotators worked on, a chosen subset of labels, counts added up from several counters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import AgreementCounter
from annotator.core.bulk_agreement import BulkAgreementCounter, BulkLinkAgreementCounter
from annotator.core.link_agreement import LinkAgreementCounter

CODERS = ["ana", "ben", "cy"]
LABELS = ["actor", "agency", "quote"]
# Mostly Latin-1 (counted byte by byte), now and then a word or space character past it.
NEWS = st.text(
    alphabet=st.sampled_from(
        [*"Bass said ICE, “no” 44 L.A. Zoë_x\n\t\xa0\x85²", "🚨", "Ω", "東", "\u2003", "ǅ", "٣"]
    ),
    max_size=60,
)
# Any text at all, mostly past Latin-1 (counted by the token pattern).
ANY = st.text(max_size=40)


@st.composite
def corpora(draw) -> list[tuple[str, dict[str, list[tuple[int, int, str]]]]]:
    documents = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.one_of(NEWS, ANY))
        layers = {}
        for name in CODERS:
            if not draw(st.booleans()) and name != "ana":
                continue
            keys = []
            for _ in range(draw(st.integers(0, 8)) if text else 0):
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, min(len(text), start + 12)))
                keys.append((start, end, draw(st.sampled_from(LABELS))))
            layers[name] = keys
        documents.append((text, layers))
    return documents


def _figures(counter, documents) -> dict:
    for text, layers in documents:
        counter.add_document(text, layers)
    return counter.report().as_dict()


@settings(max_examples=300, deadline=None)
@given(corpora(), st.sampled_from([None, ["quote"], ["actor", "agency"]]))
def test_bulk_counter_gives_the_per_document_figures(documents, labels) -> None:
    reference = _figures(AgreementCounter(CODERS, labels, order=LABELS), documents)
    assert _figures(BulkAgreementCounter(CODERS, labels, order=LABELS), documents) == reference


@settings(max_examples=100, deadline=None)
@given(corpora(), corpora())
def test_bulk_counters_add_up_as_one(first, second) -> None:
    one = BulkAgreementCounter(CODERS, order=LABELS)
    for text, layers in first + second:
        one.add_document(text, layers)
    apart = BulkAgreementCounter(CODERS, order=LABELS)
    other = BulkAgreementCounter(CODERS, order=LABELS)
    for text, layers in first:
        apart.add_document(text, layers)
    for text, layers in second:
        other.add_document(text, layers)
    apart.merge(other)
    assert apart.report().as_dict() == one.report().as_dict()


ENDS = st.sampled_from(
    [(0, 4, "quote"), (2, 6, "quote"), (0, 9, "quote"), (5, 8, "actor"), (6, 8, "actor")]
)
LINKS = st.lists(st.tuples(ENDS, ENDS, st.sampled_from(["speaker", "cue"])), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(CODERS), LINKS), max_size=4))
def test_bulk_link_counter_gives_the_per_document_figures(documents) -> None:
    reference = LinkAgreementCounter(CODERS, order=["speaker"])
    bulk = BulkLinkAgreementCounter(CODERS, order=["speaker"])
    for layers in documents:
        reference.add_document(layers)
        bulk.add_document(layers)
    assert bulk.report().as_dict() == reference.report().as_dict()
