"""Corpus agreement from the store: who counts on which document, streaming filters."""

from __future__ import annotations

import pytest

from annotator.core.agreement import AgreementCounter
from annotator.core.documents import Document
from annotator.core.errors import AnnotatorError
from annotator.core.link_agreement import LinkAgreementCounter
from annotator.core.spans import Span
from annotator.store import agreement
from annotator.store.agreement import corpus_agreement
from annotator.store.documents import add_documents, count_documents, get_document
from annotator.store.labels import get_schema
from annotator.store.relations import document_links
from annotator.store.review import accept_agreed
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, get_status, set_status
from tests.benchmarks.corpus import generate_corpus


@pytest.fixture
def docs(engine) -> list[int]:
    texts = ["ICE came to Paramount.", "Bass spoke in Compton.", "Nobody here.", "Lyons said."]
    ids = add_documents(engine, [Document(text=t, title=t) for t in texts]).ids
    for who in ("ana", "ben"):
        add_span(engine, ids[0], who, Span(0, 3, "agency"))
    add_span(engine, ids[0], "ana", Span(12, 21, "location"))
    add_span(engine, ids[1], "ana", Span(0, 4, "actor"))
    set_status(engine, ids[1], "ben", Status.DONE)  # ben read it and found nothing
    add_span(engine, ids[3], "ana", Span(0, 5, "actor"))  # ben never opened it
    accept_agreed(engine, ids[0])
    return ids


def test_an_annotator_who_found_nothing_counts_one_who_never_looked_does_not(engine, docs):
    report = corpus_agreement(engine)
    assert report.annotators == ("ana", "ben")
    assert report.documents == 2
    assert report.labels["actor"].f1_exact == 0.0  # ana's Bass against ben's nothing
    assert report.labels["actor"].spans == 1
    assert report.overall.f1_exact == pytest.approx(2 * 1 / 4)


def test_one_document_and_chosen_labels(engine, docs):
    one = corpus_agreement(engine, document_ids=[docs[0]])
    assert one.documents == 1
    assert one.overall.f1_exact == pytest.approx(2 / 3)
    agency = corpus_agreement(engine, ["ana", "ben"], labels=["agency"])
    assert list(agency.labels) == ["agency"]
    assert agency.overall.f1_exact == 1.0


def test_the_gold_layer_is_not_an_annotator(engine, docs):
    with pytest.raises(AnnotatorError, match="no annotator named 'gold'"):
        corpus_agreement(engine, ["ana", "gold"])


@pytest.mark.parametrize(("processes", "labels"), [(2, None), (3, ["quote", "actor"])])
def test_counting_in_several_processes_gives_the_same_figures(
    engine, monkeypatch, processes, labels
) -> None:
    """Three annotators with spans and speaker links over 60 documents, counted in one
    process and split between several: every figure, links included, is the same."""
    generate_corpus(engine, 60, spans_per_document=30, annotators=3, links=True)
    one = corpus_agreement(engine, labels=labels, processes=1)
    monkeypatch.setattr(agreement, "PARALLEL_FROM", 10)
    several = corpus_agreement(engine, labels=labels, processes=processes)
    assert several.as_dict() == one.as_dict()
    assert one.documents == 60 and one.relations is not None and one.relations.overall.links
    chosen = list(range(1, 61, 2))
    assert corpus_agreement(engine, document_ids=chosen, processes=processes).as_dict() == (
        corpus_agreement(engine, document_ids=chosen, processes=1).as_dict()
    )


def _per_document(engine, names: list[str]) -> tuple[dict, dict]:
    """Agreement the way one document at a time is counted (the review window's way): each
    document and each annotator's spans, status and links read through the store's
    per-document functions, into the per-document counters."""
    spans_counter = AgreementCounter(names, order=get_schema(engine).names)
    links_counter = LinkAgreementCounter(names, order=["speaker"])
    for document_id in range(1, count_documents(engine) + 1):
        layers, links = {}, {}
        for who in names:
            spans = document_spans(engine, document_id, who)
            if spans or get_status(engine, document_id, who) != Status.NEW:
                ends = {span.stored_id: span.key for span in spans}
                layers[who] = [span.key for span in spans]
                links[who] = [
                    (ends[link.head_id], ends[link.child_id], link.label)
                    for link in document_links(engine, document_id, who)
                ]
        spans_counter.add_document(get_document(engine, document_id).text, layers)
        if len(layers) >= 2:
            links_counter.add_document(links)
    return spans_counter.report().as_dict(), links_counter.report().as_dict()


def test_the_corpus_count_gives_the_per_document_figures(engine) -> None:
    """A generated corpus with links, plus spans off word edges, a text mostly past
    Latin-1 and an annotator who only marked a document done: the corpus count (spans read
    as JSON arrays, links by ids, counted in bulk) gives every figure the per-document
    counters give."""
    generate_corpus(engine, 30, spans_per_document=30, annotators=3, links=True)
    text = "Ωμέγα 東京 said “no” — ICE_agents ǅx 🚨 Zoë"
    extra = add_documents(engine, [Document(text=text, title="Wide")]).ids[0]
    for who, cut in (("annotator-1", 2), ("annotator-2", 3)):
        add_span(engine, extra, who, Span(cut, 10, "actor"))
        add_span(engine, extra, who, Span(22, 26, "agency"))
        add_span(engine, 1, who, Span(cut, cut + 7, "quote"))
    set_status(engine, extra, "annotator-3", Status.DONE)
    names = ["annotator-1", "annotator-2", "annotator-3"]
    spans, links = _per_document(engine, names)
    report = corpus_agreement(engine, processes=1).as_dict()
    assert report.pop("relations") == links
    assert report == spans
    assert report["documents"] == 31 and links["overall"]["links"]
