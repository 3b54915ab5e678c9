"""The left pane: a filter box, a status filter and the lazy document list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.documents import Document, stored_id
from annotator.store.assignments import holds_places
from annotator.store.changes import Change
from annotator.store.document_list import DocumentQuery
from annotator.store.review import ReviewFilter
from annotator.store.status import FINISHED, Status, status_counts
from annotator.ui.document_list import DOCUMENT_ID, STATUS_MARK, DocumentListModel
from annotator.ui.status_bar import STATUS_TEXT
from annotator.ui.tables import Index, select_row, setup_list_table
from annotator.ui.workspace import Workspace

# (shown as, status, unfinished, review filter, assigned to me)
STATUS_FILTERS: list[tuple[str, Status | None, bool, ReviewFilter | None, bool]] = [
    ("All", None, False, None, False),
    ("Unfinished", None, True, None, False),
    ("Assigned to me", None, False, None, True),
    ("New", Status.NEW, False, None, False),
    ("In progress", Status.IN_PROGRESS, False, None, False),
    ("Done", Status.DONE, False, None, False),
    ("Skipped", Status.SKIPPED, False, None, False),
    ("Flagged", Status.FLAGGED, False, None, False),
    ("Has disagreements", None, False, ReviewFilter.DISAGREEMENTS, False),
    ("Ready for review", None, False, ReviewFilter.READY, False),
    ("Reviewed", None, False, ReviewFilter.REVIEWED, False),
]


TITLE, DATE, STATUS, SPANS = range(4)
MIN_WIDTH = 230  # never narrower: the title keeps room beside the status mark and spans
TITLE_ROOM = 200  # the narrowest title column before the date, then the status text, give way
CELL_PAD = 18


class StatusDelegate(QStyledItemDelegate):
    """The status as mark and word, or the mark alone when the column is too narrow."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        text = option.text
        if option.fontMetrics.horizontalAdvance(text) + CELL_PAD > option.rect.width():
            option.text = text.split(" ", 1)[0]
            option.displayAlignment = Qt.AlignmentFlag.AlignCenter


class DocumentTable(QTableView):
    """The document list's view: the title keeps at least ``TITLE_ROOM`` pixels as the pane
    narrows, the date column hiding first, then the status showing its mark alone."""

    def __init__(self, model: DocumentListModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setModel(model)
        setup_list_table(self, row_height=26)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setItemDelegateForColumn(STATUS, StatusDelegate(self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (DATE, STATUS, SPANS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        cell = self.fontMetrics().horizontalAdvance
        heading = header.fontMetrics().horizontalAdvance
        self._date = max(cell("2026-12-31"), heading("Date")) + CELL_PAD
        words = [f"{STATUS_MARK[s]} {STATUS_TEXT[s]}" for s in STATUS_MARK]
        self._status = max(cell(w) for w in words) + CELL_PAD
        marks = [cell(mark) for mark in STATUS_MARK.values()]
        self._mark = max([*marks, heading("Status")]) + CELL_PAD
        self.setColumnWidth(SPANS, max(cell("99,999"), heading("Spans")) + CELL_PAD)

    def resizeEvent(self, event: QResizeEvent) -> None:
        room = self.viewport().width() - self.columnWidth(SPANS) - TITLE_ROOM
        self.setColumnHidden(DATE, room < self._status + self._date)
        self.setColumnWidth(STATUS, self._status if room >= self._status else self._mark)
        self.setColumnWidth(DATE, self._date)
        super().resizeEvent(event)


class DocumentBrowser(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.setMinimumWidth(MIN_WIDTH)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter titles")
        self.filter_box.setClearButtonEnabled(True)
        self.status_box = QComboBox(self)
        for text, *_ in STATUS_FILTERS:
            self.status_box.addItem(text)
        self.model = DocumentListModel(workspace.engine, workspace.events, workspace.query, self)
        self.table = DocumentTable(self.model, self)
        self.empty_note = QLabel(self)
        self.empty_note.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_note.setContentsMargins(12, 24, 12, 0)
        self.empty_note.hide()
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.status_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note, 1)
        layout.addWidget(self.progress)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_box.textChanged.connect(self._debounce.start)
        self.filter_box.returnPressed.connect(self._apply_filter)
        self.status_box.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        workspace.queryChanged.connect(self._on_query)
        workspace.documentOpened.connect(self._follow)
        self.model.modelReset.connect(self._follow_open_document)
        self.model.modelReset.connect(self._show_empty_note)
        workspace.events.changed.connect(self._on_change)
        workspace.annotatorChanged.connect(self._count_progress)
        self._count_progress()

    def _on_change(self, change: Change) -> None:
        if change.statuses or change.document_list or change.annotators:
            self._count_progress()

    def _count_progress(self, *_args: object) -> None:
        """The bar: documents this annotator finished (done, skipped or flagged) of all, or
        of those assigned to them when they were given some (team work)."""
        engine, annotator = self._workspace.engine, self._workspace.annotator
        assigned = holds_places(engine, annotator)
        counts = status_counts(engine, annotator, assigned=assigned)
        total = sum(counts.values())
        finished = sum(counts.get(s, 0) for s in FINISHED)
        done = counts.get(Status.DONE, 0)
        aside = finished - done
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(finished)
        text = f"{done:,} of {total:,} {'assigned ' if assigned else ''}done"
        self.progress.setFormat(text + (f" · {aside:,} set aside" if aside else ""))
        self.progress.setToolTip(
            " · ".join(f"{n:,} {STATUS_TEXT[s]}" for s, n in sorted(counts.items()) if n)
        )

    def _show_empty_note(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            self.empty_note.setText(self._why_empty())
        self.empty_note.setVisible(empty)
        self.table.setVisible(not empty)

    def _why_empty(self) -> str:
        query = self.model.query
        status_name = self.status_box.currentText()
        if not query.text.strip() and self.status_box.currentIndex() == 0:
            return "No documents yet: import articles with File › Import…"
        wanted = [f"“{query.text.strip()}” in the title"] if query.text.strip() else []
        if self.status_box.currentIndex() != 0:
            wanted.append(f"the filter “{status_name}”")
        return f"No documents match {' and '.join(wanted)}.\n\nClear the filter to see them all."

    def _apply_filter(self) -> None:
        self._debounce.stop()
        _text, status, unfinished, review, assigned = STATUS_FILTERS[self.status_box.currentIndex()]
        query = DocumentQuery(
            self._workspace.annotator,
            self.filter_box.text(),
            status=status,
            unfinished=unfinished,
            review=review,
            assigned=assigned,
        )
        if query != self._workspace.query:
            self._workspace.set_query(query)

    def _on_query(self, query: DocumentQuery) -> None:
        self.model.set_query(query)

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        document_id = current.siblingAtColumn(0).data(DOCUMENT_ID) if current.isValid() else None
        open_now = self._workspace.document
        if document_id is not None and (open_now is None or open_now.id != document_id):
            self._workspace.open_document(document_id)

    def _follow_open_document(self) -> None:
        if self._workspace.document is not None:
            self._follow(self._workspace.document)

    def _follow(self, document: Document) -> None:
        select_row(self.table, self.model.row_of(stored_id(document)))
