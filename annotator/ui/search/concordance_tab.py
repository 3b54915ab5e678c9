"""The Concordance tab: every span of a label and/or text, grouped by the text it covers,
with counts per label and annotator; a group of your spans is relabelled or deleted as one
undoable step after a confirmation that says how many spans change. The grouping reads in a
worker thread; the groups shown are those of the last filters asked for."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.consistency import TextSpan
from annotator.session.bulk import DeleteSpans, Relabel
from annotator.store.annotators import list_annotators
from annotator.store.changes import Change
from annotator.store.concordance import ConcordanceGroup, concordance, find_spans
from annotator.ui.search.background import Background
from annotator.ui.search.group_models import ROW, ConcordanceModel, plural
from annotator.ui.search.search_tab import ANY, combo, refill
from annotator.ui.tables import enable_sorting, setup_list_table
from annotator.ui.workspace import Workspace


class ConcordanceTab(QWidget):
    """``spanActivated`` asks to show the first of a group's spans (document, start, end)."""

    spanActivated = Signal(int, int, int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        labels = [label.name for label in workspace.schema]
        self._shown: tuple[str | None, str | None, str | None] = (None, None, None)
        """The label, text and annotator of the groups shown."""
        self._stale = False
        """Spans changed while the tab was hidden: group again when it shows."""
        self.label_box = combo(self, ANY, labels)
        self.text_field = QLineEdit(self)
        self.text_field.setPlaceholderText("Exact text (optional)")
        self.text_field.setClearButtonEnabled(True)
        self.annotator_box = combo(self, "Everyone", list_annotators(workspace.engine))
        self.show_button = QPushButton("Show", self)
        self.reader = Background(self)
        self.model = ConcordanceModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        setup_list_table(self.table, row_height=24)
        enable_sorting(self.table, 1, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.relabel_box = combo(self, None, labels)
        self.relabel_button = QPushButton("Relabel my spans…", self)
        self.delete_button = QPushButton("Delete my spans…", self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Label", self))
        top.addWidget(self.label_box)
        top.addWidget(self.text_field, 1)
        top.addWidget(self.annotator_box)
        top.addWidget(self.show_button)
        actions = QHBoxLayout()
        actions.addWidget(self.summary, 1)
        actions.addWidget(QLabel("as", self))
        actions.addWidget(self.relabel_box)
        actions.addWidget(self.relabel_button)
        actions.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.show_button.clicked.connect(self.refresh)
        self.text_field.returnPressed.connect(self.refresh)
        self.table.activated.connect(self._activate)
        self.relabel_button.clicked.connect(self.relabel)
        self.delete_button.clicked.connect(self.delete)
        workspace.labelsChanged.connect(self._on_labels)
        workspace.events.changed.connect(self._on_change)
        self.reader.failed.connect(lambda reason: self.summary.setText(f"Cannot group: {reason}"))

    def refresh(self) -> None:
        """Group the spans the filters choose."""
        self._shown = (
            self.label_box.currentData(),
            self.text_field.text() or None,
            self.annotator_box.currentData(),
        )
        self._regroup()

    def _regroup(self) -> None:
        """Group the spans again with the filters last shown (after a change)."""
        self._stale = False
        engine, shown = self.workspace.engine, self._shown
        self.summary.setText("Grouping…")
        self.reader.run(lambda: concordance(engine, *shown), self._show_groups)

    def _show_groups(self, groups: list[ConcordanceGroup]) -> None:
        self.model.set_records(groups)
        spans = sum(group.count for group in groups)
        self.summary.setText(f"{plural(spans, 'span')} in {plural(len(groups), 'text')}")

    def group(self) -> ConcordanceGroup | None:
        index = self.table.currentIndex()
        return index.data(ROW) if index.isValid() else None

    def _mine(self, group: ConcordanceGroup) -> list[TextSpan]:
        """The group's spans that are yours (annotators change only their own)."""
        ws = self.workspace
        label, _text, chosen = self._shown
        if chosen is not None and chosen != ws.annotator:
            return []
        spans = find_spans(ws.engine, label, group.text, ws.annotator)
        return [span for span in spans if span.id in set(group.span_ids)]

    def relabel(self) -> None:
        group, label = self.group(), self.relabel_box.currentData()
        if group is None or label is None:
            return
        spans = [span for span in self._mine(group) if span.label != label]
        if self._confirm(
            group, spans, f"Relabel {{n}} of your spans covering “{{text}}” as {label}?"
        ):
            ws = self.workspace
            ws.run_command(Relabel(ws.engine, [span.id for span in spans], label, ws.annotator))

    def delete(self) -> None:
        group = self.group()
        if group is None:
            return
        spans = self._mine(group)
        if self._confirm(group, spans, "Delete {n} of your spans covering “{text}”?"):
            ws = self.workspace
            ws.run_command(DeleteSpans(ws.engine, [span.id for span in spans], ws.annotator))

    def _confirm(self, group: ConcordanceGroup, spans: list[TextSpan], question: str) -> bool:
        if not spans:
            self.summary.setText(f"None of your spans in “{group.text}” would change")
            return False
        text = question.format(n=f"{len(spans):,}", text=group.text)
        others = group.count - len(self._mine(group))
        if others:
            text += f"\n{others:,} spans of other annotators stay as they are."
        text += "\nOne step: Undo puts them back."
        answer = QMessageBox.question(
            self, "Change a group of spans", text, defaultButton=QMessageBox.StandardButton.Yes
        )
        return answer == QMessageBox.StandardButton.Yes

    def _activate(self, index: QModelIndex) -> None:
        group: ConcordanceGroup = index.data(ROW)
        spans = find_spans(self.workspace.engine, None, group.text)
        first = next((span for span in spans if span.id in set(group.span_ids)), None)
        if first is not None:
            self.spanActivated.emit(first.document_id, first.start, first.end)

    def _on_labels(self) -> None:
        names = [label.name for label in self.workspace.schema]
        refill(self.label_box, names)
        refill(self.relabel_box, names)

    def _on_change(self, change: Change) -> None:
        if change.annotators:
            refill(self.annotator_box, list_annotators(self.workspace.engine))
        if change.spans and self.model.row_count():
            self._stale = True
            if self.isVisible():
                self._regroup()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._regroup()
