"""The review window: every annotator's spans on one document merged, and the gold layer.

Spans all visible annotators share are drawn in their label colour; a span only some have is
drawn in red with their names in its caption, so disagreements stand out at a glance. The
reviewer walks the disagreements (N / P), accepts one annotator's version (1-9), rejects
them all (X), edits the gold span (E), or accepts every agreed span at once (A). Every step
is committed to the store, published, and undoable (Ctrl+Z).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.core.review import Gold, Group
from annotator.core.spans import Span
from annotator.store.changes import Change
from annotator.store.documents import get_document
from annotator.store.labels import get_schema
from annotator.store.review import (
    accept_agreed,
    accept_version,
    mark_reviewed,
    reject_all,
    reviewed_documents,
    swap_gold,
)
from annotator.ui.plain import one_line
from annotator.ui.review.agreement_view import AgreementView
from annotator.ui.review.commands import AddNote, GoldCommand
from annotator.ui.review.edit_dialog import EditGoldDialog
from annotator.ui.review.spans import ReviewSpanModel
from annotator.ui.review.state import ReviewState, load_state
from annotator.ui.text import AnnotatedTextView

DISPUTED_COLOR = "#d64541"
MAX_VERSION_KEYS = 9


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    caption = QLabel(title)
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setStyleSheet("font-weight: 600; padding: 2px 4px;")
    layout.addWidget(caption)
    layout.addWidget(widget)
    return box


class ReviewWindow(QMainWindow):
    """Review one document at a time; ``publish`` carries each committed change out."""

    def __init__(
        self,
        engine: Engine,
        reviewer: str,
        publish: Callable[[Change], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.reviewer = reviewer
        self._publish_out = publish
        self.document_id: int | None = None
        self._text = ""
        self._hidden: set[str] = set()
        self.state: ReviewState | None = None
        self._current = 0
        self._labels = get_schema(engine)
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("Review")

        self.merged = AnnotatedTextView(self)
        self.gold = AnnotatedTextView(self)
        self.span_model = ReviewSpanModel(self)
        self.span_list = QTableView(self)
        self.span_list.setModel(self.span_model)
        self.span_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.span_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.span_list.verticalHeader().hide()
        self.span_list.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.span_list.horizontalHeader().setStretchLastSection(True)
        self.span_list.clicked.connect(self._on_row_clicked)

        self.decision = QLabel(self)
        self.decision.setTextFormat(Qt.TextFormat.PlainText)
        self.decision.setWordWrap(True)
        self.decision.setMinimumHeight(90)
        self.decision.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.decision.setStyleSheet("padding: 6px; border-radius: 4px; background: palette(base);")
        self.document_notes = QLabel(self)
        self.document_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.document_notes.setWordWrap(True)
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("Note on the selected span, or on the document")
        self.note_edit.returnPressed.connect(self.add_note)
        self.buttons: dict[str, QPushButton] = {}

        self._build_actions()
        self._build_layout()
        self.resize(1280, 800)

    # ----- building -------------------------------------------------------------------------

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.review_menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.review_menu = self.menuBar().addMenu("&Review")
        self.next_action = self._action("&Next disagreement", "N", self.next_disagreement)
        self.previous_action = self._action(
            "&Previous disagreement", "P", self.previous_disagreement
        )
        self.review_menu.addSeparator()
        self.accept_actions = [
            self._action(f"Accept version {k}", str(k), lambda k=k: self.accept(k - 1))
            for k in range(1, MAX_VERSION_KEYS + 1)
        ]
        self.reject_action = self._action("&Reject all versions", "X", self.reject)
        self.edit_action = self._action("&Edit gold span…", "E", self.edit)
        self.agreed_action = self._action("Accept all &agreed spans", "A", self.accept_all_agreed)
        self.review_menu.addSeparator()
        self.note_action = self._action("Add a n&ote", "Ctrl+M", self.note_edit.setFocus)
        self.reviewed_action = self._action(
            "&Mark document reviewed", "Ctrl+Return", self.toggle_reviewed
        )
        self.agreement_action = self._action("A&greement…", "Ctrl+G", self.show_agreement)
        self.review_menu.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            self.addAction(action)
            self.review_menu.addAction(action)
        self.undo_action, self.redo_action = undo, redo

    def _build_layout(self) -> None:
        self.layers_bar = QToolBar("Layers", self)
        self.layers_bar.setObjectName("review-layers")
        self.addToolBar(self.layers_bar)
        self.layer_boxes: dict[str, QCheckBox] = {}

        panel = QWidget(self)
        side = QVBoxLayout(panel)
        side.addWidget(self.decision)
        row = QHBoxLayout()
        for key, text, action in (
            ("previous", "◀ Previous (P)", self.previous_action),
            ("next", "Next (N) ▶", self.next_action),
            ("reject", "Reject all (X)", self.reject_action),
            ("edit", "Edit… (E)", self.edit_action),
            ("agreed", "Accept agreed (A)", self.agreed_action),
        ):
            button = QPushButton(text, panel)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(action.trigger)
            self.buttons[key] = button
            row.addWidget(button)
        side.addLayout(row)
        self.versions_row = QHBoxLayout()
        side.addLayout(self.versions_row)
        side.addWidget(self.span_list, 1)
        side.addWidget(self.document_notes)
        side.addWidget(self.note_edit)

        texts = QSplitter(Qt.Orientation.Vertical, self)
        texts.addWidget(_titled("Annotators (red: not everyone has it)", self.merged))
        texts.addWidget(_titled("Gold", self.gold))
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(texts)
        main.addWidget(panel)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setSizes([600, 400])
        self.setCentralWidget(main)

    # ----- opening and refreshing -----------------------------------------------------------

    def open_document(self, document_id: int) -> None:
        document = get_document(self.engine, document_id)
        self.document_id = document_id
        self._text = document.text
        self._current = 0
        self.undo_stack.clear()
        self.setWindowTitle(f"Review — {document.title}")
        self._reload(new_document=True)
        self._show_current()

    def on_change(self, change: Change) -> None:
        """Refresh when a change names this document (or the labels)."""
        if change.labels:
            self._labels = get_schema(self.engine)
        if self.document_id is not None and (
            self.document_id in change.documents
            or self.document_id in change.statuses
            or change.labels
        ):
            self._reload()

    def _publish(self, change: Change) -> None:
        if self._publish_out is not None:
            self._publish_out(change)
        else:
            self.on_change(change)

    def _colors(self) -> dict[str, str]:
        colors = {label.name: label.color for label in self._labels}
        for row in self.state.rows() if self.state else ():
            if row.disputed and row.who:
                colors[self._merged_label(row.span.label, row.who)] = DISPUTED_COLOR
        return colors

    def _merged_label(self, label: str, who: tuple[str, ...]) -> str:
        return f"{label} · {', '.join(who)}"

    def _reload(self, new_document: bool = False) -> None:
        previous = self.current_group()
        self.state = load_state(self.engine, self.document_id, sorted(self._hidden))
        self._sync_layer_boxes()
        merged = [
            Span(
                r.span.start,
                r.span.end,
                self._merged_label(r.span.label, r.who) if r.disputed else r.span.label,
                id=r.ids[0],
            )
            for r in self.state.rows()
            if r.who
        ]
        gold = [g.span for g in self.state.gold]
        colors = self._colors()
        if new_document:
            self.merged.set_document(self._text, merged, colors)
            self.gold.set_document(self._text, gold, colors)
        else:
            self.merged.set_colors(colors)
            self.merged.set_spans(merged)
            self.gold.set_colors(colors)
            self.gold.set_spans(gold)
        self.span_model.set_state(self._text, self.state)
        notes = self.state.document_notes()
        self.document_notes.setText(
            "\n".join(f"{n.annotator}: {n.text}" for n in notes) if notes else ""
        )
        self.document_notes.setVisible(bool(notes))
        disagreements = self.state.disagreements
        if previous is not None and disagreements:
            starts = [g.start for g in disagreements]
            self._current = min(
                range(len(starts)), key=lambda i: (abs(starts[i] - previous.start), i)
            )
        self._current = max(0, min(self._current, len(disagreements) - 1))
        self._show_current(scroll=False)

    def _sync_layer_boxes(self) -> None:
        for name in self.state.annotators:
            if name not in self.layer_boxes:
                box = QCheckBox(name, self)
                box.setChecked(name not in self._hidden)
                box.toggled.connect(lambda on, name=name: self.set_layer_visible(name, on))
                self.layer_boxes[name] = box
                self.layers_bar.addWidget(box)
        for number, name in enumerate(self.state.annotators, start=1):
            self.layer_boxes[name].setToolTip(f"Show {name}'s spans (Alt+{number})")
            self.layer_boxes[name].setShortcut(QKeySequence(f"Alt+{number}"))

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide one annotator's layer; groups are worked out over the visible ones."""
        (self._hidden.discard if visible else self._hidden.add)(name)
        box = self.layer_boxes.get(name)
        if box is not None and box.isChecked() != visible:
            box.setChecked(visible)
            return
        if self.document_id is not None:
            self._reload()

    # ----- walking disagreements ------------------------------------------------------------

    def current_group(self) -> Group | None:
        if self.state is None or not self.state.disagreements:
            return None
        return self.state.disagreements[min(self._current, len(self.state.disagreements) - 1)]

    def next_disagreement(self) -> None:
        self._step(1)

    def previous_disagreement(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        count = len(self.state.disagreements) if self.state else 0
        if count:
            self._current = (self._current + delta) % count
            self._show_current()

    def _show_current(self, scroll: bool = True) -> None:
        group = self.current_group()
        self._fill_versions(group)
        if group is None:
            agreed = len(self.state.groups) if self.state else 0
            self.decision.setText(
                "No disagreements among the visible annotators."
                + (f"\n{agreed} agreed groups: accept them all with A." if agreed else "")
            )
            self._update_status()
            return
        count = len(self.state.disagreements)
        lines = [f"Disagreement {self._current + 1} of {count}: “{self._excerpt(group)}”"]
        for number, (name, spans) in enumerate(group.versions.items(), start=1):
            shown = "; ".join(f"{s.label} “{self._words(s)}”" for s in spans) or "nothing"
            lines.append(f"  {number}  {name}: {shown}")
        gold = self.state.gold_in(group)
        decided = "; ".join(
            f"{g.span.label} “{self._words(g.span)}” ({', '.join(g.sources) or 'reviewer'})"
            for g in gold
        )
        lines.append(f"Gold: {decided or 'none yet'}")
        self.decision.setText("\n".join(lines))
        if scroll:
            self.merged.select_range(group.start, group.end)
            self.gold.select_range(group.start, group.end)
            row = self.span_model.row_of_span(group.start, group.end)
            if row is not None:
                self.span_list.selectRow(row)
        self._update_status()

    def _fill_versions(self, group: Group | None) -> None:
        while self.versions_row.count():
            item = self.versions_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        if group is None:
            return
        for number, name in enumerate(group.versions, start=1):
            if number > MAX_VERSION_KEYS:
                break
            button = QPushButton(f"Accept {name} ({number})", self)
            button.setObjectName(f"accept-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(self.accept_actions[number - 1].trigger)
            self.versions_row.addWidget(button)

    def _excerpt(self, group: Group) -> str:
        return one_line(self._text[group.start : group.end], 80)

    def _words(self, span: Span) -> str:
        return one_line(self._text[span.start : span.end], 40)

    def _update_status(self) -> None:
        if self.state is None:
            return
        reviewed = self.document_id in reviewed_documents(self.engine)
        self.reviewed_action.setText(
            "Reopen review of this document" if reviewed else "&Mark document reviewed"
        )
        self.statusBar().showMessage(
            f"{len(self.state.disagreements)} disagreements · "
            f"{len(self.state.groups) - len(self.state.disagreements)} agreed · "
            f"gold: {len(self.state.gold)} spans" + (" · reviewed" if reviewed else "")
        )

    def _on_row_clicked(self, index) -> None:
        row = self.span_model.row_at(index.row())
        if row is None or self.state is None:
            return
        for i, group in enumerate(self.state.disagreements):
            if group.start < row.span.end and row.span.start < group.end:
                self._current = i
                self._show_current(scroll=False)
                break

    # ----- decisions ------------------------------------------------------------------------

    def _push(self, text: str, action) -> None:
        self.undo_stack.push(GoldCommand(self.engine, self._publish, self._report, text, action))

    def _report(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def accept(self, version: int) -> None:
        """Accept the ``version``-th annotator's spans (0-based) for the current group."""
        group = self.current_group()
        if group is None or version >= len(group.versions):
            return
        name = list(group.versions)[version]
        doc, start, end = self.document_id, group.start, group.end
        self._push(
            f"accept {name}'s version",
            lambda: accept_version(self.engine, doc, start, end, name),
        )

    def reject(self) -> None:
        group = self.current_group()
        if group is None:
            return
        doc, start, end = self.document_id, group.start, group.end
        self._push("reject all versions", lambda: reject_all(self.engine, doc, start, end))

    def accept_all_agreed(self) -> None:
        if self.state is None:
            return
        doc, visible = self.document_id, list(self.state.visible)
        self._push("accept agreed spans", lambda: accept_agreed(self.engine, doc, visible))

    def edit(self) -> None:
        """Set the current disagreement's gold to one span of the reviewer's choosing."""
        group = self.current_group()
        if group is None:
            return
        gold = self.state.gold_in(group)
        first = next((spans[0] for spans in group.versions.values() if spans), None)
        start_from = gold[0].span if gold else first
        dialog = EditGoldDialog(self._text, start_from, self._labels.names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        doc, replaced = self.document_id, [g.span.key for g in gold]

        def apply() -> None:
            chosen = Gold(dialog.span())
            self._push("edit gold span", lambda: swap_gold(self.engine, doc, replaced, [chosen]))

        dialog.accepted.connect(apply)
        self.edit_dialog = dialog
        dialog.open()

    def show_agreement(self) -> AgreementView:
        """The agreement table and chart for this document (and, on request, the corpus)."""
        visible = list(self.state.visible) if self.state else None
        view = AgreementView(self.engine, visible, self.document_id, self)
        self.agreement_view = view
        view.show()
        return view

    def toggle_reviewed(self) -> None:
        if self.document_id is None:
            return
        reviewed = self.document_id in reviewed_documents(self.engine)
        self._publish(mark_reviewed(self.engine, self.document_id, not reviewed))

    def add_note(self) -> None:
        text = self.note_edit.text()
        if not text.strip() or self.document_id is None:
            return
        selected = self.span_list.selectionModel().selectedRows()
        row = self.span_model.row_at(selected[0].row()) if selected else None
        span_id = row.note_target if row is not None else None
        self.undo_stack.push(
            AddNote(
                self.engine,
                self._publish,
                self._report,
                self.document_id,
                self.reviewer,
                text,
                span_id,
            )
        )
        self.note_edit.clear()
        self.span_list.setFocus()
