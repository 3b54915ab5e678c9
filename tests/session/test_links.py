"""Linking quotes to speakers as undoable steps, mixed with span edits."""

from __future__ import annotations

import pytest

from annotator.core.documents import Document
from annotator.session.annotation import AnnotationSession
from annotator.session.links import LinkSpeaker, Unlink
from annotator.store.documents import add_documents
from annotator.store.relations import document_links
from annotator.store.spans import add_span
from tests.crowded import SPANS, TEXT, at
from tests.session.history import History

QUOTE, BASS, ICE, AGENTS, SENORA = 1, 0, 3, 4, 7  # indexes into SPANS


@pytest.fixture
def crowded(engine) -> tuple[AnnotationSession, int, list[int]]:
    doc = add_documents(engine, [Document(text=TEXT, title="Crowded")]).ids[0]
    ids = [add_span(engine, doc, "alice", span)[0].id for span in SPANS]
    add_span(engine, doc, "bob", SPANS[QUOTE])
    session = AnnotationSession(engine, "alice")
    session.open(doc)
    return session, doc, ids


def _speakers(engine, doc) -> list[tuple[int, int]]:
    return [(x.head_id, x.child_id) for x in document_links(engine, doc, "alice")]


def test_link_relink_unlink_and_undo_them_all(engine, crowded) -> None:
    session, doc, ids = crowded
    spans, history = session.spans, History()
    quote = spans[ids[QUOTE]]
    history.push(LinkSpeaker(session, doc, quote, spans[ids[SENORA]]))
    assert _speakers(engine, doc) == [(ids[QUOTE], ids[SENORA])]
    assert session.current == ids[QUOTE]
    first = document_links(engine, doc)[0]
    same = LinkSpeaker(session, doc, quote, spans[ids[SENORA]])
    history.push(same)
    assert same.obsolete and len(history.steps) == 1
    history.push(LinkSpeaker(session, doc, quote, spans[ids[AGENTS]]))
    assert _speakers(engine, doc) == [(ids[QUOTE], ids[AGENTS])]
    history.push(Unlink(session, doc, document_links(engine, doc)[0]))
    assert _speakers(engine, doc) == []
    history.undo()
    assert _speakers(engine, doc) == [(ids[QUOTE], ids[AGENTS])]
    history.undo()
    assert document_links(engine, doc) == [first]  # the replaced link, with its id
    history.redo()
    history.redo()
    assert _speakers(engine, doc) == []
    history.undo()
    history.undo()
    history.undo()
    assert _speakers(engine, doc) == []
    assert session.current == ids[QUOTE]


def test_deleting_a_linked_speaker_and_undoing_it_keeps_the_link(engine, crowded) -> None:
    session, doc, ids = crowded
    history = History()
    quote = session.spans[ids[QUOTE]]
    history.push(LinkSpeaker(session, doc, quote, session.spans[ids[ICE]]))
    session.click(at("ICE")[0])
    assert session.current == ids[ICE]
    history.push(session.delete())
    assert _speakers(engine, doc) == []
    history.push(LinkSpeaker(session, doc, quote, session.spans[ids[BASS]]))
    history.undo()
    history.undo()
    assert _speakers(engine, doc) == [(ids[QUOTE], ids[ICE])]
    assert session.current == ids[ICE]
    history.redo()
    history.redo()
    assert _speakers(engine, doc) == [(ids[QUOTE], ids[BASS])]
