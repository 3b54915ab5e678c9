"""What the workspace's read-only tables share: a flat table model base and view setup."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class FlatTableModel(QAbstractTableModel):
    """A table without children whose column titles are ``COLUMNS``."""

    COLUMNS: tuple[str, ...] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None


def setup_list_table(table: QTableView, row_height: int) -> None:
    """One selected row at a time, no editing, no grid, no row numbers."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setDefaultSectionSize(row_height)
    table.horizontalHeader().setHighlightSections(False)


def select_row(table: QTableView, row: int | None) -> None:
    """Make ``row`` the table's current, selected, visible row (``None``: no row)."""
    selection = table.selectionModel()
    if row is None:
        selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
        return
    index = table.model().index(row, 0)
    if table.currentIndex().row() != row or not selection.isRowSelected(row):
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
    table.scrollTo(index)


def enable_sorting(
    table: QTableView, column: int = -1, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
) -> None:
    """Let header clicks sort ``table``; the indicator starts at ``column`` (-1: none, the
    model's own order is kept), which is the one sort enabling runs."""
    table.horizontalHeader().setSortIndicator(column, order)
    table.setSortingEnabled(True)
