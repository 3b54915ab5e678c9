"""Table models of the span concordance (spans grouped by the text they cover) and of the
consistency cases with their places; each row answers ``ROW`` with what it shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Qt

from annotator.core.consistency import Case, Place
from annotator.store.concordance import ConcordanceGroup
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.tables import RIGHT, FlatTableModel, Index

ROW = Qt.ItemDataRole.UserRole
"""The role that returns a row's record (a ``ConcordanceGroup``, ``Case`` or ``Place``)."""

T = TypeVar("T")


def plural(count: int, word: str) -> str:
    """``1 span``, ``2,400 spans``."""
    return f"{count:,} {word}{'s' * (count != 1)}"


def counts(values: Mapping[str, int]) -> str:
    """``{"actor": 3, "agency": 1}`` as ``actor 3, agency 1``."""
    return ", ".join(f"{name} {count}" for name, count in values.items())


class RecordsModel(FlatTableModel, Generic[T]):
    """Rows of records, one cell text (and sort key) per column; sortable."""

    NUMERIC: frozenset[int] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def cells(self, record: T) -> Sequence[str | int]:
        raise NotImplementedError

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._rows[row]

    def row_count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        if role == ROW:
            return record
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.cells(record)[index.column()]
            return one_line(value, 200) if isinstance(value, str) else f"{value:,}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(str(self.cells(record)[index.column()]))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMERIC:
            return RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        key: Callable[[T], str | int] = lambda record: self._key(self.cells(record)[column])  # noqa: E731
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    @staticmethod
    def _key(value: str | int) -> str | int:
        return value.casefold() if isinstance(value, str) else value


class ConcordanceModel(RecordsModel[ConcordanceGroup]):
    COLUMNS = ("Text", "Spans", "Labels", "Annotators")
    NUMERIC = frozenset({1})

    def cells(self, record: ConcordanceGroup) -> Sequence[str | int]:
        return (record.text, record.count, counts(record.labels), counts(record.annotators))


class CasesModel(RecordsModel[Case]):
    COLUMNS = ("Case", "Text", "Labels", "Places")
    NUMERIC = frozenset({3})

    def cells(self, record: Case) -> Sequence[str | int]:
        return (str(record.kind), record.text, counts(record.labels), record.total)


class PlacesModel(RecordsModel[Place]):
    COLUMNS = ("Document", "At", "Annotator", "Label")
    NUMERIC = frozenset({1})

    def __init__(self, titles: Callable[[int], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = titles

    def cells(self, record: Place) -> Sequence[str | int]:
        return (
            self._titles(record.document_id),
            record.start,
            record.annotator,
            record.label or "(untagged)",
        )
