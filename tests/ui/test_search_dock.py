"""The corpus dock (Ctrl+Shift+F): hits in context open their document with the hit selected
(emoji text), Tag all hits is one undoable step that skips hits already tagged, the
concordance relabels and deletes a group of spans undoably, checks open their cases, and a
runaway regex is stopped without freezing the window."""

from __future__ import annotations

import runpy
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.search import TextQuery
from annotator.core.spans import Span
from annotator.session import hit_pages
from annotator.store import concordance as store_concordance
from annotator.store.spans import add_span, document_spans
from annotator.ui.search import background, concordance_tab, guard
from annotator.ui.search.hits_model import (
    DOCUMENT,
    HIT,
    LABELS,
    LEFT,
    MATCH,
    RIGHT_CONTEXT,
    SearchHitsModel,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NAME = "Karen Bass"
TEXTS = (
    "Quiet day\n🙂🙂 Nothing happened in Downey today.",
    "Mayor 🎉\n🇺🇸 Karen Bass 🎉 said: “Karen Bass will not stand for this.”",
    "Raids\nZoë Ruiz met KAREN BASS in Downey; 44 people were taken. Karen Bassett too.",
)


def _press(qtbot, window, clicked, seen: list[str], button=QMessageBox.StandardButton.Yes):
    """Click ``clicked``; when the question box it opens shows, note its text and press
    ``button``; then give the window its keys back (offscreen, nothing else does)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(clicked, Qt.MouseButton.LeftButton)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.text_view.setFocus()


def _search(qtbot, window, text: str, **options: bool) -> None:
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    tab = window.search_dock.search
    assert QApplication.focusWidget() is tab.field
    for name, on in options.items():
        getattr(tab, f"{name}_box").setChecked(on)
    tab.field.clear()
    qtbot.keyClicks(tab.field, text)
    qtbot.keyClick(tab.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not tab.searching, timeout=10_000)


def _rows(model) -> list[tuple[str, ...]]:
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def _keys(engine, doc, who="alice") -> set[tuple[int, int, str]]:
    return {span.key for span in document_spans(engine, doc, who)}


def test_hits_in_context_open_their_document_selected(
    qtbot, engine, make_window, add_docs, qtmodeltester
) -> None:
    _quiet, mayor, raids = add_docs(*TEXTS)
    quote = TEXTS[1].index("“")
    add_span(engine, mayor, "alice", Span(quote, len(TEXTS[1]), "quote"))
    window = make_window()
    _search(qtbot, window, NAME, word=True)
    tab = window.search_dock.search
    assert tab.summary.text() == "3 hits"
    rows = _rows(tab.model)
    assert [row[MATCH] for row in rows] == ["Karen Bass", "Karen Bass", "KAREN BASS"]
    assert rows[0][LEFT].endswith("🇺🇸")
    assert rows[0][RIGHT_CONTEXT].startswith("🎉 said")
    assert [row[LABELS] for row in rows] == ["", "quote", ""]
    assert rows[2][DOCUMENT] == "Raids"
    qtmodeltester.check(tab.model)

    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(2, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert window.workspace.document.id == raids
    start = TEXTS[2].index("KAREN")
    assert window.text_view.selected_range() == (start, start + len(NAME))
    assert QApplication.focusWidget() is window.text_view
    qtbot.keyClick(window.text_view, Qt.Key.Key_1)  # the selected hit is tagged as any selection
    assert _keys(engine, raids) == {(start, start + len(NAME), "actor")}

    second = tab.model.index(1, MATCH)
    tab.table.scrollTo(second)
    point = tab.table.visualRect(second).center()
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.workspace.document.id == mayor
    start = TEXTS[1].index(NAME, quote)
    assert window.text_view.selected_range() == (start, start + len(NAME))


def test_filters_and_sorting(qtbot, engine, make_window, add_docs) -> None:
    _quiet, mayor, _raids = add_docs(*TEXTS)
    add_span(engine, mayor, "bob", Span(0, len(TEXTS[1]), "quote"))
    window = make_window()
    _search(qtbot, window, "Downey")
    tab = window.search_dock.search
    assert tab.summary.text() == "2 hits"
    tab.label_box.setCurrentIndex(tab.label_box.findData("quote"))
    _search(qtbot, window, NAME)
    assert tab.summary.text() == "2 hits"  # bob's quote covers the two in the mayor's text
    tab.label_box.setCurrentIndex(0)
    tab.date_from.setText("20x5")
    _search(qtbot, window, NAME)
    assert tab.summary.text().startswith("Cannot search: the date from")
    tab.date_from.clear()
    _search(qtbot, window, NAME)
    assert tab.summary.text() == "4 hits"
    tab.table.sortByColumn(RIGHT_CONTEXT, Qt.SortOrder.AscendingOrder)
    assert [row[RIGHT_CONTEXT][:3] for row in _rows(tab.model)] == ["ett", "in ", "wil", "🎉 s"]
    tab.table.sortByColumn(DOCUMENT, Qt.SortOrder.AscendingOrder)
    assert [row[DOCUMENT] for row in _rows(tab.model)] == ["Mayor 🎉"] * 2 + ["Raids"] * 2


def test_tag_all_hits_is_one_undoable_step(qtbot, engine, make_window, add_docs) -> None:
    _quiet, mayor, raids = add_docs(*TEXTS)
    first = TEXTS[1].index(NAME)
    add_span(engine, mayor, "alice", Span(first, first + len(NAME), "actor"))
    window = make_window()
    _search(qtbot, window, NAME, word=True)
    tab = window.search_dock.search
    tab.tag_label_box.setCurrentIndex(tab.tag_label_box.findData("actor"))
    seen: list[str] = []
    _press(qtbot, window, tab.tag_button, seen)
    assert seen[0].startswith("Tag 2 hits as actor for alice?")
    assert "1 hits already tagged actor are skipped" in seen[0]
    second = TEXTS[1].index(NAME, first + 1)
    third = TEXTS[2].index("KAREN")
    assert _keys(engine, mayor) == {(first, first + 10, "actor"), (second, second + 10, "actor")}
    assert _keys(engine, raids) == {(third, third + 10, "actor")}
    qtbot.waitUntil(lambda: [row[LABELS] for row in _rows(tab.model)] == ["actor"] * 3)

    qtbot.mouseClick(tab.tag_button, Qt.MouseButton.LeftButton)  # again: nothing to add
    assert tab.summary.text() == "Nothing to tag: every hit is already tagged actor"

    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert _keys(engine, mayor) == {(first, first + 10, "actor")}
    assert _keys(engine, raids) == set()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(_keys(engine, mayor)) == 2 and len(_keys(engine, raids)) == 1


def _concordance(qtbot, window, label: str | None) -> None:
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    dock = window.search_dock
    dock.tabs.setCurrentWidget(dock.concordance)
    tab = dock.concordance
    tab.label_box.setCurrentIndex(tab.label_box.findData(label))
    with qtbot.waitSignal(tab.reader.busyChanged, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(tab.show_button, Qt.MouseButton.LeftButton)


def _choose(table, model, text: str) -> None:
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == text)
    table.setCurrentIndex(model.index(row, 0))


def test_concordance_relabels_and_deletes_a_group_undoably(
    qtbot, engine, make_window, add_docs, qtmodeltester
) -> None:
    _quiet, mayor, raids = add_docs(*TEXTS)
    first = TEXTS[1].index(NAME)
    second = TEXTS[1].index(NAME, first + 1)
    zoe = TEXTS[2].index("Zoë Ruiz")
    for doc, who, span in (
        (mayor, "alice", Span(first, first + 10, "actor")),
        (mayor, "alice", Span(second, second + 10, "actor")),
        (mayor, "alice", Span(second - 1, len(TEXTS[1]), "quote")),
        (mayor, "bob", Span(first, first + 10, "actor")),
        (raids, "alice", Span(zoe, zoe + 8, "actor")),
    ):
        add_span(engine, doc, who, span)
    window = make_window()
    _concordance(qtbot, window, "actor")
    tab = window.search_dock.concordance
    rows = _rows(tab.model)
    assert rows[0] == (NAME, "3", "actor 3", "alice 2, bob 1")
    assert rows[1] == ("Zoë Ruiz", "1", "actor 1", "alice 1")
    qtmodeltester.check(tab.model)

    _choose(tab.table, tab.model, NAME)
    tab.relabel_box.setCurrentIndex(tab.relabel_box.findData("agency"))
    seen: list[str] = []
    _press(qtbot, window, tab.relabel_button, seen)
    assert seen[0].startswith(f"Relabel 2 of your spans covering “{NAME}” as agency?")
    assert "1 spans of other annotators stay as they are" in seen[0]
    assert {k for k in _keys(engine, mayor) if k[2] != "quote"} == {
        (first, first + 10, "agency"),
        (second, second + 10, "agency"),
    }
    assert _keys(engine, mayor, "bob") == {(first, first + 10, "actor")}
    qtbot.waitUntil(lambda: _rows(tab.model)[0] == (NAME, "1", "actor 1", "bob 1"))

    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert {k[2] for k in _keys(engine, mayor)} == {"actor", "quote"}
    qtbot.waitUntil(lambda: _rows(tab.model)[0][1] == "3")

    _choose(tab.table, tab.model, NAME)
    _press(qtbot, window, tab.delete_button, seen)
    assert seen[1].startswith(f"Delete 2 of your spans covering “{NAME}”?")
    assert _keys(engine, mayor) == {(second - 1, len(TEXTS[1]), "quote")}
    _choose(tab.table, tab.model, "Zoë Ruiz")
    _press(qtbot, window, tab.delete_button, seen, QMessageBox.StandardButton.No)  # no change
    assert _keys(engine, raids) == {(zoe, zoe + 8, "actor")}
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert len(_keys(engine, mayor)) == 3

    tab.table.setCurrentIndex(tab.model.index(1, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # opens the group's first span
    assert window.workspace.document.id == raids
    assert window.text_view.selected_range() == (zoe, zoe + 8)


def test_checks_list_opens_each_case(qtbot, engine, make_window, add_docs) -> None:
    _quiet, mayor, raids = add_docs(*TEXTS)
    first = TEXTS[1].index(NAME)
    upper = TEXTS[2].index("Downey")
    add_span(engine, mayor, "alice", Span(first, first + 10, "actor"))
    second = TEXTS[1].index(NAME, first + 1)
    add_span(engine, mayor, "alice", Span(second, second + 10, "agency"))
    add_span(engine, raids, "alice", Span(upper, upper + 6, "location"))
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    dock = window.search_dock
    dock.tabs.setCurrentWidget(dock.checks)
    tab = dock.checks
    with qtbot.waitSignal(tab.reader.busyChanged, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
        assert tab.summary.text() == "Checking…"
    cases = _rows(tab.cases)
    assert ("different labels", NAME, "actor 1, agency 1", "2") in cases
    tab.case_table.setFocus()
    row = cases.index(("different labels", NAME, "actor 1, agency 1", "2"))
    tab.case_table.setCurrentIndex(tab.cases.index(row, 0))
    assert [r[1:] for r in _rows(tab.places)] == [
        (f"{first:,}", "alice", "actor"),
        (f"{second:,}", "alice", "agency"),
    ]
    tab.place_table.setCurrentIndex(tab.places.index(1, 0))
    qtbot.keyClick(tab.place_table, Qt.Key.Key_Return)
    assert window.workspace.document.id == mayor
    assert window.text_view.selected_range() == (second, second + 10)


def test_a_runaway_regex_is_stopped_and_the_window_answers(
    qtbot, engine, make_window, add_docs, monkeypatch
) -> None:
    add_docs("Long\n" + "a" * 40 + "!", *TEXTS)
    monkeypatch.setattr(guard, "TIME_LIMIT_MS", 600)
    window = make_window()
    _search(qtbot, window, "(a+)+$", regex=True)
    tab = window.search_dock.search
    assert tab.summary.text() == "No results: stopped after 0 s: the pattern is too slow"
    assert tab.model.rowCount() == 0

    tab.field.clear()
    qtbot.keyClicks(tab.field, "(a+)+$")
    qtbot.keyClick(tab.field, Qt.Key.Key_Return)
    assert tab.cancel_button.isVisible()
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)  # the window answers
    assert tab.summary.text() == "No results: cancelled"
    assert not tab.cancel_button.isVisible()

    tab.field.clear()
    _search(qtbot, window, r"Karen\s+Bass(?:ett)?", regex=True, word=False)
    assert tab.summary.text() == "4 hits"
    assert [row[MATCH] for row in _rows(tab.model)][-1] == "Karen Bassett"


def _held(real, gate: threading.Event, held):
    """``real`` made to wait for ``gate`` when ``held(*args)`` says so (a slow read)."""

    def wrapper(*args, **kwargs):
        if held(*args):
            assert gate.wait(10)
        return real(*args, **kwargs)

    return wrapper


def test_the_window_answers_while_hits_are_read_and_a_newer_query_wins(
    qtbot, engine, make_window, add_docs, monkeypatch
) -> None:
    _quiet, mayor, _raids = add_docs(*TEXTS)
    add_span(engine, mayor, "alice", Span(0, len(TEXTS[1]), "quote"))
    gate = threading.Event()
    slow = _held(hit_pages.iter_hits, gate, lambda _engine, query, _f: query.text == "Downey")
    monkeypatch.setattr(hit_pages, "iter_hits", slow)
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    tab = window.search_dock.search
    tab.label_box.setCurrentIndex(tab.label_box.findData("quote"))
    qtbot.keyClicks(tab.field, "Downey")
    qtbot.keyClick(tab.field, Qt.Key.Key_Return)
    assert tab.summary.text() == "Searching…" and tab.model.rowCount() == 0
    qtbot.waitUntil(lambda: tab.job is None)  # the count's timer runs: the window answers
    assert tab.summary.text() == "0 hits, reading hits…" and tab.model.busy

    tab.field.clear()
    qtbot.keyClicks(tab.field, NAME)
    with qtbot.waitSignal(tab.model.pageRead):
        qtbot.keyClick(tab.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not tab.searching)
    assert tab.summary.text() == "2 hits"
    expected = [("Karen Bass", "quote"), ("Karen Bass", "quote")]
    assert [(row[MATCH], row[LABELS]) for row in _rows(tab.model)] == expected
    gate.set()  # the older read ends now; its answer is dropped
    assert background.wait_for_reads(5000)
    qtbot.wait(50)
    assert [(row[MATCH], row[LABELS]) for row in _rows(tab.model)] == expected
    assert tab.summary.text() == "2 hits"


def test_the_concordance_groups_in_the_background_and_the_last_choice_wins(
    qtbot, engine, make_window, add_docs, monkeypatch
) -> None:
    _quiet, mayor, raids = add_docs(*TEXTS)
    add_span(engine, mayor, "alice", Span(0, len(TEXTS[1]), "quote"))
    zoe = TEXTS[2].index("Zoë Ruiz")
    add_span(engine, raids, "alice", Span(zoe, zoe + 8, "actor"))
    gate = threading.Event()
    slow = _held(store_concordance.concordance, gate, lambda _engine, label, *_: label == "actor")
    monkeypatch.setattr(concordance_tab, "concordance", slow)
    window = make_window()
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, CTRL | SHIFT)
    dock = window.search_dock
    dock.tabs.setCurrentWidget(dock.concordance)
    tab = dock.concordance
    tab.label_box.setCurrentIndex(tab.label_box.findData("actor"))
    qtbot.mouseClick(tab.show_button, Qt.MouseButton.LeftButton)
    assert tab.summary.text() == "Grouping…" and tab.reader.busy
    tab.label_box.setCurrentIndex(tab.label_box.findData("quote"))
    with qtbot.waitSignal(tab.reader.busyChanged, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(tab.show_button, Qt.MouseButton.LeftButton)
    assert [row[2] for row in _rows(tab.model)] == ["quote 1"]
    gate.set()
    assert background.wait_for_reads(5000)
    qtbot.wait(50)
    assert [row[2] for row in _rows(tab.model)] == ["quote 1"]
    assert tab.summary.text() == "1 span in 1 text"


def test_hits_are_read_page_by_page(qtbot, engine, add_docs, qtmodeltester) -> None:
    texts = [f"Item {i}\n" + "Karen Bass 🙂 and Karen Bass. " * 5 for i in range(50)]
    add_docs(*texts)
    model = SearchHitsModel(engine)
    with qtbot.waitSignal(model.pageRead):
        model.search(TextQuery(NAME))
        assert model.busy and model.rowCount() == 0 and not model.canFetchMore()
    assert model.rowCount() == SearchHitsModel.PAGE
    assert model.canFetchMore()
    with qtbot.waitSignal(model.pageRead):
        model.fetchMore()
    assert model.rowCount() == 2 * SearchHitsModel.PAGE
    qtmodeltester.check(model)  # it may fetch more itself
    qtbot.waitUntil(lambda: not model.busy)
    while model.canFetchMore():
        with qtbot.waitSignal(model.pageRead):
            model.fetchMore()
    assert model.rowCount() == 500
    hit = model.index(499, MATCH).data(HIT)
    assert texts[49][hit.start : hit.end] == NAME
    model.search(None)
    assert model.rowCount() == 0 and not model.canFetchMore()


def test_the_counting_process_does_not_start_the_app_again() -> None:
    """Counting processes import the main module again: ``python -m annotator`` must not run."""
    runpy.run_module("annotator.__main__", run_name="__mp_main__")
