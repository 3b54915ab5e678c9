"""Attributing quotes through the real window, as random sequences: choosing spans in the
span list, S, Tab, Shift+Tab, Enter, Esc, clicking a candidate, Shift+S, Delete, a label key
(a relabel drops the links the new label cannot have), Ctrl+Z and Ctrl+Shift+Z. After every
step the stored links, the session's proposal, the outlines and the captions must agree with
a plain model written from the rules alone."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.attribution import propose_speakers
from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.relations import document_links
from annotator.store.spans import add_span
from annotator.ui.session import open_window
from annotator.ui.span_list import SPAN_ID
from tests.ui.test_attribution import ARTICLE, SPANS

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SPEAKERS = ("actor", "agency")
HOTKEYS = {"actor": Qt.Key.Key_1, "agency": Qt.Key.Key_2, "location": Qt.Key.Key_3}
HOTKEYS |= {"figure": Qt.Key.Key_4, "quote": Qt.Key.Key_5}
State = tuple[dict[int, Span], dict[int, int]]  # spans by id, each quote's speaker


@dataclass
class Model:
    spans: dict[int, Span]
    links: dict[int, int] = field(default_factory=dict)
    current: int | None = None
    proposal: tuple[int, tuple[int, ...], int] | None = None  # quote, candidates, index
    steps: list[tuple[State, State, int | None, int | None]] = field(default_factory=list)
    index: int = 0

    def state(self) -> State:
        return dict(self.spans), dict(self.links)

    def record(self, before: State, chosen_done: int | None, chosen_undone: int | None) -> None:
        del self.steps[self.index :]
        self.steps.append((before, self.state(), chosen_done, chosen_undone))
        self.index = len(self.steps)
        self.current, self.proposal = chosen_done, None

    def run(self, done: bool) -> None:
        before, after, chosen_done, chosen_undone = self.steps[self.index - (0 if done else 1)]
        self.spans, self.links = (dict(x) for x in (after if done else before))
        self.index += 1 if done else -1
        self.current, self.proposal = (chosen_done if done else chosen_undone), None


class AttributionMachine(RuleBasedStateMachine):
    qtbot: QtBot
    steps = 0

    @initialize()
    def start(self) -> None:
        self._folder = tempfile.TemporaryDirectory()
        engine = open_store(Path(self._folder.name) / "machine.db")
        self.engine = engine
        self.doc = add_documents(engine, [Document(text=ARTICLE, title="Quotes")]).ids[0]
        spans = {}
        for span in SPANS.values():
            stored = add_span(engine, self.doc, "alice", span)[0]
            spans[stored.id] = stored
        self.model = Model(spans)
        window = open_window(engine, "alice")
        assert window is not None
        self.window = window
        with self.qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        window.text_view.setFocus()

    def teardown(self) -> None:
        if hasattr(self, "window"):
            self.window.close()
            self.window.deleteLater()
            self.engine.dispose()
            self._folder.cleanup()

    # gestures

    def _key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        AttributionMachine.steps += 1
        self.qtbot.keyClick(self.window.text_view, key, modifiers)

    def _click_row(self, span_id: int) -> None:
        AttributionMachine.steps += 1
        table = self.window.span_table
        model = table.model()
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(SPAN_ID) == span_id)
        rect = table.visualRect(model.index(row, 1))
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.window.text_view.setFocus()

    def _link(self, speaker: int) -> None:
        assert self.model.proposal is not None
        quote = self.model.proposal[0]
        if self.model.links.get(quote) == speaker:  # the same speaker again: no step
            self.model.current, self.model.proposal = quote, None
            return
        before = self.model.state()
        self.model.links[quote] = speaker
        self.model.record(before, quote, quote)

    @rule(data=st.data())
    def choose(self, data: st.DataObject) -> None:
        self.choose_span(data.draw(st.sampled_from(sorted(self.model.spans))))

    def choose_span(self, span_id: int) -> None:
        proposal = self.model.proposal
        self._click_row(span_id)
        if proposal is not None and span_id in proposal[1]:
            self._link(span_id)  # a candidate clicked: linked
        elif proposal is None or span_id != proposal[0]:  # the quote itself: it goes on
            self.model.current, self.model.proposal = span_id, None

    @precondition(lambda self: any(s.label == "quote" for s in self.model.spans.values()))
    @rule(data=st.data())
    def choose_a_quote_and_propose(self, data: st.DataObject) -> None:
        """Most sequences would otherwise rarely put S on a quote."""
        quotes = sorted(i for i, s in self.model.spans.items() if s.label == "quote")
        self.choose_span(data.draw(st.sampled_from(quotes)))
        self.propose()

    @rule()
    def propose(self) -> None:
        self._key(Qt.Key.Key_S)
        model = self.model
        quote = model.spans.get(model.current) if model.current is not None else None
        if quote is None or quote.label != "quote":
            model.proposal = None
            return
        ranked = propose_speakers(ARTICLE, quote, model.spans.values(), SPEAKERS)
        ids = tuple(s.id for s in ranked if s.id is not None)
        model.proposal = (quote.stored_id, ids, 0) if ids else None

    @precondition(lambda self: self.model.proposal is not None)
    @rule(forward=st.booleans())
    def cycle(self, forward: bool) -> None:
        if forward:
            self._key(Qt.Key.Key_Tab)
        else:
            self._key(Qt.Key.Key_Backtab, SHIFT)
        quote, candidates, index = self.model.proposal  # type: ignore[misc]
        self.model.proposal = (
            quote,
            candidates,
            (index + (1 if forward else -1)) % len(candidates),
        )

    @precondition(lambda self: self.model.proposal is not None)
    @rule()
    def enter(self) -> None:
        self._key(Qt.Key.Key_Return)
        _, candidates, index = self.model.proposal  # type: ignore[misc]
        self._link(candidates[index])

    @rule()
    def escape(self) -> None:
        self._key(Qt.Key.Key_Escape)
        if self.model.proposal is not None:
            self.model.proposal = None
        else:
            self.model.current = None

    @rule()
    def unlink(self) -> None:
        self._key(Qt.Key.Key_S, SHIFT)
        model, quote = self.model, self.model.current
        if quote is not None and quote in model.links:
            before = model.state()
            del model.links[quote]
            model.record(before, quote, quote)

    @rule()
    def delete(self) -> None:
        self._key(Qt.Key.Key_Delete)
        model, gone = self.model, self.model.current
        if gone is None:
            return
        before = model.state()
        del model.spans[gone]
        model.links = {q: s for q, s in model.links.items() if gone not in (q, s)}
        model.record(before, None, gone)

    @rule(label=st.sampled_from(sorted(HOTKEYS)))
    def relabel(self, label: str) -> None:
        """A label key with a span current (nothing selected): the span takes the label,
        unless it has it or its twin with that label is there; a quote that is no more loses
        its speaker, and a speaker that cannot speak its quotes."""
        self._key(HOTKEYS[label])
        model, chosen = self.model, self.model.current
        if chosen is None:
            return
        span = model.spans[chosen]
        twin = (span.start, span.end, label)
        if span.label == label or any(s.key == twin for s in model.spans.values()):
            return
        before = model.state()
        model.spans[chosen] = replace(span, label=label)
        model.links = {
            quote: speaker
            for quote, speaker in model.links.items()
            if model.spans[quote].label == "quote" and model.spans[speaker].label in SPEAKERS
        }
        model.record(before, chosen, chosen)

    @rule()
    def undo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL)
        if self.model.index > 0:
            self.model.run(done=False)

    @rule()
    def redo(self) -> None:
        self._key(Qt.Key.Key_Z, CTRL | SHIFT)
        if self.model.index < len(self.model.steps):
            self.model.run(done=True)

    # what must hold

    @invariant()
    def the_store_holds_the_models_links(self) -> None:
        stored = {x.head_id: x.child_id for x in document_links(self.engine, self.doc, "alice")}
        assert stored == self.model.links

    @invariant()
    def the_window_shows_the_model(self) -> None:
        model, view = self.model, self.window.text_view
        workspace = self.window.workspace
        assert workspace.current_span == model.current
        proposal = workspace.session.proposal
        shown = None if proposal is None else (proposal.quote, proposal.candidates, proposal.index)
        assert shown == model.proposal
        candidate = None if model.proposal is None else model.proposal[1][model.proposal[2]]
        speaker = model.links.get(model.current) if model.current is not None else None
        assert view.link_marks() == (speaker, candidate)
        for quote, span in model.spans.items():
            if span.label == "quote":
                linked = model.links.get(quote)
                words = (
                    None
                    if linked is None
                    else ARTICLE[model.spans[linked].start : model.spans[linked].end]
                )
                assert view.caption_text(quote) == (
                    "quote" if words is None else f"quote ▸ {words}"
                )


def test_attributing_through_the_window_keeps_store_views_and_model_in_step(qtbot) -> None:
    AttributionMachine.qtbot = qtbot
    AttributionMachine.steps = 0
    run_state_machine_as_test(
        AttributionMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
    assert AttributionMachine.steps >= 100
