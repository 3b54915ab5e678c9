"""The item models behind the document list, the span list and the label palette."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store.document_list import DocumentQuery
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.ui.document_list import DocumentListModel
from annotator.ui.events import Events
from annotator.ui.label_palette import HOTKEY, LabelPaletteModel


def test_document_list_model_is_a_valid_model(qtmodeltester, qtbot, engine, add_docs) -> None:
    add_docs(*(f"Article {i}" for i in range(450)))
    window_owner = Events()
    model = DocumentListModel(engine, window_owner, DocumentQuery("alice"), window_owner)
    qtmodeltester.check(model)
    assert model.rowCount() == 450
    assert model.index(449, 0).data() == "Article 449"


def test_document_list_reads_only_the_pages_it_shows(engine) -> None:
    docs = [Document(text=f"Text {i}", title=f"Doc {i:05d}") for i in range(5000)]
    add_documents(engine, docs)
    events = Events()
    model = DocumentListModel(engine, events, DocumentQuery("alice"), events)
    assert model.rowCount() == 5000
    assert model.index(4999, 0).data() == "Doc 04999"
    assert len(model._pages) == 1
    model.set_query(DocumentQuery("alice", text="Doc 0499"))
    assert model.rowCount() == 10


def test_document_list_refreshes_the_rows_a_change_names(engine, add_docs) -> None:
    ids = add_docs("First article", "Second article")
    events = Events()
    model = DocumentListModel(engine, events, DocumentQuery("alice"), events)
    assert model.index(1, 3).data() == 0
    changed = []
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))
    _, change = add_span(engine, ids[1], "alice", Span(0, 6, "actor"))
    events.publish(change)
    assert changed == [1]
    assert model.index(1, 3).data() == 1
    assert "in progress" in model.index(1, 2).data()


def test_span_and_palette_models_are_valid(qtmodeltester, qtbot, make_window, add_docs) -> None:
    (doc,) = add_docs("ICE arrested at least 44 people in Paramount.")
    window = make_window()
    for span in (Span(0, 3, "agency"), Span(13, 31, "figure"), Span(35, 44, "location")):
        window.workspace.events.publish(add_span(window.workspace.engine, doc, "alice", span)[1])
    spans = window.span_table.model()
    qtmodeltester.check(spans)
    assert [spans.index(r, 0).data() for r in range(3)] == ["agency", "figure", "location"]
    assert spans.index(2, 1).data() == "Paramount"
    assert spans.index(2, 2).data() == "35–44"
    palette = LabelPaletteModel(window.workspace, window)
    qtmodeltester.check(palette)
    assert [palette.index(r, 0).data(HOTKEY) for r in range(5)] == list("12345")
    assert "quotation" in palette.index(4, 0).data(Qt.ItemDataRole.ToolTipRole)
