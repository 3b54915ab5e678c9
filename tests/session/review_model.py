"""A plain model of reviewing one document, and the state machine that checks a review
against it: after every step the gold layer, the notes and the review status in the
database, and the cursor, are what the model says.

``ReviewMachine`` drives ``ReviewSession`` and pushes its commands through the window's undo
adapter (``UndoStep`` on a ``QUndoStack``), so undo and redo behave as in the window; the
window's machine replaces its rules with keys and clicks. The documents: one to four
annotators (one may have found nothing), shared and own spans, nested, overlapping and
crossing, on a text with accents and emoji.
"""

from __future__ import annotations

import shutil
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
from PySide6.QtGui import QUndoStack

from annotator.core.boundaries import Edge, move_boundary
from annotator.core.spans import Span
from annotator.session.review import ReviewSession
from annotator.store import open_store
from annotator.store.decisions import decisions_of
from annotator.store.engine import reading
from annotator.store.notes import document_notes
from annotator.store.review import gold_layer, reviewed_documents
from annotator.store.spans import document_spans
from annotator.store.status import Status, set_status
from annotator.ui.undo import UndoStep
from tests.crowd import TEXT, add_crowd

NAMES = ("ana", "ben", "cy", "dee")
LABELS = ("actor", "agency", "location", "figure", "quote")
Key = tuple[int, int, str]
Target = tuple[Key, str] | None
"""Where a note is: a span (its key and whose it is, ``gold`` for the reviewer's), or the
document."""


def spans(max_size: int) -> st.SearchStrategy[list[Span]]:
    span = st.builds(
        lambda start, length, label: Span(start, min(len(TEXT), start + length), label),
        st.integers(0, len(TEXT) - 1),
        st.integers(1, 30),
        st.sampled_from(LABELS),
    )
    return st.lists(span, max_size=max_size, unique_by=lambda s: s.key)


@st.composite
def crowds(draw: st.DrawFn) -> dict[str, list[Span]]:
    """Annotators' layers: a shared pool each takes a part of, plus their own spans."""
    pool = draw(spans(8))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    layers = {}
    for name in sorted(names):
        taken = draw(st.lists(st.sampled_from(pool), unique_by=lambda s: s.key)) if pool else []
        own = draw(spans(4))
        layers[name] = list({s.key: s for s in [*taken, *own]}.values())
    return layers


def _overlaps(start: int, end: int, key: Key) -> bool:
    return key[0] < end and start < key[1]


@dataclass(frozen=True)
class Move:
    """One or more joined word steps of a gold span in ``group``: the span they started
    from and the one they left in gold (``None``: it was there already)."""

    group: tuple[int, int]
    start: Key
    left: Key | None


@dataclass(frozen=True)
class Stored:
    """What the database holds for the review, as the model sees it."""

    gold: dict[Key, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[tuple[str, str, Target], ...] = ()
    reviewed: bool = False


class Model:
    """The review, plainly: layers, groups worked out by merging overlapping ranges, the
    stored state with a history of it, and the cursor."""

    def __init__(self, layers: dict[str, list[Span]]) -> None:
        self.layers = {name: {s.key for s in spans} for name, spans in sorted(layers.items())}
        ranges = sorted((k[0], k[1]) for keys in self.layers.values() for k in keys)
        self.groups: list[tuple[int, int]] = []
        for start, end in ranges:
            if self.groups and start < self.groups[-1][1]:
                self.groups[-1] = (self.groups[-1][0], max(self.groups[-1][1], end))
            else:
                self.groups.append((start, end))
        self.history = [Stored()]
        self.index = 0
        self.marks: set[tuple[int, int]] = set()
        """Groups decided, as the store records them; ``marked[i]`` is what step ``i``
        marked and whether it was marked before (``None``: not a decision)."""
        self.marked: list[tuple[tuple[int, int], bool] | None] = [None]
        self.moves: list[Move | None] = [None]
        """``moves[i]``: step ``i`` as a word step of a gold span (``None``: another step)."""
        self.current: int | None = None
        self.selected: Key | None = None

    @property
    def stored(self) -> Stored:
        return self.history[self.index]

    def agreed(self, group: int) -> bool:
        start, end = self.groups[group]
        inside = {
            frozenset(k for k in keys if _overlaps(start, end, k)) for keys in self.layers.values()
        }
        return len(self.layers) >= 2 and len(inside) == 1

    def who(self, key: Key) -> tuple[str, ...]:
        return tuple(name for name, keys in self.layers.items() if key in keys)

    def rows(self) -> list[Key]:
        return sorted(set().union(*self.layers.values(), self.stored.gold))

    # ----- the cursor -------------------------------------------------------------------

    def move_to(self, group: int | None) -> None:
        self.current = group
        if group is None:
            self.selected = None
            return
        start, end = self.groups[group]
        self.selected = next((k for k in self.rows() if _overlaps(start, end, k)), None)

    def open(self) -> None:
        """The first undecided disagreement, else the first one."""
        disagreements = [i for i in range(len(self.groups)) if not self.agreed(i)]
        undecided = [i for i in disagreements if self.state(i) == "undecided"]
        self.move_to((undecided or disagreements or [None])[0])

    def step(self, delta: int) -> None:
        indexes = [i for i in range(len(self.groups)) if not self.agreed(i)]
        if not indexes:
            return
        if self.current is None:
            self.move_to(indexes[0] if delta > 0 else indexes[-1])
        elif delta > 0:
            self.move_to(next((i for i in indexes if i > self.current), indexes[0]))
        else:
            self.move_to(next((i for i in reversed(indexes) if i < self.current), indexes[-1]))

    def state(self, group: int) -> str:
        start, end = self.groups[group]
        if self.agreed(group):
            return "agreed"
        if any(_overlaps(start, end, k) for k in self.stored.gold):
            return "decided"
        if any(s < end and start < e for s, e in self.marks):
            return "rejected"
        return "undecided"

    def next_undecided(self) -> None:
        undecided = [i for i in range(len(self.groups)) if self.state(i) == "undecided"]
        if undecided:
            after = -1 if self.current is None else self.current
            self.move_to(next((i for i in undecided if i > after), undecided[0]))

    def select(self, key: Key) -> None:
        self.selected = key
        self.current = next(
            (i for i, (s, e) in enumerate(self.groups) if _overlaps(s, e, key)), None
        )

    def after_change(self) -> None:
        """The session's refresh: keep the selected row if it is there and in the group."""
        if self.selected not in self.rows():
            self.selected = None
        if self.current is not None:
            start, end = self.groups[self.current]
            if self.selected is None or not _overlaps(start, end, self.selected):
                self.move_to(self.current)

    def note_target(self) -> Target:
        if self.selected is None:
            return None
        who = self.who(self.selected)
        return (self.selected, who[0] if who else "gold")

    # ----- decisions --------------------------------------------------------------------

    def push(self, stored: Stored | None, decides: bool = False, move: Move | None = None) -> None:
        """A command ran; ``None``: it changed nothing and the stack dropped it (and, as
        with every push, the steps that could be redone). A decision (``decides``) marks
        the current group decided, even when it changed nothing."""
        mark = None
        if decides and self.current is not None:
            group = self.groups[self.current]
            mark = (group, group in self.marks)
            self.marks.add(group)
            if stored is None and not mark[1]:
                stored = self.stored  # no gold changed, but the group is decided now
        del self.history[self.index + 1 :]
        del self.marked[self.index + 1 :]
        del self.moves[self.index + 1 :]
        if stored is not None:
            self.history.append(stored)
            self.marked.append(mark)
            self.moves.append(move)
            self.index += 1
        self.after_change()

    def move_gold(self, start_from: Key, moved: Key) -> None:
        """A word step of the current group's gold span (with none, of the first version):
        a decision; a step of the gold span the step before moved (and left in gold), in
        the same group, joins that step, and joined steps back where they began leave
        nothing (the store as before them, the step gone)."""
        assert self.current is not None
        group = self.groups[self.current]
        replaced = self.gold_in_current() & {start_from}
        left = moved if moved not in self.stored.gold else None
        expected = self.swap(replaced, [moved])
        move = Move(group, start_from, left) if replaced else None
        top = self.moves[self.index]
        if not (move and top and top.group == group and top.left == start_from):
            self.push(expected, decides=True, move=move)
            return
        del self.history[self.index + 1 :]
        del self.marked[self.index + 1 :]
        del self.moves[self.index + 1 :]
        if left == top.start:  # back where the joined steps began: the step goes
            self.index -= 1
            self.undo_mark(self.marked.pop())
            self.history.pop()
            self.moves.pop()
        else:
            assert expected is not None
            self.history[self.index] = expected
            self.moves[self.index] = Move(group, top.start, left)
        self.after_change()

    def swap(self, remove: set[Key], add: list[Key]) -> Stored | None:
        """As the store swaps gold: a span both removed and added stays as it is (with its
        notes and provenance); ``None`` when nothing changes."""
        remove = remove - set(add)
        gold = {k: v for k, v in self.stored.gold.items() if k not in remove}
        added = [k for k in dict.fromkeys(add) if k not in gold]
        if not remove and not added:
            return None
        gold.update({k: self.who(k) for k in added})
        gone = {(key, "gold") for key in remove}
        notes = tuple(n for n in self.stored.notes if n[2] not in gone)
        return replace(self.stored, gold=gold, notes=notes)

    def gold_in_current(self) -> set[Key]:
        assert self.current is not None
        start, end = self.groups[self.current]
        return {k for k in self.stored.gold if _overlaps(start, end, k)}

    def edit_start(self) -> Key:
        """The span an edit starts from: the group's first gold span, else the first
        annotator's first span there."""
        gold = sorted(self.gold_in_current())
        if gold:
            return gold[0]
        assert self.current is not None
        start, end = self.groups[self.current]
        return next(
            min(inside)
            for keys in self.layers.values()
            if (inside := [k for k in keys if _overlaps(start, end, k)])
        )

    def accept(self, version: int) -> Stored | None:
        assert self.current is not None
        start, end = self.groups[self.current]
        name = list(self.layers)[version]
        chosen = sorted(k for k in self.layers[name] if _overlaps(start, end, k))
        return self.swap(self.gold_in_current(), chosen)

    def accept_agreed(self) -> Stored | None:
        if len(self.layers) < 2:
            return None
        return self.swap(set(), sorted(set.intersection(*self.layers.values())))

    def add_note(self, text: str) -> Stored:
        note = ("rev", text.strip(), self.note_target())
        return replace(self.stored, notes=(*self.stored.notes, note))

    def undo_mark(self, mark: tuple[tuple[int, int], bool] | None) -> None:
        if mark is not None and not mark[1]:
            self.marks.discard(mark[0])

    def undo(self) -> None:
        if self.index > 0:
            self.undo_mark(self.marked[self.index])
            self.index -= 1
            self.after_change()

    def reopen(self) -> None:
        """The review closed and opened again: what is stored stays, the history goes."""
        self.history, self.index = [self.stored], 0
        self.marked, self.moves = [None], [None]
        self.open()

    def redo(self) -> None:
        if self.index < len(self.history) - 1:
            self.index += 1
            mark = self.marked[self.index]
            if mark is not None:
                self.marks.add(mark[0])
            self.after_change()


note_texts = st.text(st.sampled_from("ab é🙂 ñ"), min_size=1, max_size=8).filter(str.strip)


class ReviewMachine(RuleBasedStateMachine):
    steps = 0

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="review-machine-"))
        self.engine = open_store(self.folder / "review.db")
        self.session = ReviewSession(self.engine, "rev")
        self.stack = QUndoStack()
        self.errors: list[str] = []

    @initialize(layers=crowds())
    def open_document(self, layers: dict[str, list[Span]]) -> None:
        self.doc = add_crowd(self.engine, layers)
        for name, spans in layers.items():
            if not spans:
                set_status(self.engine, self.doc, name, Status.DONE)
        self.model = Model(layers)
        self.show(self.doc)
        self.model.open()

    def show(self, doc: int) -> None:
        """Open ``doc`` for review."""
        self.session.open(doc)

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _publish(self, change) -> None:
        if self.session.concerns(change):
            self.session.refresh()

    def _push(self, command, expected: Stored | None, decides: bool = False) -> None:
        assert command is not None
        self.stack.push(UndoStep(command, self._publish, self.errors.append))
        self.model.push(expected, decides)

    def _has_group(self) -> bool:
        return self.model.current is not None

    # ----- rules ------------------------------------------------------------------------

    @precondition(_has_group)
    @rule(version=st.integers(0, 4))
    def accept(self, version: int) -> None:
        command = self.session.accept(version)
        if version >= len(self.model.layers):
            assert command is None
            return
        self._push(command, self.model.accept(version), decides=True)

    @precondition(_has_group)
    @rule()
    def reject(self) -> None:
        expected = self.model.swap(self.model.gold_in_current(), [])
        self._push(self.session.reject(), expected, decides=True)

    @precondition(_has_group)
    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        span = self.draw_gold_edit(data)
        expected = self.model.swap(self.model.gold_in_current(), [span.key])
        self._push(self.session.edit(span), expected, decides=True)

    def draw_gold_edit(self, data: st.DataObject) -> Span:
        """A span a reviewer might set as the current group's gold: near the group."""
        assert self.model.current is not None
        start, end = self.model.groups[self.model.current]
        first = data.draw(st.integers(max(0, start - 5), end - 1))
        last = data.draw(st.integers(first + 1, min(len(TEXT), end + 5)))
        return Span(first, last, data.draw(st.sampled_from(LABELS)))

    @precondition(_has_group)
    @rule(edge=st.sampled_from(["start", "end"]), step=st.sampled_from([-1, 1]))
    def move_gold(self, edge: Edge, step: int) -> None:
        """An end of the gold span (with none, of the first version) moves a word; word
        steps of one gold span join into one undo step."""
        start_from = self.model.edit_start()
        moved = move_boundary(TEXT, start_from[0], start_from[1], edge, step)
        command = self.session.move_gold(edge, step)
        if moved is None:
            assert command is None
            return
        assert command is not None
        self.stack.push(UndoStep(command, self._publish, self.errors.append))
        self.model.move_gold(start_from, (moved[0], moved[1], start_from[2]))

    @rule()
    def accept_agreed(self) -> None:
        self._push(self.session.accept_agreed(), self.model.accept_agreed())

    @rule()
    def reopen(self) -> None:
        """The review window closed and opened again on the document."""
        self.session = ReviewSession(self.engine, "rev")
        self.stack = QUndoStack()
        self.show(self.doc)
        self.model.reopen()

    @rule()
    def toggle_reviewed(self) -> None:
        stored = self.model.stored
        self._push(self.session.toggle_reviewed(), replace(stored, reviewed=not stored.reviewed))

    @rule(text=note_texts)
    def add_note(self, text: str) -> None:
        self._push(self.session.add_note(text), self.model.add_note(text))

    @rule(data=st.data())
    def toggle_layer(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(list(self.model.layers)))
        self.session.set_visible(name, name in self.session.hidden)

    @rule()
    def undo(self) -> None:
        self.stack.undo()
        self.model.undo()

    @rule()
    def redo(self) -> None:
        self.stack.redo()
        self.model.redo()

    @rule()
    def next_disagreement(self) -> None:
        self.session.next_disagreement()
        self.model.step(1)

    @rule()
    def previous_disagreement(self) -> None:
        self.session.previous_disagreement()
        self.model.step(-1)

    @precondition(lambda self: self.model.rows())
    @rule(data=st.data())
    def click_row(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self.model.rows()))
        self.session.select_row(key)
        self.model.select(key)

    @rule()
    def select_nothing(self) -> None:
        self.session.clear_selection()
        self.model.move_to(None)

    # ----- what must hold ---------------------------------------------------------------

    @invariant()
    def database_is_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        ReviewMachine.steps += 1
        assert self.errors == []
        stored = self.model.stored
        gold = {g.span.key: g.sources for g in gold_layer(self.engine, self.doc)}
        assert gold == stored.gold
        owners = {s.id: (s.key, s.annotator) for s in document_spans(self.engine, self.doc)}
        notes = [
            (n.annotator, n.text, owners[n.span_id] if n.span_id is not None else None)
            for n in document_notes(self.engine, self.doc)
        ]
        assert sorted(notes, key=repr) == sorted(stored.notes, key=repr)
        assert (self.doc in reviewed_documents(self.engine)) == stored.reviewed
        with reading(self.engine) as connection:
            assert decisions_of(connection, self.doc).groups == self.model.marks

    @invariant()
    def states_are_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        states = [str(self.session.state(g)) for g in self.session.groups]
        assert states == [self.model.state(i) for i in range(len(self.model.groups))]

    @invariant()
    def cursor_is_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        assert self.session.current == self.model.current
        assert self.session.selected == self.model.selected
        assert self.session.reviewed == self.model.stored.reviewed
        assert len(self.session.gold) == len(self.model.stored.gold)


def run_machine(machine: type[ReviewMachine], examples: int, steps: int) -> None:
    """Run ``machine`` and print how many steps were checked (shown with ``-s``)."""
    ReviewMachine.steps = 0
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
    print(f"{machine.__name__}: {ReviewMachine.steps} steps checked")
