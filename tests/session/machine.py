"""A model-based test of annotating: random sequences of clicks, selections, label keys,
boundary moves, deletions, undo, redo and document changes, on documents crowded with
nested and crossing spans around emoji and accented text. After every step the database
(read with the store's functions) and the session must agree with a plain model written
here from the rules alone: dictionaries of spans and a list of before/after snapshots.

``AnnotationMachine`` acts through a ``Driver``: ``SessionDriver`` calls the Qt-free session
and a plain history; the widget tests subclass it with a driver that clicks and types.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
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
from sqlalchemy.engine import Engine

from annotator.core.boundaries import Edge, move_boundary
from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.session.annotation import AnnotationSession
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, get_status
from tests.crowded import TEXT
from tests.session.history import History

LABELS = ("actor", "agency", "location", "figure", "quote")
TEXTS = (
    TEXT,
    "Ａ raid 🚨🚨 by ＩＣＥ — 3,000 Angelenos marched;\nSeñor Núñez spoke: “No más,” said Zoë 🙂.",
    "東京 and São Paulo: 𝐁𝐨𝐥𝐝 claims, ICE’s agents’ words; Kraków 2025.",
)
Key = tuple[int, int, str]
FAST_DISK = "/dev/shm" if Path("/dev/shm").is_dir() else None  # each commit syncs to disk


class Driver:
    """How the machine acts: each method is one gesture of a person."""

    session: AnnotationSession

    def open(self, document_id: int) -> None:
        """Go to a document (staying on it when it is open already)."""
        raise NotImplementedError

    def click(self, offset: int) -> None:
        raise NotImplementedError

    def select(self, start: int, end: int) -> None:
        raise NotImplementedError

    def label(self, label: str) -> None:
        raise NotImplementedError

    def move(self, edge: Edge, step: int) -> None:
        raise NotImplementedError

    def delete(self) -> None:
        raise NotImplementedError

    def undo(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        raise NotImplementedError

    def mark_done(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what the driver opened."""


class SessionDriver(Driver):
    def __init__(self, engine: Engine, first: int) -> None:
        self.session = AnnotationSession(engine, "alice")
        self.session.open(first)
        self.history = History()

    def open(self, document_id: int) -> None:
        self.session.show(document_id)

    def click(self, offset: int) -> None:
        self.session.click(offset)

    def select(self, start: int, end: int) -> None:
        self.session.select_text((start, end))

    def label(self, label: str) -> None:
        self.history.push(self.session.tag(label, snapping=False))

    def move(self, edge: Edge, step: int) -> None:
        self.history.push(self.session.move(edge, step))

    def delete(self) -> None:
        self.history.push(self.session.delete())

    def undo(self) -> None:
        self.history.undo()

    def redo(self) -> None:
        self.history.redo()

    def mark_done(self) -> None:
        self.history.push(self.session.mark(Status.DONE))


@dataclass
class Step:
    """One undoable step as the model sees it: the document's spans before and after."""

    kind: str  # "add", "delete", "update" or "status"
    document: int
    span: int | None
    before: dict[int, Key]
    after: dict[int, Key]
    status: tuple[Status, Status] | None = None
    is_move: bool = False


@dataclass
class Model:
    spans: dict[int, dict[int, Key]]
    status: dict[int, Status]
    open: int
    current: int | None = None
    selection: tuple[int, int] | None = None
    last_click: int | None = None
    steps: list[Step] = field(default_factory=list)
    index: int = 0

    def show(self, document: int) -> None:
        if document != self.open:
            self.open, self.current, self.selection, self.last_click = document, None, None, None

    def choose(self, span: int | None) -> None:
        self.current = span
        if span is not None:
            self.selection = None

    def started(self, document: int) -> None:
        if self.status[document] == Status.NEW:
            self.status[document] = Status.IN_PROGRESS

    def record(self, step: Step) -> None:
        del self.steps[self.index :]
        top = self.steps[-1] if self.steps else None
        if step.is_move and top is not None and top.is_move and top.span == step.span:
            top.after = step.after
            if top.after == top.before:
                self.steps.pop()
        else:
            self.steps.append(step)
        self.index = len(self.steps)

    def run(self, step: Step, done: bool) -> None:
        self.show(step.document)
        self.spans[step.document] = dict(step.after if done else step.before)
        if step.status is not None:
            self.status[step.document] = step.status[1 if done else 0]
        if step.kind == ("add" if done else "delete"):
            self.started(step.document)
        if step.kind == "add":
            self.choose(step.span if done else None)
        elif step.kind == "delete":
            self.choose(None if done else step.span)
        elif step.kind == "update":
            self.choose(step.span)


class AnnotationMachine(RuleBasedStateMachine):
    """Subclasses say how to make the driver; ``steps`` counts the rules run by every
    instance, for the test to report; ``with_status`` says whether the driver can mark a
    document done without leaving it."""

    steps = 0
    with_status = True

    def make_driver(self, engine: Engine, first: int) -> Driver:
        raise NotImplementedError

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self._folder = tempfile.TemporaryDirectory(dir=FAST_DISK)
        self.engine = open_store(Path(self._folder.name) / "machine.db")
        documents = [Document(text=t, title=t[:20]) for t in TEXTS]
        self.documents = add_documents(self.engine, documents).ids
        self.texts = dict(zip(self.documents, TEXTS, strict=True))
        spans: dict[int, dict[int, Key]] = {}
        for document, text in self.texts.items():
            spans[document] = {}
            for start, end, label in data.draw(st.lists(_ranges(text), max_size=12)):
                stored, _ = add_span(self.engine, document, "alice", Span(start, end, label))
                if stored is not None:
                    spans[document][stored.id] = stored.key
        status = {d: get_status(self.engine, d, "alice") for d in self.documents}
        self.model = Model(spans=spans, status=status, open=self.documents[0])
        self.driver = self.make_driver(self.engine, self.documents[0])

    def teardown(self) -> None:
        if hasattr(self, "driver"):
            self.driver.close()
        if hasattr(self, "engine"):
            self.engine.dispose()
            self._folder.cleanup()

    @property
    def text(self) -> str:
        return self.texts[self.model.open]

    def _count(self) -> None:
        type(self).steps += 1

    # gestures

    @rule(which=st.integers(0, len(TEXTS) - 1))
    def open_document(self, which: int) -> None:
        self._count()
        self.driver.open(self.documents[which])
        self.model.show(self.documents[which])

    @rule(data=st.data())
    def click(self, data: st.DataObject) -> None:
        self._count()
        words = [m.start() for m in re.finditer(r"\w", self.text)]
        offset = data.draw(st.sampled_from(words))
        self.driver.click(offset)
        model = self.model
        spans = model.spans[model.open]
        hits = sorted(
            (i for i, (s, e, _) in spans.items() if s <= offset < e),
            key=lambda i: (spans[i][1] - spans[i][0], spans[i][0], spans[i][2]),
        )
        if not hits:
            model.last_click = None
            model.choose(None)
            return
        chosen = hits[0]
        if offset == model.last_click and model.current in hits:
            chosen = hits[(hits.index(model.current) + 1) % len(hits)]
        model.last_click = offset
        model.choose(chosen)

    @rule(data=st.data())
    def select_and_tag(self, data: st.DataObject) -> None:
        self._count()
        start, end, label = data.draw(_ranges(self.text))
        self.driver.select(start, end)
        self.model.selection, self.model.current, self.model.last_click = (start, end), None, None
        self._label(label)

    @rule(label=st.sampled_from(LABELS))
    def label_key(self, label: str) -> None:
        self._count()
        self._label(label)

    def _label(self, label: str) -> None:
        before = set(document_spans_ids(self.engine, self.model.open))
        self.driver.label(label)
        model = self.model
        spans = model.spans[model.open]
        if model.selection is not None:
            key = (*model.selection, label)
            if key in spans.values():
                return
            (new,) = set(document_spans_ids(self.engine, model.open)) - before
            self._record("add", new, {**spans, new: key})
        elif model.current is not None and spans[model.current][2] != label:
            start, end, _ = spans[model.current]
            self._update(model.current, (start, end, label))

    @rule(edge=st.sampled_from(["start", "end"]), step=st.sampled_from([-1, 1]))
    def move(self, edge: Edge, step: int) -> None:
        self._count()
        self.driver.move(edge, step)
        model = self.model
        if model.current is None:
            return
        start, end, label = model.spans[model.open][model.current]
        moved = move_boundary(self.text, start, end, edge, step)
        if moved is not None:
            self._update(model.current, (*moved, label), is_move=True)

    @rule()
    def delete(self) -> None:
        self._count()
        self.driver.delete()
        model = self.model
        if model.current is not None:
            spans = dict(model.spans[model.open])
            del spans[model.current]
            self._record("delete", model.current, spans)

    @precondition(lambda self: self.with_status)
    @rule()
    def mark_done(self) -> None:
        self._count()
        self.driver.mark_done()
        model = self.model
        if model.status[model.open] != Status.DONE:
            spans = model.spans[model.open]
            status = (model.status[model.open], Status.DONE)
            self._record("status", None, spans, status)

    @rule()
    def undo(self) -> None:
        self._count()
        self.driver.undo()
        model = self.model
        if model.index > 0:
            model.index -= 1
            model.run(model.steps[model.index], done=False)

    @rule()
    def redo(self) -> None:
        self._count()
        self.driver.redo()
        model = self.model
        if model.index < len(model.steps):
            model.run(model.steps[model.index], done=True)
            model.index += 1

    def _update(self, span: int, key: Key, is_move: bool = False) -> None:
        spans = self.model.spans[self.model.open]
        if key in (k for i, k in spans.items() if i != span):
            del self.model.steps[self.model.index :]  # refused by the store, as a failed
            return  # step on a QUndoStack, it leaves nothing to redo
        self._record("update", span, {**spans, span: key}, is_move=is_move)

    def _record(
        self,
        kind: str,
        span: int | None,
        after: dict[int, Key],
        status: tuple[Status, Status] | None = None,
        is_move: bool = False,
    ) -> None:
        model = self.model
        step = Step(kind, model.open, span, dict(model.spans[model.open]), after, status, is_move)
        model.record(step)
        model.run(step, done=True)

    # what must hold after every step

    @invariant()
    def store_matches_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        for document in self.documents:
            stored = {s.id: s.key for s in document_spans(self.engine, document, "alice")}
            assert stored == self.model.spans[document], f"document {document}"
            assert get_status(self.engine, document, "alice") == self.model.status[document]

    @invariant()
    def session_matches_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        session, model = self.driver.session, self.model
        assert session.document is not None and session.document.id == model.open
        assert {i: s.key for i, s in session.spans.items()} == model.spans[model.open]
        assert session.current == model.current
        assert session.selection == model.selection
        assert session.status == model.status[model.open]


def run_machine(machine: type[AnnotationMachine], examples: int, steps: int, what: str) -> int:
    """Run ``machine`` for ``examples`` runs of up to ``steps`` rules; prints and returns
    how many rules ran in all."""
    machine.steps = 0
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
    print(f"\n{machine.steps} steps {what}")
    return machine.steps


def document_spans_ids(engine: Engine, document: int) -> list[int]:
    return [s.id for s in document_spans(engine, document, "alice")]


def _ranges(text: str) -> st.SearchStrategy[Key]:
    """A labelled range of ``text`` that is not empty, often a short one."""
    return st.tuples(
        st.integers(0, len(text) - 1), st.integers(1, 24), st.sampled_from(LABELS)
    ).map(lambda t: (t[0], min(len(text), t[0] + t[1]), t[2]))
