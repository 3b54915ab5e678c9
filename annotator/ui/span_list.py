"""The open document's spans as a table: label, text, offsets; kept in span order.

The table shows the session's current span and forwards a person's choice of row; rows
that move because the list changed (an edit re-sorting it, a deletion) choose nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.swatches import swatch
from annotator.ui.tables import RIGHT, FlatTableModel, Index, select_row, setup_list_table

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace

SPAN_ID = Qt.ItemDataRole.UserRole
_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SPAN_ID,
    )
)  # the roles ``data`` answers: a paint asks for a dozen per cell, and most get None at once


class SpanListModel(FlatTableModel):
    COLUMNS = ("Label", "Text", "Offsets")

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._text = ""
        self._spans: list[Span] = []  # in span order
        self._by_id: dict[int | None, Span] = {}  # the same spans, to find their rows
        workspace.documentOpened.connect(self._on_document)
        workspace.spansUpdated.connect(self._on_update)
        workspace.labelsChanged.connect(self._on_labels)
        if workspace.document is not None:
            self._on_document(workspace.document)

    def _on_document(self, document: Document) -> None:
        self._text = document.text
        self._reset(list(self._workspace.spans.values()))

    def _reset(self, spans: list[Span]) -> None:
        self.beginResetModel()
        self._spans = sorted(spans)
        self._by_id = {span.id: span for span in self._spans}
        self.endResetModel()

    def _on_update(self, added: list[Span], removed: list[int]) -> None:
        rows = sorted(row for row in map(self.row_of, removed) if row is not None)
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._by_id[self._spans.pop(row).id]
            self.endRemoveRows()
        for span in added:
            row = bisect_left(self._spans, span)
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
            self._by_id[span.id] = span
            self.endInsertRows()

    def _on_labels(self, _schema: object) -> None:
        if self._spans:
            last = self.index(len(self._spans) - 1, 0)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_count(self) -> int:
        return len(self._spans)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._spans):
            return None
        span = self._spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return span.label
            if column == 1:
                return one_line(self._text[span.start : span.end], 60)
            return f"{span.start}–{span.end}"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            color = self._workspace.colors.get(span.label)
            return swatch(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return plain_tooltip(self._text[span.start : span.end])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return RIGHT
        if role == SPAN_ID:
            return span.id
        return None

    def row_of(self, span_id: int) -> int | None:
        span = self._by_id.get(span_id)
        if span is None:
            return None
        row = bisect_left(self._spans, span)
        while self._spans[row].id != span_id:  # spans equal in order but another's id
            row += 1
        return row


class SpanTable(QTableView):
    """The span list; clicking a row, or moving to it with the keys, makes that span the
    workspace's current span. Qt moves the current row by itself when rows are removed or
    inserted under it: that is never taken for a choice, and the next ``currentSpanChanged``
    puts the row back on the session's span."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._span_model = SpanListModel(workspace, self)
        self.setModel(self._span_model)
        setup_list_table(self, row_height=24)
        self.setIconSize(QSize(12, 12))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(0, 96)
        self.clicked.connect(self._choose)
        workspace.currentSpanChanged.connect(self._follow)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.currentIndex()
        super().keyPressEvent(event)
        if self.currentIndex() != before:
            self._choose(self.currentIndex())

    def _choose(self, index: QModelIndex) -> None:
        if index.isValid():
            self._workspace.set_current_span(index.siblingAtColumn(0).data(SPAN_ID))

    def _follow(self, span_id: int | None) -> None:
        select_row(self, None if span_id is None else self._span_model.row_of(span_id))
