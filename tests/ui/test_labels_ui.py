"""Label colours and the guideline pane, through the main window's widgets."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.labels import LABEL_PALETTE, Label, next_label_color
from annotator.core.spans import Span
from annotator.store.labels import get_schema, save_label
from annotator.store.spans import add_span
from tests.ui.conftest import click_word, select_text

TEXT = "«Não», disse Karen Bass 🇺🇸 em Los Ángeles, onde o ICE prendeu 44 pessoas."


def test_new_labels_get_distinct_palette_colours() -> None:
    in_use = ["#e8833a", "#3d8fd6"]
    chosen = []
    for _ in range(len(LABEL_PALETTE)):
        colour = next_label_color([*in_use, *chosen])
        assert colour in LABEL_PALETTE
        chosen.append(colour)
    assert len(set(chosen)) == len(LABEL_PALETTE)
    assert next_label_color([]) == LABEL_PALETTE[0]
    assert next_label_color(LABEL_PALETTE) in LABEL_PALETTE  # all taken: reused in turn


def test_the_label_dialog_offers_a_colour_no_label_has(qtbot, engine, make_window, add_docs):
    add_docs(TEXT)
    window = make_window()
    added: list[str] = []

    def fill(names: list[str]) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, lambda: fill(names))
            return
        for name in names:
            qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
            dialog.name.setText(name)
            added.append(dialog.color.text())
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        dialog.reject()

    QTimer.singleShot(0, lambda: fill(["event", "weapon", "date"]))
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.text_view, Qt.Key.Key_L, ctrl_shift)  # Edit > Labels…
    colours = [label.color for label in get_schema(engine)]
    assert [label.name for label in get_schema(engine)][-3:] == ["event", "weapon", "date"]
    assert colours[-3:] == added
    assert len(set(colours)) == len(colours)  # no two labels share a colour
    assert all(colour in LABEL_PALETTE for colour in added)


def test_the_guideline_pane_follows_the_span_the_pointer_and_the_key(
    qtbot, engine, make_window, add_docs
) -> None:
    (doc,) = add_docs(TEXT)
    ice = TEXT.index("ICE")
    add_span(engine, doc, "alice", Span(ice, ice + 3, "agency"))
    save_label(engine, Label("event", "#9c755f", "", "Things that happen: <b>raids</b>, arrests."))
    window = make_window()
    pane = window.guideline
    assert pane.text.text().startswith("Select a span")
    click_word(qtbot, window.text_view, ice + 1)
    assert pane.title.text() == "Guideline · agency"
    assert pane.text.text() == get_schema(engine)["agency"].guideline
    start = TEXT.index("Karen Bass")
    select_text(qtbot, window.text_view, start, start + len("Karen Bass"))
    qtbot.keyClick(window.text_view, Qt.Key.Key_1)
    assert pane.title.text() == "Guideline · actor"
    view = window.palette_view
    row = view.visualRect(view.model().index(len(get_schema(engine)) - 1, 0))
    qtbot.mouseMove(view.viewport(), row.center())
    qtbot.mouseMove(view.viewport(), row.center() + QPoint(1, 1))
    qtbot.waitUntil(lambda: pane.title.text() == "Guideline · event")
    assert pane.text.text() == "Things that happen: <b>raids</b>, arrests."  # plain text
    assert pane.text.textFormat() == Qt.TextFormat.PlainText
