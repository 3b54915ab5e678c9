"""Team work in the window: Ctrl+J follows the person's queue when the database has
assignments; the document list filters what is assigned to me and what is ready for review."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.store import open_store
from annotator.store.assignments import assign, progress
from annotator.store.status import Status, get_status, set_status
from annotator.ui.document_list import DOCUMENT_ID
from tests.crowded import TEXT

CTRL = Qt.KeyboardModifier.ControlModifier
TITLES = ("Zürich raid 🚨", "Señora Bass left — fast", "Paramount 44 people", "Late edition")


def _shown(browser) -> list[int]:
    model = browser.model
    return [model.index(row, 0).data(DOCUMENT_ID) for row in range(model.rowCount())]


def _filter(browser, name: str) -> None:
    browser.status_box.setCurrentIndex(browser.status_box.findText(name))


def test_ctrl_j_claims_from_my_queue_and_the_list_filters_it(
    qtbot, engine, db_path, make_window, add_docs
) -> None:
    ids = add_docs(*(f"{title}\n{TEXT}" for title in TITLES))
    assign(engine, ["alice", "bob"], per_document=1, documents=ids[:3], seed=2)
    mine = [d for d in ids[:3] if d in _assigned(engine, "alice")]
    window = make_window()
    browser = window.browser
    _filter(browser, "Assigned to me")
    assert _shown(browser) == mine
    bar = browser.progress
    assert (bar.value(), bar.maximum(), bar.text()) == (
        0,
        len(mine),
        f"0 of {len(mine)} assigned done",
    )
    opened = []
    for _ in mine:
        qtbot.keyClick(window.text_view, Qt.Key.Key_J, CTRL)
        opened.append(window.workspace.document.id)
        qtbot.keyClick(window.text_view, Qt.Key.Key_Return, CTRL)  # done, and on
    assert sorted(opened) == mine
    assert all(get_status(engine, d, "alice") == Status.DONE for d in mine)
    assert bar.text() == f"{len(mine)} of {len(mine)} assigned done"  # not of all documents
    qtbot.keyClick(window.text_view, Qt.Key.Key_J, CTRL)
    assert "Nothing left in your queue" in window.statusBar().currentMessage()
    person = {p.name: p for p in progress(engine).people}["alice"]
    assert (person.assigned, person.claimed, person.done) == (len(mine), len(mine), len(mine))

    _filter(browser, "Ready for review")
    assert _shown(browser) == mine  # bob has finished nothing yet
    bob = open_store(db_path)  # bob's app, elsewhere
    for document in ids[:3]:
        if document not in mine:
            set_status(bob, document, "bob", Status.DONE)
    bob.dispose()
    window.workspace.reload_if_changed_elsewhere()
    assert _shown(browser) == ids[:3]


def _assigned(engine, name: str) -> list[int]:
    from annotator.store.document_list import DocumentQuery, count_matching, page_ids

    query = DocumentQuery(name, assigned=True)
    return page_ids(engine, query, 0, 100, count_matching(engine, query))
