"""The Search tab of the corpus dock: a query with its options and filters, the total
count (in a child process the window can stop), the hits in context (read in a worker
thread), and Tag all hits."""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from annotator.core.errors import AnnotatorError
from annotator.core.search import TextQuery, compile_query
from annotator.session.bulk import TagAll
from annotator.store.annotators import list_annotators
from annotator.store.bulk import tag_all
from annotator.store.changes import Change
from annotator.store.search import SearchFilter
from annotator.store.status import Status
from annotator.ui.search.group_models import plural
from annotator.ui.search.guard import CountJob
from annotator.ui.search.hits_model import DOCUMENT, HIT, LEFT, MATCH, SearchHitsModel
from annotator.ui.status_bar import STATUS_TEXT
from annotator.ui.tables import enable_sorting, setup_list_table
from annotator.ui.workspace import Workspace

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
ANY = "Any"


def combo(parent: QWidget, first: str | None, names: list[str]) -> QComboBox:
    """A box offering ``names``, after ``first`` (standing for none of them) if given."""
    box = QComboBox(parent)
    if first is not None:
        box.addItem(first, None)
    for name in names:
        box.addItem(name, name)
    return box


def refill(box: QComboBox, names: list[str]) -> None:
    """Offer ``names`` after the box's entry for none (if it has one), keeping the choice
    when it is still there."""
    chosen = box.currentData()
    kept = 1 if box.count() and box.itemData(0) is None else 0
    box.blockSignals(True)
    while box.count() > kept:
        box.removeItem(kept)
    for name in names:
        box.addItem(name, name)
    box.setCurrentIndex(max(box.findData(chosen), 0))
    box.blockSignals(False)


class SearchTab(QWidget):
    """Finds a text across the corpus; ``hitActivated`` asks to show a hit's document with
    the hit (code points ``start``, ``end``) selected."""

    hitActivated = Signal(int, int, int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.job: CountJob | None = None
        self.total: int | None = None
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Text to find in every document")
        self.field.setClearButtonEnabled(True)
        self.search_button = QPushButton("Search", self)
        self.word_box = QCheckBox("Whole words", self)
        self.case_box = QCheckBox("Match case", self)
        self.regex_box = QCheckBox("Regex", self)
        self.regex_box.setToolTip("The text is a Python regular expression")
        labels = [label.name for label in workspace.schema]
        self.label_box = combo(self, ANY, labels)
        self.annotator_box = combo(self, "Anyone", list_annotators(workspace.engine))
        self.status_box = QComboBox(self)
        self.status_box.addItem(ANY, None)
        for status in Status:
            self.status_box.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.date_from = QLineEdit(self)
        self.date_to = QLineEdit(self)
        for box, hint in ((self.date_from, "from YYYY-MM-DD"), (self.date_to, "to")):
            box.setPlaceholderText(hint)
            box.setClearButtonEnabled(True)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.hide()
        self.model = SearchHitsModel(workspace.engine, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        setup_list_table(self.table, row_height=24)
        enable_sorting(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((LEFT, 220), (MATCH, 110), (2, 220), (DOCUMENT, 160), (4, 90)):
            self.table.setColumnWidth(column, width)
        self.tag_label_box = combo(self, None, labels)
        self.tag_button = QPushButton("Tag all hits…", self)
        self.tag_button.setEnabled(False)
        self._lay_out()
        self.field.returnPressed.connect(self.run)
        self.search_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(lambda _checked=False: self.cancel())
        self.table.activated.connect(self._activate)
        self.tag_button.clicked.connect(self.tag_all)
        self.model.busyChanged.connect(self._show_state)
        self.model.failed.connect(self._failed)
        workspace.labelsChanged.connect(self._on_labels)
        workspace.events.changed.connect(self._on_change)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.field, 1)
        for option in (self.word_box, self.case_box, self.regex_box):
            top.addWidget(option)
        top.addWidget(self.search_button)
        filters = QHBoxLayout()
        for text, box in (
            ("Label", self.label_box),
            ("Annotator", self.annotator_box),
            ("Status", self.status_box),
            ("Dated", self.date_from),
        ):
            filters.addWidget(QLabel(text, self))
            filters.addWidget(box, 1)
        filters.addWidget(self.date_to, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(QLabel("Tag every hit as", self))
        bottom.addWidget(self.tag_label_box)
        bottom.addWidget(self.tag_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # the query

    def query(self) -> TextQuery:
        return TextQuery(
            self.field.text(),
            regex=self.regex_box.isChecked(),
            word=self.word_box.isChecked(),
            case=self.case_box.isChecked(),
        )

    def filters(self) -> SearchFilter:
        """The filters as chosen; a malformed date raises ``ValueError`` naming it."""
        dates = []
        for box, what in ((self.date_from, "from"), (self.date_to, "to")):
            value = box.text().strip()
            if value and not _DATE.fullmatch(value):
                raise ValueError(f"the date {what} must read YYYY-MM-DD (or YYYY, YYYY-MM)")
            dates.append(value or None)
        date_to = dates[1]
        if date_to is not None and len(date_to) < 10:
            date_to += "\uffff"  # "2025" and "2025-06" take in every date they start
        label, status = self.label_box.currentData(), self.status_box.currentData()
        return SearchFilter(
            labels=(label,) if label else (),
            annotator=self.annotator_box.currentData(),
            statuses=(status,) if status else (),
            date_from=dates[0],
            date_to=date_to,
        )

    def run(self) -> None:
        """Search: count every hit in a child process; show the first page (at once for
        plain text, once the count is back for a regex, which the count proves harmless)."""
        self.cancel("")
        self.total = None
        self.tag_button.setEnabled(False)
        query = self.query()
        try:
            compile_query(query)
            filters = self.filters()
        except (AnnotatorError, ValueError) as exc:
            self.model.search(None)
            self.summary.setText(f"Cannot search: {exc}")
            return
        self.job = CountJob(self.workspace.engine, query, filters, self)
        self.job.counted.connect(lambda total: self._counted(query, filters, total))
        self.job.failed.connect(self._failed)
        self.cancel_button.show()
        self.model.search(None if query.regex else query, filters)
        self._show_state()

    def cancel(self, reason: str = "cancelled") -> None:
        if self.job is not None:
            job, self.job = self.job, None
            job.blockSignals(not reason)
            job.cancel(reason)
            job.deleteLater()
        self.cancel_button.hide()

    @property
    def searching(self) -> bool:
        """The count or a page of hits is still being read."""
        return self.job is not None or self.model.busy

    def _show_state(self) -> None:
        if self.total is None:
            if self.searching:
                self.summary.setText("Searching…")
            return
        reading = ", reading hits…" if self.model.busy else ""
        self.summary.setText(plural(self.total, "hit") + reading)

    def _counted(self, query: TextQuery, filters: SearchFilter, total: int) -> None:
        self.job = None
        self.cancel_button.hide()
        self.total = total
        if query.regex:
            self.model.search(query, filters)
        self._show_state()
        self.tag_button.setEnabled(total > 0)

    def _failed(self, reason: str) -> None:
        self.cancel("")
        self.total = None
        self.tag_button.setEnabled(False)
        self.model.search(None)
        self.summary.setText(f"No results: {reason}")

    def _activate(self, index: QModelIndex) -> None:
        hit = index.data(HIT)
        self.hitActivated.emit(hit.document_id, hit.start, hit.end)

    # tag all

    def tag_all(self) -> None:
        """Tag every hit of the search shown (filters included) with the chosen label, as
        one undoable step, after saying how many spans that adds."""
        query, filters = self.model.query, self.model.filters
        label = self.tag_label_box.currentData()
        if query is None or label is None:
            return
        ws = self.workspace
        try:
            plan = tag_all(ws.engine, query, label, ws.annotator, filters, dry_run=True)
        except AnnotatorError as exc:
            self.summary.setText(f"Cannot tag: {exc}")
            return
        added = len(plan.added)
        if not added:
            self.summary.setText(f"Nothing to tag: every hit is already tagged {label}")
            return
        lines = [f"Tag {added:,} hits as {label} for {ws.annotator}?"]
        if plan.already:
            lines.append(f"{plan.already:,} hits already tagged {label} are skipped.")
        if plan.unsnappable:
            lines.append(f"{plan.unsnappable:,} hits hold no word and are skipped.")
        lines.append("One step: Undo removes them all.")
        answer = QMessageBox.question(
            self, "Tag all hits", "\n".join(lines), defaultButton=QMessageBox.StandardButton.Yes
        )
        if answer == QMessageBox.StandardButton.Yes:
            ws.run_command(TagAll(ws.engine, query, label, ws.annotator, filters))

    # keeping up with the store

    def _on_labels(self) -> None:
        names = [label.name for label in self.workspace.schema]
        refill(self.label_box, names)
        refill(self.tag_label_box, names)

    def _on_change(self, change: Change) -> None:
        if change.annotators:
            refill(self.annotator_box, list_annotators(self.workspace.engine))
        shown = self.model.query is not None and self.job is None
        if shown and change.spans and change.documents & self.model.documents():
            self.model.refresh()
