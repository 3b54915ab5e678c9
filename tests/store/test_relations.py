"""Links between spans in the store: checked on the way in, listed per layer, gone with either
of their spans and back with an undone span deletion."""

from __future__ import annotations

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.labels import Label, RelationType
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.session.annotation import AnnotationSession
from annotator.store.documents import add_documents
from annotator.store.labels import delete_label, get_schema, save_label
from annotator.store.notes import add_note, document_notes
from annotator.store.relations import (
    add_link,
    delete_link,
    delete_relation_type,
    document_links,
    save_relation_type,
)
from annotator.store.spans import (
    add_span,
    delete_linked_span,
    document_spans,
    update_linked_span,
)
from tests.crowded import SPANS, TEXT, at
from tests.session.history import History


@pytest.fixture
def crowded(engine) -> tuple[int, int, dict[str, dict[tuple[int, int, str], int]]]:
    """Two documents; alice and bob each hold ``SPANS`` in the first, alice one in the second.
    Span ids by annotator, then by (start, end, label)."""
    first, second = add_documents(
        engine, [Document(text=TEXT, title="Crowded"), Document(text="ICE came.", title="Two")]
    ).ids
    ids: dict[str, dict[tuple[int, int, str], int]] = {"alice": {}, "bob": {}}
    for who in ids:
        for span in SPANS:
            ids[who][span.key] = add_span(engine, first, who, span)[0].id
    ids["alice"][(0, 3, "agency")] = add_span(engine, second, "alice", Span(0, 3, "agency"))[0].id
    return first, second, ids


QUOTE = (*at("Karen Bass will not let ICE agents take 44 people from Paramount."), "quote")
BASS = (*at("Karen Bass"), "actor")
SENORA = (*at("Señora Bass"), "actor")
ICE = (*at("ICE"), "agency")


def test_the_default_schema_links_quotes_to_actors_and_agencies(engine) -> None:
    speaker = get_schema(engine).relations[SPEAKER]
    assert speaker.heads == ("quote",) and speaker.children == ("actor", "agency")
    assert speaker.joins("quote", "agency") and not speaker.joins("actor", "quote")


def test_links_are_checked_listed_per_annotator_and_deleted(engine, crowded) -> None:
    doc, other, ids = crowded
    alice, bob = ids["alice"], ids["bob"]
    link, change = add_link(engine, doc, "alice", Link(alice[QUOTE], alice[SENORA], SPEAKER))
    assert link is not None and change.links == {link.id} and change.documents == {doc}
    add_link(engine, doc, "alice", Link(alice[QUOTE], alice[ICE], SPEAKER))
    add_link(engine, doc, "bob", Link(bob[QUOTE], bob[BASS], SPEAKER))
    assert add_link(engine, doc, "alice", Link(alice[QUOTE], alice[SENORA], SPEAKER)) == (
        None,
        type(change)(),
    )
    refused = {
        "another annotator's span": Link(alice[QUOTE], bob[BASS], SPEAKER),
        "another document's span": Link(alice[QUOTE], alice[(0, 3, "agency")], SPEAKER),
        "the wrong way round": Link(alice[SENORA], alice[QUOTE], SPEAKER),
        "a location speaking": Link(alice[QUOTE], alice[(*at("Paramount"), "location")], SPEAKER),
        "an unknown relation": Link(alice[QUOTE], alice[BASS], "cue"),
        "itself": Link(alice[QUOTE], alice[QUOTE], SPEAKER),
    }
    for reason, wrong in refused.items():
        with pytest.raises(InvalidSpan):
            add_link(engine, doc, "alice", wrong)
            pytest.fail(reason)
    with pytest.raises(InvalidSpan, match="gold"):
        add_link(engine, doc, "gold", Link(alice[QUOTE], alice[BASS], SPEAKER))
    theirs = [(x.head_id, x.child_id, x.label) for x in document_links(engine, doc, "alice")]
    assert theirs == [(alice[QUOTE], alice[SENORA], SPEAKER), (alice[QUOTE], alice[ICE], SPEAKER)]
    assert [x.annotator for x in document_links(engine, doc)] == ["alice", "alice", "bob"]
    assert document_links(engine, other) == []
    with pytest.raises(InvalidSpan, match="belongs to alice"):
        delete_link(engine, link.id, "bob")
    gone, change = delete_link(engine, link.id, "alice")
    assert gone == link and change.links == {link.id}
    with pytest.raises(StoreError, match="no longer exists"):
        delete_link(engine, link.id, "alice")
    assert len(document_links(engine, doc, "alice")) == 1


def test_deleting_a_span_takes_its_links_and_undo_brings_them_back(engine, crowded) -> None:
    doc, _, ids = crowded
    alice = ids["alice"]
    for child in (SENORA, ICE):
        add_link(engine, doc, "alice", Link(alice[QUOTE], alice[child], SPEAKER))
    add_link(engine, doc, "bob", Link(ids["bob"][QUOTE], ids["bob"][BASS], SPEAKER))
    before = document_links(engine, doc)
    add_note(engine, doc, "alice", "is this Bass?", span_id=alice[QUOTE])
    session, history = AnnotationSession(engine, "alice"), History()
    session.open(doc)
    session.select_span(alice[ICE])
    history.push(session.delete())
    session.select_span(alice[QUOTE])
    history.push(session.delete())
    assert [x.annotator for x in document_links(engine, doc)] == ["bob"]
    history.undo()
    assert document_links(engine, doc) == [before[0], before[2]]  # the ICE span is still gone
    assert len(document_notes(engine, doc)) == 1
    history.undo()
    assert document_links(engine, doc) == before
    history.redo()
    history.redo()
    assert [x.annotator for x in document_links(engine, doc)] == ["bob"]
    history.undo()
    history.undo()
    assert document_links(engine, doc) == before
    span, taken, change = delete_linked_span(engine, alice[SENORA], "alice")
    assert taken == [before[0]] and change.links == {before[0].id} and span.key == SENORA


def test_relation_types_are_part_of_the_editable_schema(engine, crowded) -> None:
    doc, _, ids = crowded
    save_label(engine, Label("cue", "#123456"))
    save_relation_type(engine, RelationType("cue", ("quote",), ("cue",), "The verb of saying."))
    assert get_schema(engine).relations["cue"].children == ("cue",)
    with pytest.raises(InvalidSpan, match="unknown label 'verb'"):
        save_relation_type(engine, RelationType("cue", ("quote",), ("verb",)))
    alice = ids["alice"]
    with pytest.raises(InvalidSpan, match="used by 1 link"):
        add_link(engine, doc, "alice", Link(alice[QUOTE], alice[BASS], SPEAKER))
        delete_relation_type(engine, SPEAKER)
    save_relation_type(engine, RelationType("cue", ("quote",), ("cue", "figure")))
    delete_label(engine, "cue")
    assert get_schema(engine).relations["cue"].children == ("figure",)
    delete_relation_type(engine, "cue")
    save_label(engine, Label("said", "#123456"))
    save_relation_type(engine, RelationType("cue", ("quote",), ("said",)))
    delete_label(engine, "said")
    assert list(get_schema(engine).relations) == [SPEAKER]
    assert len(document_spans(engine, doc, "alice")) == len(SPANS)


def test_a_relabel_drops_the_links_the_new_label_cannot_have(engine, crowded) -> None:
    """The relabel and the dropping are one transaction; the links come back, id and all,
    when the old label is written back with them (the undo). A relation type of the
    project's that allows the new label keeps its link."""
    doc, _, ids = crowded
    alice = ids["alice"]
    said, _ = add_link(engine, doc, "alice", Link(alice[QUOTE], alice[BASS], SPEAKER))
    by_ice, _ = add_link(engine, doc, "alice", Link(alice[QUOTE], alice[ICE], SPEAKER))
    assert said is not None and by_ice is not None
    moved, taken, change = update_linked_span(engine, alice[BASS], "alice", label="agency")
    assert moved.label == "agency" and taken == [] and change.links == set()
    _, taken, change = update_linked_span(engine, alice[BASS], "alice", label="location")
    assert [link.id for link, _ in taken] == [said.id] and change.links == {said.id}
    assert document_links(engine, doc, "alice") == [by_ice]
    _, _, change = update_linked_span(engine, alice[BASS], "alice", label="actor", links=taken)
    assert change.links == {said.id}
    assert sorted(document_links(engine, doc, "alice"), key=lambda x: x.stored_id) == sorted(
        [said, by_ice], key=lambda x: x.stored_id
    )
    _, taken, _ = update_linked_span(engine, alice[QUOTE], "alice", label="figure")
    assert {link.id for link, _ in taken} == {said.id, by_ice.id}
    assert document_links(engine, doc, "alice") == []
    save_relation_type(engine, RelationType("source", ("figure",), ("actor", "agency")))
    add_link(engine, doc, "alice", Link(alice[QUOTE], alice[ICE], "source"))
    _, taken, _ = update_linked_span(engine, alice[ICE], "alice", label="actor")
    assert taken == [] and len(document_links(engine, doc, "alice")) == 1
