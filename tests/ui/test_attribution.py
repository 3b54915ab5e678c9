"""Attributing quotes in the main window: S proposes a speaker, Tab/Shift+Tab walk the
candidates, Enter or a click links, Esc stops; Shift+S unlinks; every link is undoable and
shows on the quote's caption, in the span list and its "without a speaker" filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.spans import Span
from annotator.store.relations import document_links
from annotator.store.spans import add_span, document_spans
from annotator.ui.span_list import SPAN_ID, SPEAKER, WITHOUT_SPEAKER
from tests.ui.conftest import click_word

ARTICLE = (
    "🙂 Mayor Karen Bass told reporters on Friday: “ICE will not take 44 people from "
    "Paramount.” The agency’s spokesman, José Núñez, disagreed. “We follow the law,” "
    "Núñez said. Señora Bass left."
)
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def at(words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = ARTICLE.index(words, start + 1)
    return start, start + len(words)


SPANS = {
    "bass": Span(*at("Karen Bass"), "actor"),
    "quote1": Span(*at("ICE will not take 44 people from Paramount."), "quote"),
    "ice": Span(*at("ICE"), "agency"),  # inside the quote: never its speaker
    "people": Span(*at("44 people"), "figure"),
    "agency": Span(*at("The agency"), "agency"),
    "jose": Span(*at("José Núñez"), "actor"),
    "quote2": Span(*at("We follow the law,"), "quote"),
    "nunez": Span(*at("Núñez", 1), "actor"),
    "senora": Span(*at("Señora Bass"), "actor"),
}


@pytest.fixture
def article(engine, add_docs, make_window):
    (doc,) = add_docs(ARTICLE)
    ids = {name: add_span(engine, doc, "alice", span)[0].id for name, span in SPANS.items()}
    window = make_window()
    return window, doc, ids


def _links(engine, doc) -> set[tuple[int, int]]:
    return {(x.head_id, x.child_id) for x in document_links(engine, doc, "alice")}


def _click(qtbot, window, name: str) -> None:
    """Click the middle of a span's first word, as a person picks it out."""
    click_word(qtbot, window.text_view, SPANS[name].start + 1)


def _choose(qtbot, window, ids, name: str) -> None:
    """Click a span in the text, again until it (not a span nested in it) is current."""
    for _ in range(4):
        _click(qtbot, window, name)
        if window.workspace.current_span == ids[name]:
            return
    raise AssertionError(f"clicking never chose {name}")


def _key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.text_view, key, modifier)


def _link_first_proposal(qtbot, window, ids, quote: str) -> None:
    """The two keys: S on the quote, Enter on the speaker proposed first."""
    _choose(qtbot, window, ids, quote)
    _key(qtbot, window, Qt.Key.Key_S)
    _key(qtbot, window, Qt.Key.Key_Return)


def _speaker_cell(window, span_id: int) -> str | None:
    model = window.span_table.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data(SPAN_ID) == span_id:
            return model.index(row, SPEAKER).data()
    raise AssertionError(f"span {span_id} is not listed")


def test_s_then_enter_links_the_quote_and_shows_it(qtbot, engine, article) -> None:
    window, doc, ids = article
    view = window.text_view
    _choose(qtbot, window, ids, "quote2")
    _key(qtbot, window, Qt.Key.Key_S)
    assert view.link_marks() == (None, ids["nunez"])  # the proposal outlined
    assert "Speaker 1 of" in window.statusBar().currentMessage()
    _key(qtbot, window, Qt.Key.Key_Return)
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert "Speaker" not in window.statusBar().currentMessage()  # its keys are done
    assert window.workspace.current_span == ids["quote2"]
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    assert view.link_marks() == (ids["nunez"], None)  # the linked speaker, dotted
    assert _speaker_cell(window, ids["quote2"]) == "Núñez"
    assert _speaker_cell(window, ids["quote1"]) is None


def test_tab_and_shift_tab_walk_the_candidates_by_rank(qtbot, engine, article) -> None:
    window, doc, ids = article
    _choose(qtbot, window, ids, "quote1")
    _key(qtbot, window, Qt.Key.Key_S)
    proposal = window.workspace.session.proposal
    assert proposal is not None
    # In the quote's sentence (which runs on past its closing mark) nearest first, then
    # before, then after; the agency inside the quote is never proposed.
    assert proposal.candidates[:3] == (ids["agency"], ids["jose"], ids["bass"])
    assert ids["ice"] not in proposal.candidates
    seen = [window.text_view.link_marks()[1]]
    for _ in range(len(proposal.candidates)):
        _key(qtbot, window, Qt.Key.Key_Tab)
        seen.append(window.text_view.link_marks()[1])
    assert seen == [*proposal.candidates, proposal.candidates[0]]  # round the list
    _key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.text_view.link_marks()[1] == proposal.candidates[-1]
    assert window.text_view.hasFocus()  # Tab walked candidates, it did not move the focus
    _key(qtbot, window, Qt.Key.Key_Tab)
    _key(qtbot, window, Qt.Key.Key_Tab)
    _key(qtbot, window, Qt.Key.Key_Tab)
    _key(qtbot, window, Qt.Key.Key_Return)
    assert _links(engine, doc) == {(ids["quote1"], ids["bass"])}


def test_esc_cancels_the_proposal_then_clears_the_selection(qtbot, engine, article) -> None:
    window, doc, ids = article
    _choose(qtbot, window, ids, "quote2")
    _key(qtbot, window, Qt.Key.Key_S)
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert window.workspace.session.proposal is None
    assert window.workspace.current_span == ids["quote2"]  # the first Esc only ends it
    assert window.text_view.link_marks() == (None, None)
    _key(qtbot, window, Qt.Key.Key_Return)  # no proposal: Enter links nothing
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert window.workspace.current_span is None
    assert _links(engine, doc) == set()
    assert window.workspace.undo_stack.count() == 0


def test_clicking_a_candidate_links_it(qtbot, engine, article) -> None:
    window, doc, ids = article
    _choose(qtbot, window, ids, "quote1")
    _key(qtbot, window, Qt.Key.Key_S)
    _click(qtbot, window, "senora")
    assert _links(engine, doc) == {(ids["quote1"], ids["senora"])}
    assert window.workspace.current_span == ids["quote1"]
    assert window.text_view.caption_text(ids["quote1"]) == "quote ▸ Señora Bass"


def test_s_on_something_else_says_why(qtbot, engine, article) -> None:
    window, _doc, ids = article
    _choose(qtbot, window, ids, "senora")
    _key(qtbot, window, Qt.Key.Key_S)
    assert window.workspace.session.proposal is None
    assert "has no speaker" in window.statusBar().currentMessage()


def test_relink_unlink_undo_and_redo(qtbot, engine, article) -> None:
    window, doc, ids = article
    view = window.text_view
    _link_first_proposal(qtbot, window, ids, "quote2")
    _key(qtbot, window, Qt.Key.Key_S)
    _key(qtbot, window, Qt.Key.Key_Tab)
    _key(qtbot, window, Qt.Key.Key_Return)  # relinked: one speaker per quote
    second = window.workspace.session.attribution.speaker_of(ids["quote2"])
    assert second != ids["nunez"]
    assert _links(engine, doc) == {(ids["quote2"], second)}
    _key(qtbot, window, Qt.Key.Key_S, SHIFT)
    assert _links(engine, doc) == set()
    assert view.caption_text(ids["quote2"]) == "quote"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], second)}
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == set()
    assert _speaker_cell(window, ids["quote2"]) is None
    for _ in range(3):
        _key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _links(engine, doc) == set()
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], second)}


def test_deleting_a_linked_speaker_and_undoing_brings_the_link_back(qtbot, engine, article) -> None:
    window, doc, ids = article
    view = window.text_view
    _link_first_proposal(qtbot, window, ids, "quote2")
    _choose(qtbot, window, ids, "nunez")
    _key(qtbot, window, Qt.Key.Key_Delete)
    assert ids["nunez"] not in {s.id for s in document_spans(engine, doc, "alice")}
    assert _links(engine, doc) == set()
    assert view.caption_text(ids["quote2"]) == "quote"
    assert _speaker_cell(window, ids["quote2"]) is None
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    assert _speaker_cell(window, ids["quote2"]) == "Núñez"
    assert window.workspace.current_span == ids["nunez"]
    # The quote itself, deleted and brought back, keeps its speaker too.
    _choose(qtbot, window, ids, "quote2")
    _key(qtbot, window, Qt.Key.Key_Delete)
    assert _links(engine, doc) == set()
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"


def test_relabelling_a_linked_span_drops_the_link_and_undo_brings_it_back(
    qtbot, engine, article
) -> None:
    """A quote relabelled as a figure (key 4) is nobody's quote: its link goes in the same
    step, and Ctrl+Z gives back the label and the link together. A speaker relabelled as
    an agency (key 2) can still speak and keeps its link; as a place (key 3) it cannot."""
    window, doc, ids = article
    view = window.text_view
    _link_first_proposal(qtbot, window, ids, "quote2")
    _key(qtbot, window, Qt.Key.Key_4)
    assert _links(engine, doc) == set()
    assert window.workspace.current_span == ids["quote2"]
    assert view.caption_text(ids["quote2"]) == "figure"
    assert _speaker_cell(window, ids["quote2"]) is None
    assert view.link_marks() == (None, None)
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)  # one step: label and link come back together
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    assert _speaker_cell(window, ids["quote2"]) == "Núñez"
    assert view.link_marks() == (ids["nunez"], None)
    _key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # redo drops it again
    assert _links(engine, doc) == set()
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    _choose(qtbot, window, ids, "nunez")
    _key(qtbot, window, Qt.Key.Key_2)  # an agency may speak: the link stays
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    _key(qtbot, window, Qt.Key.Key_3)  # a location may not
    assert _links(engine, doc) == set()
    assert view.caption_text(ids["quote2"]) == "quote"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _links(engine, doc) == {(ids["quote2"], ids["nunez"])}
    assert view.caption_text(ids["quote2"]) == "quote ▸ Núñez"
    assert {s.id: s.label for s in document_spans(engine, doc, "alice")}[ids["nunez"]] == "agency"


def test_the_filter_finds_quotes_without_a_speaker(qtbot, engine, article) -> None:
    window, _doc, ids = article
    combo = window.span_table.label_filter
    index = combo.findData(WITHOUT_SPEAKER)
    assert combo.itemText(index) == "No speaker (2)"
    combo.setCurrentIndex(index)
    table = window.span_table.model()

    def listed() -> set[int]:
        return {table.index(row, 0).data(SPAN_ID) for row in range(table.rowCount())}

    assert listed() == {ids["quote1"], ids["quote2"]}
    _link_first_proposal(qtbot, window, ids, "quote2")
    assert listed() == {ids["quote1"]}
    assert combo.itemText(combo.currentIndex()) == "No speaker (1)"
    _key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert listed() == {ids["quote1"], ids["quote2"]}
