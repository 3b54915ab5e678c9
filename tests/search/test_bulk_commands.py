"""Tag-all, relabel and bulk delete as undoable session commands, checked in the database."""

from __future__ import annotations

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InvalidSpan
from annotator.core.relations import SPEAKER, Link
from annotator.core.search import TextQuery
from annotator.core.spans import Span
from annotator.session.bulk import DeleteSpans, Relabel, TagAll
from annotator.store.bulk import tag_all
from annotator.store.documents import add_documents
from annotator.store.notes import add_note, document_notes
from annotator.store.relations import add_link, document_links
from annotator.store.search import SearchFilter
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, get_status

TEXTS = [
    "Karen Bass met ICE agents in Zürich 🚨. Later, Karen Bass’s office said: “Karen Bass left.”",
    "KAREN BASS spoke; karenbass is a handle. Zoë Chen (ICE) and José Álvarez of ICE.",
    "Nobody named here. ICE-raids, ICE, and more ICE 🚨🚨.",
]


@pytest.fixture
def docs(engine):
    ids = add_documents(engine, [Document(text=t, title=f"A{i}") for i, t in enumerate(TEXTS)]).ids
    add_span(engine, ids[0], "ana", Span(0, 10, "actor"))
    add_span(engine, ids[0], "ana", Span(0, 14, "quote"))
    add_span(engine, ids[1], "ben", Span(0, 10, "actor"))
    return ids


def _layer(engine, ids, who="ana"):
    return {
        doc: [(s.start, s.end, s.label) for s in document_spans(engine, doc, who)] for doc in ids
    }


def test_tag_all_snaps_skips_tagged_hits_and_adds_nothing_twice(engine, docs) -> None:
    before = _layer(engine, docs)
    preview = tag_all(engine, TextQuery("aren bas"), "actor", "ana", dry_run=True)
    assert _layer(engine, docs) == before
    assert (preview.hits, len(preview.added), preview.already) == (4, 3, 1)
    assert all(p.span.id is None for p in preview.added)

    command = TagAll(engine, TextQuery("aren bas"), "actor", "ana")
    change = command.do()
    result = command.result
    assert (result.hits, len(result.added), result.already, result.unsnappable) == (4, 3, 1, 0)
    text0 = TEXTS[0]
    added = sorted(
        (p.document_id, text0[p.span.start : p.span.end])
        for p in result.added
        if p.document_id == docs[0]
    )
    # a partial hit snaps to whole words, as a selection would; the possessive stays whole
    assert added == [(docs[0], "Karen Bass"), (docs[0], "Karen Bass’s")]
    assert change.spans == frozenset(p.span.id for p in result.added)
    assert get_status(engine, docs[1], "ana") == Status.IN_PROGRESS
    tagged = _layer(engine, docs)

    again = TagAll(engine, TextQuery("aren bas"), "actor", "ana")
    again.do()
    assert len(again.result.added) == 0 and again.result.already == 4 and again.obsolete
    assert _layer(engine, docs) == tagged

    command.undo()
    assert _layer(engine, docs) == before
    command.do()
    assert _layer(engine, docs) == tagged
    assert {s.id for doc in docs for s in document_spans(engine, doc, "ana")} >= change.spans
    assert _layer(engine, docs, "ben") == {docs[0]: [], docs[1]: [(0, 10, "actor")], docs[2]: []}


def test_tag_all_whole_words_with_filters(engine, docs) -> None:
    command = TagAll(engine, TextQuery("ICE", word=True, case=True), "agency", "ben")
    command.do()
    texts = {
        (p.document_id, TEXTS[docs.index(p.document_id)][p.span.start : p.span.end])
        for p in command.result.added
    }
    assert command.result.hits == len(command.result.added) == 6
    assert texts == {(docs[0], "ICE"), (docs[1], "ICE"), (docs[2], "ICE-raids"), (docs[2], "ICE")}
    only_actor = tag_all(
        engine,
        TextQuery("Bass"),
        "location",
        "ben",
        SearchFilter(labels=("actor",), annotator="ben"),
        dry_run=True,
    )
    assert [(p.document_id, p.span.start) for p in only_actor.added] == [(docs[1], 6)]


def test_tag_all_refuses_gold_and_unknown_labels(engine, docs) -> None:
    with pytest.raises(InvalidSpan, match="gold"):
        tag_all(engine, TextQuery("ICE"), "agency", "gold")
    with pytest.raises(InvalidSpan, match="no label 'person'"):
        tag_all(engine, TextQuery("ICE"), "person", "ana")
    assert _layer(engine, docs)[docs[2]] == []


def test_relabel_undo_redo_restores_exact_labels(engine, docs) -> None:
    tag = TagAll(engine, TextQuery("ICE", word=True), "agency", "ana")
    tag.do()
    ids = [p.span.id for p in tag.result.added]
    twin = TEXTS[2].index("ICE,")
    add_span(engine, docs[2], "ana", Span(twin, twin + 3, "actor"))  # one will clash
    before = _layer(engine, docs)
    relabel = Relabel(engine, ids, "actor", "ana")
    change = relabel.do()
    assert len(relabel.clashes) == 1 and len(relabel.before) == len(ids) - 1
    assert change.spans == frozenset(relabel.before)
    after = _layer(engine, docs)
    assert sum(label == "agency" for layer in after.values() for *_, label in layer) == 1
    relabel.undo()
    assert _layer(engine, docs) == before
    relabel.do()
    assert _layer(engine, docs) == after
    with pytest.raises(InvalidSpan, match="belong to ben"):
        Relabel(engine, [s.id for s in document_spans(engine, docs[1], "ben")], "quote", "ana").do()


def test_relabelling_speakers_as_a_group_drops_their_links_until_undone(engine, docs) -> None:
    """The concordance's relabel: every "ICE" as a location, and a place cannot speak, so
    the links to them go with the relabel and come back with its undo."""
    quote = document_spans(engine, docs[0], "ana")[1]
    tag = TagAll(engine, TextQuery("ICE", word=True), "agency", "ana")
    tag.do()
    ice = next(p.span for p in tag.result.added if p.document_id == docs[0])
    link, _ = add_link(engine, docs[0], "ana", Link(quote.stored_id, ice.stored_id, SPEAKER))
    relabel = Relabel(engine, [p.span.id for p in tag.result.added], "location", "ana")
    change = relabel.do()
    assert document_links(engine, docs[0], "ana") == [] and link is not None
    assert change.links == {link.id}
    assert relabel.undo().links == {link.id}
    assert document_links(engine, docs[0], "ana") == [link]
    relabel.do()
    assert document_links(engine, docs[0], "ana") == []


def test_bulk_delete_brings_spans_and_notes_back(engine, docs) -> None:
    spans = document_spans(engine, docs[0], "ana")
    note, _ = add_note(engine, docs[0], "ana", "is she the mayor? 🤔", span_id=spans[0].id)
    before = _layer(engine, docs)
    command = DeleteSpans(engine, [s.id for s in spans], "ana")
    command.do()
    assert _layer(engine, docs)[docs[0]] == [] and document_notes(engine, docs[0]) == []
    command.undo()
    assert _layer(engine, docs) == before
    assert document_notes(engine, docs[0]) == [note]
    assert [s.id for s in document_spans(engine, docs[0], "ana")] == [s.id for s in spans]
    command.do()
    assert _layer(engine, docs)[docs[0]] == []


def test_bulk_delete_takes_the_links_and_undo_brings_them_back(engine, docs) -> None:
    """Deleting a speaker (or the quote and its speaker together) from the concordance takes
    their links in the same step; undo puts spans and links back, ids and all."""
    actor, quote = document_spans(engine, docs[0], "ana")
    link, _ = add_link(engine, docs[0], "ana", Link(quote.stored_id, actor.stored_id, SPEAKER))
    assert link is not None
    for group in ([actor.stored_id], [actor.stored_id, quote.stored_id]):
        command = DeleteSpans(engine, group, "ana")
        assert command.do().links == {link.id}
        assert document_links(engine, docs[0], "ana") == []
        assert command.undo().links == {link.id}
        assert document_links(engine, docs[0], "ana") == [link]
