"""The document list: columns that fit the pane, a message when a filter matches nothing,
and a progress bar of this annotator's finished documents."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.store.status import Status, set_status
from tests.crowded import TEXT

CTRL = Qt.KeyboardModifier.ControlModifier
TITLES = (
    "US Immigration and Customs Enforcement raids in Paramount",
    "Karen Bass says ICE will not take 44 people 🙂",
    "Señora Bass left — fast",
)


def _add(add_docs) -> list[int]:
    return add_docs(*(f"{title}\n{TEXT}" for title in TITLES))


def test_the_progress_bar_counts_done_and_set_aside_documents(
    qtbot, engine, make_window, add_docs
) -> None:
    first, second, _third = _add(add_docs)
    set_status(engine, second, "alice", Status.DONE)
    set_status(engine, second, "bob", Status.FLAGGED)  # another annotator's status
    window = make_window()
    bar = window.browser.progress
    assert (bar.value(), bar.maximum(), bar.text()) == (1, 3, "1 of 3 done")
    assert window.workspace.document.id == first
    qtbot.keyClick(window.text_view, Qt.Key.Key_K, CTRL)
    assert (bar.value(), bar.text()) == (2, "1 of 3 done · 1 set aside")
    qtbot.keyClick(window.text_view, Qt.Key.Key_Return, CTRL)
    assert (bar.value(), bar.text()) == (3, "2 of 3 done · 1 set aside")
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert (bar.value(), bar.text()) == (2, "1 of 3 done · 1 set aside")


def test_a_filter_matching_nothing_says_so(qtbot, engine, make_window, add_docs) -> None:
    _add(add_docs)
    window = make_window()
    browser = window.browser
    qtbot.keyClicks(browser.filter_box, "zurich")
    qtbot.keyClick(browser.filter_box, Qt.Key.Key_Return)
    assert browser.model.rowCount() == 0
    assert browser.empty_note.isVisible() and not browser.table.isVisible()
    assert "No documents match “zurich” in the title" in browser.empty_note.text()
    browser.status_box.setCurrentIndex(browser.status_box.findText("Done"))
    assert "“zurich” in the title and the filter “Done”" in browser.empty_note.text()
    browser.filter_box.clear()
    qtbot.keyClick(browser.filter_box, Qt.Key.Key_Return)
    assert "No documents match the filter “Done”" in browser.empty_note.text()
    browser.status_box.setCurrentIndex(0)
    assert browser.model.rowCount() == 3
    assert browser.table.isVisible() and not browser.empty_note.isVisible()


def test_titles_status_and_spans_fit_at_900_and_1440_pixels(
    qtbot, engine, make_window, add_docs
) -> None:
    _add(add_docs)
    window = make_window()
    table = window.browser.table
    for width, height in ((900, 600), (1440, 900)):
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        header = table.horizontalHeader()
        right = header.sectionViewportPosition(3) + header.sectionSize(3)
        assert right <= table.viewport().width()
        assert header.sectionSize(0) >= (100 if width < 1000 else 180)
        assert window.text_view.width() >= width * 0.4  # the article keeps room to read
        for column in (2, 3):
            rect = table.visualRect(table.model().index(0, column))
            assert rect.width() > table.fontMetrics().horizontalAdvance("◐") + 10
            assert rect.right() <= table.viewport().width()
        status = table.model().index(0, 2)
        assert (status.data(), status.data(Qt.ItemDataRole.ToolTipRole)) == ("○ new", "new")
