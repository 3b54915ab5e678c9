"""Reviewing speaker links in the review window: a quote two annotators attributed to
different speakers, a link only one of them made; decided into gold links with provenance,
counted with the span disagreements, undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.documents import Document
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.engine import reading
from annotator.store.gold_links import gold_links_of
from annotator.store.relations import add_link
from annotator.store.review import gold_layer
from annotator.store.spans import add_span, spans_of
from annotator.ui.review.window import ReviewWindow

TEXT = (
    "Señora Núñez told reporters: “ICE will not take 44 people from Paramount 🚨.” "
    "Karen Bass agreed. “We follow the law,” said the agency’s José Pérez."
)


def at(words: str) -> Span:
    start = TEXT.index(words)
    return Span(start, start + len(words), "")


def span(words: str, label: str) -> Span:
    found = at(words)
    return Span(found.start, found.end, label)


CTRL = Qt.KeyboardModifier.ControlModifier
NUNEZ = span("Señora Núñez", "actor")
QUOTE1 = span("ICE will not take 44 people from Paramount 🚨.", "quote")
ICE = span("ICE", "agency")
BASS = span("Karen Bass", "actor")
QUOTE2 = span("We follow the law,", "quote")
PEREZ = span("José Pérez", "actor")
SPANS = (NUNEZ, QUOTE1, ICE, BASS, QUOTE2, PEREZ)


@pytest.fixture
def review(qtbot, engine):
    doc = add_documents(engine, [Document(text=TEXT, title="Links")]).ids[0]
    ids = {}
    for who in ("ana", "ben"):
        for one in SPANS:
            ids[(who, one.key)] = add_span(engine, doc, who, one)[0].id

    def link(who: str, quote: Span, speaker: Span) -> None:
        add_link(engine, doc, who, Link(ids[(who, quote.key)], ids[(who, speaker.key)], SPEAKER))

    link("ana", QUOTE1, NUNEZ)
    link("ben", QUOTE1, BASS)  # the same quote, another speaker
    link("ana", QUOTE2, PEREZ)  # a link only ana made
    window = ReviewWindow(engine, "rev")
    qtbot.addWidget(window)
    window.open_document(doc)
    window.show()
    qtbot.waitExposed(window)
    return window, doc


def _gold_links(engine, doc) -> set[tuple]:
    with reading(engine) as connection:
        return {(x.head, x.child, x.sources) for x in gold_links_of(connection, doc)}


def _click_link(qtbot, window, row: int) -> None:
    table = window.link_list
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _key(window, qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.span_list, key, modifier)


def test_link_disagreements_are_listed_counted_and_walked(qtbot, review) -> None:
    window, _ = review
    model = window.link_model
    assert model.rowCount() == 2
    assert model.index(0, 1).data() == "ana: Señora Núñez · ben: Karen Bass"
    assert model.index(1, 1).data() == "ana: José Pérez · ben: no link"
    assert window.counts.text().startswith("2 undecided · 0 decided")
    assert window.session.current_link() is not None  # no span disagreement: links first
    assert "Speaker link 1 of 2 (undecided)" in window.decision.text()
    _key(window, qtbot, Qt.Key.Key_N)
    assert window.session.link_current == 1
    assert "ben: no link" in window.decision.text()
    _key(window, qtbot, Qt.Key.Key_N)
    assert window.session.link_current == 0  # round again


def test_picking_a_speaker_then_rejecting_goes_into_gold_and_undoes(qtbot, engine, review) -> None:
    window, doc = review
    _key(window, qtbot, Qt.Key.Key_2)  # ben's speaker for the first quote
    assert _gold_links(engine, doc) == {(QUOTE1.key, BASS.key, ("ben",))}
    gold_spans = {(g.span.key, g.sources) for g in gold_layer(engine, doc)}
    assert gold_spans == {(QUOTE1.key, ("ana", "ben")), (BASS.key, ("ana", "ben"))}
    assert window.link_model.index(0, 2).data() == "Karen Bass"
    assert window.link_model.index(0, 3).data() == "decided"
    assert window.session.link_current == 1  # on to the next undecided one
    quote_id = next(g.span.id for g in gold_layer(engine, doc) if g.span.key == QUOTE1.key)
    assert window.gold.caption_text(quote_id) == "quote ▸ Karen Bass"
    _key(window, qtbot, Qt.Key.Key_X)  # the link only ana made: rejected
    assert _gold_links(engine, doc) == {(QUOTE1.key, BASS.key, ("ben",))}
    assert window.counts.text().startswith("0 undecided · 2 decided (1 rejected)")
    assert "gold: 2 spans, 1 link" in window.counts.text()

    _key(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert window.counts.text().startswith("1 undecided · 1 decided")
    _key(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert _gold_links(engine, doc) == set()
    assert gold_layer(engine, doc) == []  # the ends it had added went with it
    assert window.counts.text().startswith("2 undecided · 0 decided")
    _key(window, qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert _gold_links(engine, doc) == {(QUOTE1.key, BASS.key, ("ben",))}


def test_a_rejected_link_stays_rejected_in_the_next_review(qtbot, engine, review) -> None:
    window, doc = review
    _click_link(qtbot, window, 1)
    _key(window, qtbot, Qt.Key.Key_X)  # the link only ana made: rejected
    window.close()
    again = ReviewWindow(engine, "rev")
    qtbot.addWidget(again)
    again.open_document(doc)
    assert again.counts.text().startswith("1 undecided · 1 decided (1 rejected)")
    assert again.link_model.index(1, 3).data() == "rejected"


def test_a_decision_replaces_the_gold_speaker_and_undo_brings_it_back(
    qtbot, engine, review
) -> None:
    window, doc = review
    _key(window, qtbot, Qt.Key.Key_1)
    _click_link(qtbot, window, 0)
    assert "Speaker link 1 of 2 (decided)" in window.decision.text()
    assert "Gold: Señora Núñez (ana)" in window.decision.text()
    _key(window, qtbot, Qt.Key.Key_2)
    assert _gold_links(engine, doc) == {(QUOTE1.key, BASS.key, ("ben",))}
    _key(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert _gold_links(engine, doc) == {(QUOTE1.key, NUNEZ.key, ("ana",))}


def _click_span_row(qtbot, window, words: str) -> None:
    table = window.span_list
    for row in range(table.model().rowCount()):
        index = table.model().index(row, 0)
        if index.data() == words:
            rect = table.visualRect(index)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"no row {words!r}")


def test_span_decisions_keep_gold_links_and_undo_brings_them_back(qtbot, engine, review) -> None:
    window, doc = review
    _key(window, qtbot, Qt.Key.Key_1)  # the first quote's speaker: ana's Señora Núñez
    linked = {(QUOTE1.key, NUNEZ.key, ("ana",))}
    assert _gold_links(engine, doc) == linked
    _key(window, qtbot, Qt.Key.Key_A)  # every agreed span into gold: the linked ones stay
    assert _gold_links(engine, doc) == linked
    _click_span_row(qtbot, window, "Señora Núñez")
    _key(window, qtbot, Qt.Key.Key_1)  # ana's version where gold already has it
    assert _gold_links(engine, doc) == linked
    _click_span_row(qtbot, window, "Señora Núñez")
    _key(window, qtbot, Qt.Key.Key_X)  # the speaker rejected: its gold link goes with it
    assert _gold_links(engine, doc) == set()
    assert "1 link" not in window.counts.text()
    _key(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert _gold_links(engine, doc) == linked  # back, with its provenance
    assert "gold: 6 spans, 1 link" in window.counts.text()


def _merged_caption(window, quote: Span) -> str | None:
    row = next(r for r in window.session.rows if r.span.key == quote.key)
    return window.merged.caption_text(row.ids[0])


def test_the_merged_text_names_each_quotes_speakers(qtbot, engine, review) -> None:
    """As the main window does: "quote ▸ speaker" on the merged text's quotes, every
    visible annotator's speaker where they differ, and only the visible annotators'."""
    window, doc = review
    assert _merged_caption(window, QUOTE1) == "quote ▸ Señora Núñez / Karen Bass"
    assert _merged_caption(window, QUOTE2) == "quote ▸ José Pérez"
    assert _merged_caption(window, NUNEZ) == "actor"
    box = window.layer_boxes["ana"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert not box.isChecked()
    assert _merged_caption(window, QUOTE1) == "quote ▸ Karen Bass"
    assert _merged_caption(window, QUOTE2) == "quote"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    _key(window, qtbot, Qt.Key.Key_2)  # a decision into gold leaves the merged text as it is
    assert _merged_caption(window, QUOTE1) == "quote ▸ Señora Núñez / Karen Bass"
    with reading(engine) as connection:
        bens = {s.key: s.id for s in spans_of(connection, doc, "ben")}
    add_link(engine, doc, "ben", Link(bens[QUOTE2.key], bens[PEREZ.key], SPEAKER))
    window.open_document(doc)
    assert _merged_caption(window, QUOTE2) == "quote ▸ José Pérez"  # agreed: named once


def test_the_link_section_shows_only_where_annotators_differ_on_links(
    qtbot, engine, review
) -> None:
    """A document without link disagreements gives the span list the room the empty
    links table took; one with them shows it again."""
    window, doc = review
    assert window.link_section.isVisible()
    (plain,) = add_documents(engine, [Document(text="Karen Bass spoke.", title="Plain")]).ids
    for who in ("ana", "ben"):
        add_span(engine, plain, who, Span(0, 10, "actor" if who == "ana" else "agency"))
    window.open_document(plain)
    assert not window.link_section.isVisible()
    assert window.span_list.isVisible()
    window.open_document(doc)
    assert window.link_section.isVisible()
