"""The Review menu of the main window: the review window and the agreement view."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.documents import stored_id
from annotator.ui.cheat_sheet import Shortcut, shortcut_rows
from annotator.ui.main_window import MainWindow
from annotator.ui.review.agreement_view import AgreementView
from annotator.ui.review.window import ReviewWindow


def install_review(window: MainWindow) -> None:
    """Add "Review this document" (Ctrl+R) and "Agreement…" (Ctrl+Shift+G) to ``window``."""
    workspace = window.attached
    opened: list[ReviewWindow] = []

    def open_review() -> ReviewWindow:
        if not opened:
            review = ReviewWindow(workspace.engine, workspace.annotator, workspace.events.publish)
            workspace.events.changed.connect(review.on_change)
            window.destroyed.connect(review.close)
            opened.append(review)
            window.review_window = review
        review = opened[0]
        review.reviewer = workspace.annotator
        if workspace.document is not None:
            review.open_document(stored_id(workspace.document))
        review.show()
        review.raise_()
        review.activateWindow()
        return review

    def open_agreement() -> AgreementView:
        document = workspace.document
        shown = stored_id(document) if document else None
        view = AgreementView(workspace.engine, None, shown, window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        return view

    def review_keys() -> list[Shortcut]:
        """The review window's keys, read from a window made for the purpose if none is open."""
        if opened:
            return shortcut_rows(opened[0], {}, "Review")
        probe = ReviewWindow(workspace.engine, workspace.annotator)
        try:
            return shortcut_rows(probe, {}, "Review")
        finally:
            probe.deleteLater()

    window.shortcut_sources.append(review_keys)
    window.add_review_action("&Review this document", open_review, ["Ctrl+R"])
    window.add_review_action("&Agreement…", open_agreement, ["Ctrl+Shift+G"])
