"""The suggestion state without Qt: what is offered, how it follows edits, the threshold, the
current suggestion, and the accept/reject steps with their undo."""

from __future__ import annotations

from annotator.core.documents import Document
from annotator.core.spans import Origin, Span
from annotator.session.annotation import AnnotationSession
from annotator.store.documents import add_documents
from annotator.store.spans import document_spans
from annotator.store.suggestions import rejected_suggestions
from annotator.suggest.live import Trained
from annotator.suggest.strings import StringMatcher
from annotator.suggest.training import TrainingRecord

TEXT = "🙂 Zoë Ångström met Jürgen Weiß in Köln; Zoë Ångström left Köln."


def record(f1: float | None, name: str = "strings") -> TrainingRecord:
    return TrainingRecord(name, "ana", "", "2026-01-01T00:00:00", 5, 20, 1, f1, f1, f1)


def session_on(engine, strings_f1: float | None = 0.9) -> tuple[AnnotationSession, int]:
    (doc,) = add_documents(engine, [Document(TEXT, "t")]).ids
    session = AnnotationSession(engine, "ana")
    matcher = StringMatcher()
    matcher.add("Zoë Ångström", "actor")
    matcher.add("Köln", "location")
    session.open(doc)
    session.suggestions.install(
        Trained("ana", matcher, record(strings_f1), None, None), session.spans.values()
    )
    return session, doc


def keys(session: AnnotationSession) -> list[tuple[int, int, str]]:
    return [s.key for s in session.suggestions.items]


def covered(session: AnnotationSession) -> list[str]:
    return [TEXT[start:end] for start, end, _ in keys(session)]


def test_only_a_suggester_passing_the_threshold_is_offered(engine) -> None:
    session, _ = session_on(engine, strings_f1=0.4)
    assert keys(session) == []
    assert session.suggestions.describe() == "strings F1 0.40 (below 0.50) · tagger not trained"
    session.suggestions.threshold = 0.3
    session.suggestions.refresh()
    assert covered(session) == ["Zoë Ångström", "Köln", "Zoë Ångström", "Köln"]
    assert session.suggestions.describe() == "strings ready, F1 0.40 · tagger not trained"


def test_the_matcher_follows_adds_relabels_and_deletes(engine) -> None:
    session, _ = session_on(engine)
    start = TEXT.index("Jürgen")
    session.select_text((start, start + len("Jürgen Weiß")))
    added = session.tag("actor")
    assert added is not None
    added.do()
    assert "Jürgen Weiß" not in covered(session)  # tagged: no longer suggested there
    assert session.suggestions.matcher is not None
    assert session.suggestions.matcher.counts["Jürgen Weiß"] == {"actor": 1}
    relabel = session.tag("agency")
    assert relabel is not None
    relabel.do()
    assert session.suggestions.matcher.counts["Jürgen Weiß"] == {"agency": 1}
    relabel.undo()
    added.undo()
    assert "Jürgen Weiß" not in session.suggestions.matcher.counts


def test_tab_wraps_round_and_choosing_a_span_or_text_drops_the_suggestion(engine) -> None:
    session, _ = session_on(engine)
    offered = keys(session)
    session.step_suggestion(-1)
    assert session.suggestions.current == offered[-1]
    session.step_suggestion(1)
    assert session.suggestions.current == offered[0]
    session.select_text((0, 3))
    assert session.suggestions.current is None
    session.step_suggestion(1)
    assert session.selection is None and session.suggestions.current == offered[0]
    session.click(TEXT.index("left"))  # on no span and no suggestion
    assert session.suggestions.current is None
    session.click(TEXT.index("Köln") + 1)  # on a suggestion
    assert session.suggestions.current == offered[1]


def test_accept_reject_and_accept_all_are_undoable(engine) -> None:
    session, doc = session_on(engine)
    offered = keys(session)
    session.step_suggestion(1)
    accept = session.accept_suggestion()
    assert accept is not None
    accept.do()
    assert [(s.key, s.origin) for s in document_spans(engine, doc, "ana")] == [
        (offered[0], Origin.SUGGESTED)
    ]
    assert session.current is None and session.suggestions.current == offered[1]
    reject = session.reject_suggestion()
    assert reject is not None
    reject.do()
    assert rejected_suggestions(engine, doc, "ana") == {offered[1]}
    assert keys(session) == offered[2:]
    session.open(doc)  # reopened: the rejection holds, the accepted span is a span
    assert keys(session) == offered[2:]
    everything = session.accept_label("actor")
    assert everything is not None
    everything.do()
    assert sorted(s.key for s in document_spans(engine, doc, "ana")) == [offered[0], offered[2]]
    everything.undo()
    reject.undo()
    accept.undo()
    assert document_spans(engine, doc, "ana") == []
    assert rejected_suggestions(engine, doc, "ana") == set()
    assert keys(session) == offered and session.suggestions.current == offered[0]
    assert Span(*offered[0]) not in session.spans.values()
