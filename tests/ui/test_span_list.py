"""The span list: sorting by any column, a label filter with counts, columns that fit.

Sorting and filtering rearrange rows under the current span; the session's current span
must never change because of them, only because a person chose a row.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.ui.span_list import SPAN_ID, SPEAKER
from tests.crowded import SPANS, TEXT
from tests.ui.conftest import click_word

TEXT_COLUMN = 1


def _crowded(engine, make_window, add_docs):
    (doc,) = add_docs(TEXT)
    ids = [add_span(engine, doc, "alice", span)[0].id for span in SPANS]
    return make_window(), ids


def _column(table, column: int, role=Qt.ItemDataRole.DisplayRole) -> list:
    model = table.model()
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


def _click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _choose_filter(qtbot, combo, wanted: str) -> None:
    """Step through the combo with the arrow keys, as a person would, to the item ``wanted``."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(wanted):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"no filter item {wanted!r} in {combo.currentText()!r}")


def _current_row_span(table) -> int | None:
    index = table.currentIndex()
    return index.siblingAtColumn(0).data(SPAN_ID) if index.isValid() else None


def test_header_clicks_sort_by_label_text_and_offsets(qtbot, engine, make_window, add_docs) -> None:
    window, ids = _crowded(engine, make_window, add_docs)
    table = window.span_table
    in_span_order = [ids[SPANS.index(s)] for s in sorted(SPANS)]
    assert _column(table, 0, SPAN_ID) == in_span_order
    _click_header(qtbot, table, 0)
    labels = _column(table, 0)
    assert labels == sorted(labels)
    rows = zip(_column(table, 0, SPAN_ID), labels, strict=True)
    actors = [span_id for span_id, label in rows if label == "actor"]
    assert actors == [ids[0], ids[4], ids[7]]  # ties keep the text's order
    _click_header(qtbot, table, 0)
    assert _column(table, 0) == sorted(labels, reverse=True)
    _click_header(qtbot, table, 1)
    texts = _column(table, 1)
    assert texts == sorted(texts, key=str.casefold)
    assert texts[0] == "44 people"
    _click_header(qtbot, table, 2)
    assert _column(table, 0, SPAN_ID) == in_span_order


def test_sorting_and_filtering_never_change_the_current_span(
    qtbot, engine, make_window, add_docs
) -> None:
    window, ids = _crowded(engine, make_window, add_docs)
    table, view, workspace = window.span_table, window.text_view, window.workspace
    click_word(qtbot, view, TEXT.index("ICE") + 1)
    current = ids[3]  # the agency "ICE"
    assert workspace.current_span == current

    def unchanged() -> None:
        assert workspace.current_span == current
        assert view.current_span_id() == current

    for column in (0, 1, 2, 1, 0, 0, 2, 2):
        _click_header(qtbot, table, column)
        unchanged()
        assert _current_row_span(table) == current
    combo = table.label_filter
    _choose_filter(qtbot, combo, "actor")
    unchanged()
    assert set(_column(table, 0)) == {"actor"} and _current_row_span(table) is None
    _click_header(qtbot, table, 1)
    unchanged()
    _choose_filter(qtbot, combo, "agency")
    unchanged()
    assert _column(table, 0, SPAN_ID) == [current] and _current_row_span(table) == current
    _choose_filter(qtbot, combo, "All labels")
    unchanged()
    assert _current_row_span(table) == current
    assert table.model().rowCount() == len(SPANS)

    qtbot.keyClick(view, Qt.Key.Key_1)  # relabel as actor: the list re-sorts under it
    unchanged()
    assert _current_row_span(table) == current
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # only a person's key chooses another span
    assert workspace.current_span == _current_row_span(table) != current


def test_the_label_filter_counts_spans_and_keeps_up_with_edits(
    qtbot, engine, make_window, add_docs
) -> None:
    window, _ids = _crowded(engine, make_window, add_docs)
    combo = window.span_table.label_filter
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items[0] == "All labels (8)"
    assert "actor (3)" in items and "figure (2)" in items and "quote (1)" in items
    _choose_filter(qtbot, combo, "actor")
    click_word(qtbot, window.text_view, TEXT.index("Paramount") + 1)
    qtbot.keyClick(window.text_view, Qt.Key.Key_1)  # the location becomes an actor
    assert combo.currentText() == "actor (4)"
    assert combo.itemText(0) == "All labels (8)"
    assert window.span_table.model().rowCount() == 4
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
    assert combo.currentText() == "actor (3)" and combo.itemText(0) == "All labels (7)"
    assert window.span_table.model().rowCount() == 3


def test_offsets_are_never_clipped_in_a_long_document(qtbot, engine, make_window) -> None:
    text = "Zoë 🙂 said the mayor. " * 9000  # about 200,000 code points
    (doc,) = add_documents(engine, [Document(text=text, title="long")]).ids
    last = len(text) - len("mayor. ")
    add_span(engine, doc, "alice", Span(0, 3, "actor"))
    add_span(engine, doc, "alice", Span(last, last + 5, "actor"))
    window = make_window()
    window.resize(900, 600)
    table = window.span_table
    metrics = table.fontMetrics()
    for column in (0, 2):
        widest = max(metrics.horizontalAdvance(text) for text in _column(table, column))
        assert table.columnWidth(column) > widest + 12
    assert _column(table, 2)[-1] == f"{last}–{last + 5}"


def test_a_narrow_window_keeps_the_span_texts_readable(
    qtbot, engine, make_window, add_docs
) -> None:
    """At 900x600 the Speaker column gives way so the texts are not cut to "…"; a wide
    window shows it again."""
    window, _ids = _crowded(engine, make_window, add_docs)
    window.show()
    qtbot.waitExposed(window)
    table = window.span_table
    dozen = table.fontMetrics().averageCharWidth() * 12
    window.resize(900, 600)
    qtbot.waitUntil(lambda: table.isColumnHidden(SPEAKER))
    assert table.columnWidth(TEXT_COLUMN) >= dozen
    window.resize(1480, 920)
    qtbot.waitUntil(lambda: not table.isColumnHidden(SPEAKER))
    assert table.columnWidth(TEXT_COLUMN) >= dozen
    assert table.columnWidth(SPEAKER) > 0
