"""A team file in the app: an annotator who tries to review is told in one line that only
a reviewer may, and the gold layer stays as it was; a reviewer's decision is stored."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.spans import Span
from annotator.store.permissions import Role, act_as
from annotator.store.review import gold_layer
from annotator.store.spans import add_span
from annotator.store.users import add_user
from tests.ui.conftest import select_text

CTRL = Qt.KeyboardModifier.ControlModifier


def _activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _open_review(qtbot, window):
    _activate(qtbot, window)
    qtbot.keyClick(window.text_view, Qt.Key.Key_R, CTRL)
    review = window.review_window
    qtbot.addWidget(review)
    qtbot.waitExposed(review)
    _activate(qtbot, review)
    return review


def test_an_annotator_cannot_write_gold_a_reviewer_can(qtbot, engine, make_window, add_docs):
    doc = add_docs("ICE came to Paramount — Señora Bass 🙂 spoke.")[0]
    add_user(engine, "alice")
    add_user(engine, "ben")
    add_user(engine, "rita", Role.REVIEWER)
    act_as(engine, "ben")
    add_span(engine, doc, "ben", Span(0, 3, "agency"))
    window = make_window("alice")
    select_text(qtbot, window.text_view, 0, 3)
    qtbot.keyClick(window.text_view, Qt.Key.Key_1)  # alice's own layer: stored
    review = _open_review(qtbot, window)
    qtbot.keyClick(review.span_list, Qt.Key.Key_N)  # to the disagreement
    qtbot.keyClick(review.span_list, Qt.Key.Key_1)  # accept alice's version
    message = review.statusBar().currentMessage()
    assert message.startswith("Not saved: alice may not change the gold layer: only a reviewer")
    assert "\n" not in message
    assert gold_layer(engine, doc) == []
    review.close()

    window.workspace.set_annotator("rita")
    review = _open_review(qtbot, window)
    qtbot.keyClick(review.span_list, Qt.Key.Key_N)
    qtbot.keyClick(review.span_list, Qt.Key.Key_2)  # accept ben's version
    assert [(g.span.start, g.span.label) for g in gold_layer(engine, doc)] == [(0, "agency")]
