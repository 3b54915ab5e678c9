"""The left pane: a filter box, a status filter and the lazy document list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.documents import Document, stored_id
from annotator.store.document_list import DocumentQuery
from annotator.store.review import ReviewFilter
from annotator.store.status import Status
from annotator.ui.document_list import DOCUMENT_ID, DocumentListModel
from annotator.ui.tables import select_row, setup_list_table
from annotator.ui.workspace import Workspace

STATUS_FILTERS: list[tuple[str, Status | None, bool, ReviewFilter | None]] = [
    ("All", None, False, None),
    ("Unfinished", None, True, None),
    ("New", Status.NEW, False, None),
    ("In progress", Status.IN_PROGRESS, False, None),
    ("Done", Status.DONE, False, None),
    ("Skipped", Status.SKIPPED, False, None),
    ("Flagged", Status.FLAGGED, False, None),
    ("Has disagreements", None, False, ReviewFilter.DISAGREEMENTS),
    ("Reviewed", None, False, ReviewFilter.REVIEWED),
]


class DocumentBrowser(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter titles")
        self.filter_box.setClearButtonEnabled(True)
        self.status_box = QComboBox(self)
        for text, *_ in STATUS_FILTERS:
            self.status_box.addItem(text)
        self.model = DocumentListModel(workspace.engine, workspace.events, workspace.query, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self._setup_table()

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.status_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

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

    def _setup_table(self) -> None:
        table = self.table
        setup_list_table(table, row_height=26)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 80), (2, 90), (3, 44)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)

    def _apply_filter(self) -> None:
        self._debounce.stop()
        _text, status, unfinished, review = STATUS_FILTERS[self.status_box.currentIndex()]
        query = DocumentQuery(
            self._workspace.annotator,
            self.filter_box.text(),
            status=status,
            unfinished=unfinished,
            review=review,
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
