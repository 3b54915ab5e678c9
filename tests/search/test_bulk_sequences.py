"""Sequences of tag-all, relabel, delete, undo and redo: every undo puts the database back
exactly as it was (same spans, same ids), every redo exactly as it was after the step."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from annotator.core.documents import Document
from annotator.core.search import TextQuery
from annotator.session.bulk import DeleteSpans, Relabel, TagAll
from annotator.store import open_store
from annotator.store.bulk import tag_all
from annotator.store.concordance import find_spans
from annotator.store.documents import add_documents

TEXTS = [
    "Karen Bass met ICE agents in Zürich 🚨. Later, Karen Bass’s office said: “ICE left.”",
    "« KAREN BASS » spoke; José Álvarez (ICE) listened. 🚨 Karen Bass again, in Zürich.",
    "ICE-raids, ICE, and more ICE 🚨🚨 near Zürich; Zoë Chen said Bass was away.",
]
QUERIES = ["Karen Bass", "ICE", "Zürich", "bass", "🚨", "é Á", "ar"]
LABELS = ["actor", "agency", "location", "quote"]
WHO = "ana"


class BulkEditing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.engine = open_store(Path(self.folder.name) / "bulk.db")
        add_documents(self.engine, [Document(text=t, title=str(i)) for i, t in enumerate(TEXTS)])
        self.done: list[tuple[object, list, list]] = []
        self.undone: list[tuple[object, list, list]] = []

    def teardown(self) -> None:
        self.engine.dispose()
        self.folder.cleanup()

    def state(self) -> list[tuple]:
        return [
            (s.id, s.document_id, s.start, s.end, s.label)
            for s in find_spans(self.engine, annotator=WHO)
        ]

    def _run(self, command) -> None:
        before = self.state()
        command.do()
        if command.obsolete:
            assert self.state() == before
            return
        self.done.append((command, before, self.state()))
        self.undone.clear()

    @rule(query=st.sampled_from(QUERIES), label=st.sampled_from(LABELS), word=st.booleans())
    def tag(self, query: str, label: str, word: bool) -> None:
        self._run(TagAll(self.engine, TextQuery(query, word=word), label, WHO))
        again = tag_all(self.engine, TextQuery(query, word=word), label, WHO, dry_run=True)
        assert again.added == ()

    @rule(old=st.sampled_from(LABELS), new=st.sampled_from(LABELS))
    def relabel(self, old: str, new: str) -> None:
        ids = [s.id for s in find_spans(self.engine, label=old, annotator=WHO)]
        self._run(Relabel(self.engine, ids, new, WHO))

    @rule(label=st.sampled_from(LABELS))
    def delete(self, label: str) -> None:
        ids = [s.id for s in find_spans(self.engine, label=label, annotator=WHO)]
        self._run(DeleteSpans(self.engine, ids, WHO))

    @precondition(lambda self: self.done)
    @rule()
    def undo(self) -> None:
        command, before, after = self.done.pop()
        command.undo()
        assert self.state() == before
        self.undone.append((command, before, after))

    @precondition(lambda self: self.undone)
    @rule()
    def redo(self) -> None:
        command, before, after = self.undone.pop()
        command.do()
        assert self.state() == after
        self.done.append((command, before, after))

    @invariant()
    def spans_cover_their_words(self) -> None:
        for span_id, doc, start, end, _ in self.state():
            text = TEXTS[doc - 1]
            assert 0 <= start < end <= len(text) and not text[start].isspace(), span_id


BulkEditing.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TestBulkEditing = BulkEditing.TestCase
