"""The document list: a table model over the store that reads one page of rows at a time.

The model knows only how many documents the current filter keeps; a row's data is fetched
with its page of ``PAGE`` rows the first time the view paints it, and a bounded number of
pages is kept.
Jumping to the end of 100,000 documents reads one page.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, Qt
from sqlalchemy.engine import Engine

from annotator.store.changes import Change
from annotator.store.document_list import (
    DocumentQuery,
    count_matching,
    page_ids,
    position_of,
    summaries_of,
)
from annotator.store.documents import DocumentSummary
from annotator.ui.events import Events
from annotator.ui.plain import plain_tooltip
from annotator.ui.status_bar import STATUS_TEXT
from annotator.ui.tables import RIGHT, FlatTableModel, Index

DOCUMENT_ID = Qt.ItemDataRole.UserRole
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●", "skipped": "–", "flagged": "⚑"}


class DocumentListModel(FlatTableModel):
    COLUMNS = ("Title", "Date", "Status", "Spans")
    PAGE = 200
    PAGES_KEPT = 64

    def __init__(
        self, engine: Engine, events: Events, query: DocumentQuery, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self.query = query
        self._count = count_matching(engine, query)
        self._pages: OrderedDict[int, list[DocumentSummary | None]] = OrderedDict()
        events.changed.connect(self._on_change)

    def set_query(self, query: DocumentQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._count = count_matching(self._engine, query)
        self._pages.clear()
        self.endResetModel()

    def row_count(self) -> int:
        return self._count

    def summary(self, row: int) -> DocumentSummary | None:
        if not 0 <= row < self._count:
            return None
        number = row // self.PAGE
        page = self._pages.get(number)
        if page is None:
            ids = page_ids(self._engine, self.query, number * self.PAGE, self.PAGE, self._count)
            found = {s.id: s for s in summaries_of(self._engine, self.query.annotator, ids)}
            page = [found.get(document_id) for document_id in ids]
            page += [None] * (min(self.PAGE, self._count - number * self.PAGE) - len(page))
            self._pages[number] = page
            while len(self._pages) > self.PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[row - number * self.PAGE]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.summary(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.title or "(untitled)",
                row.date or "",
                f"{STATUS_MARK.get(row.status, '')} {STATUS_TEXT.get(row.status, row.status)}",
                row.spans,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(row.title)
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return STATUS_TEXT.get(row.status, row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        if role == DOCUMENT_ID:
            return row.id
        return None

    def row_of(self, document_id: int) -> int | None:
        """The row that shows ``document_id``, or None if the filter hides it."""
        for number, page in self._pages.items():
            for offset, summary in enumerate(page):
                if summary is not None and summary.id == document_id:
                    return number * self.PAGE + offset
        return position_of(self._engine, self.query, document_id, self._count)

    def _on_change(self, change: Change) -> None:
        if change.document_list or change.annotators:
            self.set_query(self.query)
            return
        touched = change.documents | change.statuses
        if not touched:
            return
        cached = {
            summary.id: (number, offset)
            for number, page in self._pages.items()
            for offset, summary in enumerate(page)
            if summary is not None and summary.id in touched
        }
        if not cached:
            return
        for fresh in summaries_of(self._engine, self.query.annotator, list(cached)):
            number, offset = cached[fresh.id]
            self._pages[number][offset] = fresh
            row = number * self.PAGE + offset
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
