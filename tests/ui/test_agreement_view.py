"""The agreement view as a reviewer reads it: value labels, the pinned overall row, the
summary's counts and the chart exported as a PNG."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.core.documents import Document
from annotator.core.labels import Label
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.labels import save_label
from annotator.store.spans import add_span
from annotator.ui.review.agreement_view import AgreementView
from tests.crowd import add_crowd


def _view(qtbot, engine, annotators=None, document_id=None, size=(640, 560)) -> AgreementView:
    view = AgreementView(engine, annotators, document_id)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.mark.parametrize("size", [(640, 560), (420, 400), (1100, 700)])
def test_value_labels_are_short_apart_and_inside_the_chart(qtbot, engine, size) -> None:
    add_crowd(engine)
    view = _view(qtbot, engine, size=size)
    labels = view.chart.value_labels()
    assert len(labels) == len(view.chart.bars()) > 6
    inside = view.chart.rect()
    for label in labels:
        assert label.text == "–" or len(label.text) == 4  # "0.67", "1.00": never a run-on
        assert inside.contains(label.rect.toAlignedRect()), label  # "1.00" is not clipped
    for a, b in itertools.combinations(labels, 2):
        assert not a.rect.intersects(b.rect), (a, b)


def test_a_perfect_score_is_written_whole_above_its_bar(qtbot, engine) -> None:
    add_crowd(engine, {"ana": [Span(0, 10, "actor")], "ben": [Span(0, 10, "actor")]})
    view = _view(qtbot, engine)
    texts = [label.text for label in view.chart.value_labels()]
    assert texts[:2] == ["1.00", "1.00"]
    top = view.chart.value_labels()[0].rect
    assert top.top() >= 0 and top.bottom() <= view.chart.height()


def test_the_overall_row_stays_in_view_with_many_labels(qtbot, engine) -> None:
    names = [f"kind{i}" for i in range(14)]
    for name in names:
        save_label(engine, Label(name, "#3d8fd6"))
    layers = {
        who: [Span(i * 4, i * 4 + 3, name) for i, name in enumerate(names)]
        for who in ("ana", "ben")
    }
    add_crowd(engine, layers, tail=" ".join("word" for _ in names))
    view = _view(qtbot, engine, size=(640, 460))
    last = view.model.rowCount() - 1
    assert view.model.headerData(last, Qt.Orientation.Vertical) == "overall"
    assert view.table.isRowHidden(last)
    assert view.overall.isVisible()
    assert not view.overall.isRowHidden(last)
    assert [r for r in range(last + 1) if not view.overall.isRowHidden(r)] == [last]
    row = view.overall.visualRect(view.model.index(last, 1))
    assert view.overall.viewport().rect().contains(row)
    view.table.scrollToBottom()
    assert (
        view.overall.viewport().rect().contains(view.overall.visualRect(view.model.index(last, 1)))
    )


def test_summary_counts_pairs_with_data_and_says_one_document(qtbot, engine) -> None:
    texts = ["ICE came to Paramount today.", "Bass spoke in Paramount."]
    ids = add_documents(engine, [Document(text=t, title=t[:8]) for t in texts]).ids
    add_span(engine, ids[0], "ana", Span(0, 3, "agency"))
    add_span(engine, ids[0], "ben", Span(0, 3, "agency"))
    add_span(engine, ids[1], "cy", Span(0, 4, "actor"))  # cy has nothing in the first
    view = _view(qtbot, engine, ["ana", "ben", "cy"], ids[0])
    assert view.summary.text() == "ana, ben, cy · 1 document · mean over 1 pair"


def test_the_chart_exports_as_a_png(qtbot, engine, tmp_path, monkeypatch) -> None:
    add_crowd(engine)
    view = _view(qtbot, engine)
    target = tmp_path / "figures"
    monkeypatch.setattr(
        "annotator.ui.review.agreement_view.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), "PNG images (*.png)"),
    )
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    image = QImage(str(tmp_path / "figures.png"))
    assert not image.isNull()
    assert image.width() == view.chart.width() * view.chart.devicePixelRatio()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 3  # bars, text and grid, not a blank grab
