"""Suggestions in the main window, driven as a person would: learning from annotated
documents in the background, Tab/Shift+Tab, Enter, Backspace, Shift+Enter, undo, and a
rejection remembered across restarts. Texts are non-ASCII with emoji before the spans (so
code points and UTF-16 differ) and carry nested spans."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from annotator.cli import main as cli
from annotator.core.documents import Document, text_sha256
from annotator.core.spans import Origin, Span
from annotator.formats.exporting import split_of
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, set_status
from annotator.store.suggestions import rejected_suggestions
from annotator.suggest.child import ChildTraining
from annotator.suggest.evaluation import HELDOUT_SHARE, SEED
from annotator.suggest.examples import annotated_examples
from annotator.suggest.live import database_location
from annotator.suggest.registry import DEFAULT_SUGGESTER, SUGGESTERS
from annotator.suggest.training import model_folder, train_and_measure
from annotator.ui.main_window import MainWindow
from annotator.ui.session import open_window
from tests.suggest.child_targets import train_forever
from tests.ui.conftest import WindowFactory, click_word

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
KEYS = {"actor": Qt.Key.Key_1, "agency": Qt.Key.Key_2, "location": Qt.Key.Key_3}
TEMPLATE = (
    "Bericht {i} 🙂🇩🇪: [actor [actor Zoë Ångström] of the [agency Bundesamt für Migration]] "
    "met [actor Jürgen Weiß] in [location Köln] on day {i}. [quote “[actor Jürgen Weiß] will "
    "stay in [location Köln] for [figure 3,000] days,”] said [actor Zoë Ångström]. 🎉"
)


def parse(marked: str) -> tuple[str, list[Span]]:
    """Text and spans from ``[label text]`` marks (nested as written)."""
    text, spans, open_ = [], [], []
    length = 0
    for token in re.split(r"(\[\w+ |\])", marked):
        if token.startswith("[") and token.endswith(" "):
            open_.append((length, token[1:-1]))
        elif token == "]":
            start, label = open_.pop()
            spans.append(Span(start, length, label))
        else:
            text.append(token)
            length += len(token)
    return "".join(text), sorted(spans)


def heldout(text: str) -> bool:
    return split_of(text_sha256(text), SEED, (100 - HELDOUT_SHARE, HELDOUT_SHARE)) == 1


def articles(count: int) -> list[tuple[str, list[Span]]]:
    """``count`` articles, of which the first few (annotated in the tests) include two
    held out, so suggesters are measured."""
    found = [parse(TEMPLATE.format(i=i)) for i in range(count + 40)]
    first = [a for a in found if heldout(a[0])][:2]
    rest = [a for a in found if a not in first]
    return first + rest[: count - 2]


def annotate(engine: Engine, doc_id: int, spans: list[Span], who: str = "alice") -> None:
    for span in spans:
        add_span(engine, doc_id, who, span)
    set_status(engine, doc_id, who, Status.DONE)


def trained(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every training the window asked for, and the model's suggestions for the
    open document, have reported back."""
    workspace = window.attached
    while workspace.trainer.running or workspace.suggester.running:
        busy = workspace.trainer if workspace.trainer.running else workspace.suggester
        with qtbot.waitSignal(busy.finished, timeout=60_000):
            pass


def corpus(engine: Engine, annotated: int, fresh: int = 3) -> tuple[list[int], list[str]]:
    """``annotated`` annotated articles, then ``fresh`` untouched ones: ids and texts."""
    pieces = articles(annotated + fresh)
    ids = add_documents(
        engine, [Document(text=text, title=f"Bericht {n}") for n, (text, _) in enumerate(pieces)]
    ).ids
    for doc_id, (_, spans) in zip(ids[:annotated], pieces, strict=False):
        annotate(engine, doc_id, spans)
    return ids, [text for text, _ in pieces]


def open_on(make_window: WindowFactory, qtbot: QtBot, doc_id: int) -> MainWindow:
    """A window on ``doc_id`` once its suggesters are trained (Suggestions > Retrain)."""
    window = make_window()
    window.attached.open_document(doc_id)
    actions = window.suggest_menu.actions()
    retrain = next(a for a in actions if a.text().replace("&", "") == "Retrain suggesters")
    retrain.trigger()
    trained(qtbot, window)
    return window


def shown(window: MainWindow) -> list[tuple[int, int, str]]:
    return [s.key for s in window.text_view.suggestions()]


def words(window: MainWindow) -> set[str]:
    text = window.text_view.text()
    return {text[start:end] for start, end, _ in shown(window)}


def key(qtbot: QtBot, window: MainWindow, which: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.text_view, which, modifier)


def test_suggestions_appear_once_a_few_documents_are_annotated(qtbot, engine, make_window) -> None:
    ids, texts = corpus(engine, annotated=1, fresh=6)
    window = make_window()
    window.attached.open_document(ids[6])
    trained(qtbot, window)  # opening a window trains the string matcher only
    assert shown(window) == []
    assert window.status_bar.suggesters.text() == (
        "strings: too few documents · tagger not trained"
    )
    # Annotate four more in the window (the two held-out articles among them), marking each
    # done: every mark retrains in the background, and the window keeps working meanwhile.
    for doc_id, text in zip(ids[1:5], texts[1:5], strict=True):
        window.attached.open_document(doc_id)
        for span in parse(TEMPLATE.format(i=re.search(r"\d+", text).group()))[1]:
            if span.label in KEYS:
                window.text_view.select_range(span.start, span.end)
                key(qtbot, window, KEYS[span.label])
        key(qtbot, window, Qt.Key.Key_Return, CTRL)
    trained(qtbot, window)
    window.attached.open_document(ids[6])
    trained(qtbot, window)  # the tagger's suggestions are worked out off the window's thread
    assert {"Jürgen Weiß", "Köln", "Zoë Ångström"} <= words(window)
    bar = window.status_bar.suggesters.text()
    ready = r"strings ready, F1 \d\.\d\d · tagger ready, F1 \d\.\d\d"
    assert re.search(ready, bar), bar
    # Suggestions are neither spans nor counted as spans.
    assert window.attached.spans == {} and window.status_bar.spans.text() == "0 spans"


def test_tab_enter_backspace_and_undo(qtbot, engine, make_window) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    offered = shown(window)
    assert len(offered) >= 4
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.text_view.current_suggestion() == offered[0]
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.text_view.current_suggestion() == offered[-1]  # wrapped round
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.text_view.current_suggestion() == offered[0]
    first, second, third = offered[:3]

    key(qtbot, window, Qt.Key.Key_Return)  # accept: a span of origin "suggested"
    stored = document_spans(engine, ids[6], "alice")
    assert [(s.key, s.origin) for s in stored] == [(first, Origin.SUGGESTED)]
    assert first not in shown(window) and window.text_view.current_suggestion() == second
    assert window.status_bar.spans.text() == "1 span"

    key(qtbot, window, Qt.Key.Key_Backspace)  # reject: gone, remembered, the next is current
    assert second not in shown(window) and window.text_view.current_suggestion() == third
    assert rejected_suggestions(engine, ids[6], "alice") == {second}
    assert [s.key for s in document_spans(engine, ids[6], "alice")] == [first]

    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # the rejection undone: offered and current again
    assert second in shown(window) and window.text_view.current_suggestion() == second
    assert rejected_suggestions(engine, ids[6], "alice") == set()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # the acceptance undone: back to a suggestion
    assert document_spans(engine, ids[6], "alice") == []
    assert shown(window) == offered and window.text_view.current_suggestion() == first
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [s.key for s in document_spans(engine, ids[6], "alice")] == [first]


def test_enter_on_a_span_with_no_suggestion_chosen_does_nothing_and_esc_drops_it(
    qtbot, engine, make_window
) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.text_view.current_suggestion() is None
    key(qtbot, window, Qt.Key.Key_Return)
    assert document_spans(engine, ids[6], "alice") == []
    # A click on a suggestion (no span there) makes it current.
    start, end, label = shown(window)[1]
    click_word(qtbot, window.text_view, start)
    assert window.text_view.current_suggestion() == (start, end, label)


def test_shift_enter_accepts_every_suggestion_of_the_label_in_one_step(
    qtbot, engine, make_window
) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    offered = shown(window)
    actors = [k for k in offered if k[2] == "actor"]
    assert len(actors) >= 2
    while window.text_view.current_suggestion() not in actors:
        key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Return, SHIFT)
    stored = document_spans(engine, ids[6], "alice")
    assert sorted(s.key for s in stored) == actors
    assert {s.origin for s in stored} == {Origin.SUGGESTED}
    assert [k for k in shown(window) if k[2] == "actor"] == []
    assert window.attached.undo_stack.count() == 1
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert document_spans(engine, ids[6], "alice") == [] and shown(window) == offered
    key(qtbot, window, Qt.Key.Key_Y, CTRL)
    assert sorted(s.key for s in document_spans(engine, ids[6], "alice")) == actors
    assert sorted(s.stored_id for s in document_spans(engine, ids[6], "alice")) == sorted(
        s.stored_id for s in stored
    )


def test_a_rejected_suggestion_stays_gone_after_reopening_and_restarting(
    qtbot, engine, make_window
) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    key(qtbot, window, Qt.Key.Key_Tab)
    rejected = window.text_view.current_suggestion()
    key(qtbot, window, Qt.Key.Key_Backspace)
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.attached.document.id == ids[7]
    key(qtbot, window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.attached.document.id == ids[6]
    trained(qtbot, window)
    assert rejected not in shown(window) and shown(window)
    window.close()
    again = make_window()  # a restart: the tagger stored by the first window is loaded
    again.attached.open_document(ids[6])
    trained(qtbot, again)
    assert "tagger ready" in again.status_bar.suggesters.text()
    assert shown(again) and rejected not in shown(again)


def test_the_matcher_follows_each_edit_at_once(qtbot, engine, make_window) -> None:
    ids, texts = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    text = texts[6]
    key(qtbot, window, Qt.Key.Key_Tab)
    while shown(window):  # reject them all: each Backspace makes the next one current
        key(qtbot, window, Qt.Key.Key_Backspace)
    assert document_spans(engine, ids[6], "alice") == []
    first = text.index("Bericht")
    window.text_view.select_range(first, first + len("Bericht"))
    key(qtbot, window, KEYS["agency"])
    assert (first, first + 7, "agency") in {s.key for s in window.attached.spans.values()}
    # Opening another article: the new tagged text is suggested there without retraining.
    window.attached.open_document(ids[7])
    later = texts[7].index("Bericht")
    assert (later, later + 7, "agency") in shown(window)
    assert not window.attached.trainer.running


def test_export_ignores_suggestions_until_accepted(
    qtbot, engine, db_path: Path, tmp_path: Path, make_window
) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    assert len(shown(window)) >= 2
    key(qtbot, window, Qt.Key.Key_Tab)
    accepted = window.text_view.current_suggestion()
    key(qtbot, window, Qt.Key.Key_Return)
    out = tmp_path / "spans.jsonl"
    assert cli(["--db", str(db_path), "export", "--annotator", "alice", "-o", str(out)]) == 0
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert [(s["start"], s["end"], s["label"]) for s in records[ids[6]]["spans"]] == [accepted]
    assert ids[7] not in records  # suggestions alone do not make a document annotated


def test_a_suggester_below_the_threshold_offers_nothing(qtbot, engine, make_window) -> None:
    rng = random.Random(4)
    vocabulary = [f"wört{n}" for n in range(30)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(20)) + f" 🙂 {n}" for n in range(14)]
    ids = add_documents(
        engine, [Document(text=t, title=f"Wörter {n}") for n, t in enumerate(texts)]
    ).ids
    for doc_id, text in zip(ids[:12], texts, strict=False):
        start = text.index(rng.choice(text.split()[:20]))
        word = text[start:].split()[0]
        annotate(engine, doc_id, [Span(start, start + len(word), "actor")])
    window = open_on(make_window, qtbot, ids[13])
    assert shown(window) == []
    bar = window.status_bar.suggesters.text()
    assert re.fullmatch(
        r"strings F1 0\.\d\d \(below 0\.50\) · tagger F1 0\.\d\d \(below 0\.50\)", bar
    )
    assert "trained" in window.status_bar.suggesters.toolTip()
    window.attached.set_suggestion_threshold(0.0)
    assert shown(window) and "ready" in window.status_bar.suggesters.text()


def test_closing_the_window_stops_its_training_at_once(
    qtbot, engine, make_window, monkeypatch
) -> None:
    """The tagger trains in a child process: the window works meanwhile, and closing it
    stops the child instead of waiting for it (here the training would never end)."""
    monkeypatch.setattr(ChildTraining, "target", staticmethod(train_forever))
    ids, _ = corpus(engine, annotated=6)
    window = make_window()
    window.attached.open_document(ids[6])
    trained(qtbot, window)
    offered = shown(window)
    retrain = next(
        a
        for a in window.suggest_menu.actions()
        if a.text().replace("&", "") == "Retrain suggesters"
    )
    retrain.trigger()
    child = window.attached.training_child
    qtbot.waitUntil(lambda: child.pid is not None, timeout=30_000)
    pid = child.pid
    assert "tagger training…" in window.status_bar.suggesters.text()
    key(qtbot, window, Qt.Key.Key_Tab)  # the matcher's suggestions work meanwhile
    key(qtbot, window, Qt.Key.Key_Return)
    assert [s.key for s in document_spans(engine, ids[6], "alice")] == [offered[0]]
    window.close()
    assert child.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    folder = model_folder(database_location(engine), "alice", DEFAULT_SUGGESTER)
    assert not folder.exists()  # nothing stored, and nothing half-written left beside it
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_the_matchers_f1_is_measured_again_after_some_edits(qtbot, engine, make_window) -> None:
    ids, texts = corpus(engine, annotated=6)
    assert heldout(texts[0])
    window = open_on(make_window, qtbot, ids[0])
    before = window.status_bar.suggesters.text()
    assert before.startswith(f"strings ready, F1 {matcher_f1(engine):.2f}")
    # Untag names in a held-out document: the matcher still finds them there, so its
    # held-out precision falls; the figure follows after every few edits.
    every = window.attached.MEASURE_EVERY
    for n, span_id in enumerate(sorted(window.attached.spans)[:every]):
        window.attached.set_current_span(span_id)  # a click in the span list
        if n < every - 1:
            key(qtbot, window, Qt.Key.Key_Delete)
            assert window.status_bar.suggesters.text() == before
            continue
        with qtbot.waitSignal(window.attached.measurer.finished, timeout=30_000):
            key(qtbot, window, Qt.Key.Key_Delete)
    after = window.status_bar.suggesters.text().split(" · ")[0]
    assert after != before.split(" · ")[0]
    assert re.fullmatch(rf"strings (ready, )?F1 {matcher_f1(engine):.2f}( \(below 0.50\))?", after)


def matcher_f1(engine: Engine) -> float:
    """The string matcher's held-out F1 on alice's documents as they stand."""
    examples = annotated_examples(engine, "alice")
    f1 = train_and_measure(examples, SUGGESTERS["strings"], "alice")[1].f1
    assert f1 is not None
    return f1


def test_a_rejection_in_another_window_is_taken_in(qtbot, engine, db_path, make_window) -> None:
    ids, _ = corpus(engine, annotated=6)
    window = open_on(make_window, qtbot, ids[6])
    other_engine = open_store(db_path)  # another program's window on the same database
    other = open_window(other_engine, "alice")
    assert other is not None
    qtbot.addWidget(other)
    other.show()
    other.attached.open_document(ids[6])
    trained(qtbot, other)
    assert shown(other) == shown(window)
    key(qtbot, other, Qt.Key.Key_Tab)
    key(qtbot, other, Qt.Key.Key_Tab)
    rejected = other.text_view.current_suggestion()
    key(qtbot, other, Qt.Key.Key_Backspace)
    assert rejected not in shown(other)
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.text_view.current_suggestion() == rejected
    with qtbot.waitSignal(window.attached.suggestionsChanged, timeout=10_000):
        pass  # the window notices the other's write (its timer, or coming to the front)
    assert shown(window) == shown(other) and rejected not in shown(window)
    assert window.text_view.current_suggestion() is None
    assert window.statusBar().currentMessage() == "This document was changed elsewhere; reloaded"
    other.close()
    other_engine.dispose()


UNSURE = {
    "names": "Heute trafen Ölmann Süßkind und Kästner Vögele die Gruppe Ärzte Ohne Grenzen in "
    "Überlingen 🙂. Dort sagte Wölfle Brandt: „Wir bleiben.“",
    "mixed": parse(
        TEMPLATE.format(i=77)
        .replace("Jürgen Weiß", "Mathilde Öztürk")
        .replace("Köln", "Gelsenkirchen")
    )[0],
    "plain": "ein langer tag ohne namen 🙂 und ohne orte, nur wörter über wörter.",
}


def test_go_to_the_documents_the_tagger_is_least_sure_of(qtbot, engine, make_window) -> None:
    ids, _ = corpus(engine, annotated=6, fresh=1)
    added = add_documents(engine, [Document(text=t, title=n) for n, t in UNSURE.items()]).ids
    unsure = dict(zip(UNSURE, added, strict=True))
    window = open_on(make_window, qtbot, ids[6])
    ws = window.attached
    with qtbot.waitSignal(ws.ranker.finished, timeout=30_000):  # ordered off the window's thread
        key(qtbot, window, Qt.Key.Key_J, CTRL | SHIFT)
    assert ws.document.id == unsure["names"]  # unseen names everywhere: the least sure
    key(qtbot, window, Qt.Key.Key_J, CTRL | SHIFT)  # the order is kept: no second ordering
    assert not ws.ranker.running and ws.document.id == unsure["mixed"]
    key(qtbot, window, Qt.Key.Key_Return, CTRL)  # done: never offered in that order again
    ws.open_document(unsure["names"])
    key(qtbot, window, Qt.Key.Key_J, CTRL | SHIFT)
    assert ws.document.id in {ids[6], unsure["plain"]}
    for doc_id in ids[:6]:  # annotated and done: not in the order
        ws.open_document(doc_id)
        key(qtbot, window, Qt.Key.Key_J, CTRL | SHIFT)
        assert ws.document.id == unsure["names"]
