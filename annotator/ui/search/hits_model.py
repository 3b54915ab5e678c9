"""Keyword-in-context rows of a corpus search: a table model that reads hits page by page.

Rows come from one open ``iter_hits`` stream, ``PAGE`` at a time as the view scrolls
(``canFetchMore``/``fetchMore``), so the first page costs a few documents, not the corpus.
Sorting by a column reads the rest first (at most ``SORT_LIMIT`` hits) and sorts those.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import islice

from PySide6.QtCore import QModelIndex, QObject, Qt
from sqlalchemy.engine import Engine

from annotator.core.search import TextQuery
from annotator.store.search import Hit, SearchFilter, iter_hits
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.tables import RIGHT, FlatTableModel, Index

HIT = Qt.ItemDataRole.UserRole
"""The role that returns a row's ``Hit``."""
LEFT, MATCH, RIGHT_CONTEXT, DOCUMENT, DATE, LABELS = range(6)
SHOWN_CONTEXT = 40  # characters of context shown on each side


def _sort_key(column: int):
    keys = {
        LEFT: lambda hit: hit.left.rstrip()[::-1].casefold(),
        MATCH: lambda hit: hit.text.casefold(),
        RIGHT_CONTEXT: lambda hit: hit.right.lstrip().casefold(),
        DOCUMENT: lambda hit: (hit.title.casefold(), hit.document_id, hit.start),
        DATE: lambda hit: (hit.date or "", hit.document_id, hit.start),
        LABELS: lambda hit: (", ".join(hit.labels), hit.document_id, hit.start),
    }
    return keys[column]


class SearchHitsModel(FlatTableModel):
    COLUMNS = ("Left", "Match", "Right", "Document", "Date", "Labels")
    PAGE = 100
    SORT_LIMIT = 20_000

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._hits: list[Hit] = []
        self._stream: Generator[Hit, None, None] | None = None
        self.query: TextQuery | None = None
        self.filters = SearchFilter()
        self.partial = False
        """Sorted with more hits left unread (past ``SORT_LIMIT``)."""

    def search(self, query: TextQuery | None, filters: SearchFilter | None = None) -> None:
        """Start over with ``query`` (``None``: no rows), its first page read at once."""
        self.beginResetModel()
        self._close()
        self._hits = []
        self.query, self.filters = query, filters or SearchFilter()
        self.partial = False
        if query is not None:
            self._stream = iter_hits(self._engine, query, self.filters)
            self._hits = self._next(self.PAGE)
        self.endResetModel()

    def _close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def row_count(self) -> int:
        return len(self._hits)

    def documents(self) -> set[int]:
        """The documents of the hits read so far."""
        return {hit.document_id for hit in self._hits}

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def canFetchMore(self, parent: Index | None = None) -> bool:
        return self._stream is not None and not (parent is not None and parent.isValid())

    def fetchMore(self, parent: Index | None = None) -> None:
        self._read(self.PAGE)

    def _next(self, count: int) -> list[Hit]:
        """Up to ``count`` more hits from the stream, closing it at the end."""
        if self._stream is None:
            return []
        page = list(islice(self._stream, count))
        if len(page) < count:
            self._close()
        return page

    def _read(self, count: int) -> None:
        page = self._next(count)
        if page:
            first = len(self._hits)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._hits.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self._read(max(0, self.SORT_LIMIT - len(self._hits)))
        self.partial = self._stream is not None
        self._close()
        self.layoutAboutToBeChanged.emit()
        self._hits.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        column = index.column()
        if role == HIT:
            return hit
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self._cell(hit, column), 200)
        if role == Qt.ItemDataRole.ToolTipRole and column in (LEFT, MATCH, RIGHT_CONTEXT):
            return plain_tooltip(f"{hit.left}[{hit.text}]{hit.right}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LEFT:
            return RIGHT
        return None

    def _cell(self, hit: Hit, column: int) -> str:
        cells = (
            hit.left[-SHOWN_CONTEXT:],
            hit.text,
            hit.right[:SHOWN_CONTEXT],
            hit.title,
            hit.date or "",
            ", ".join(hit.labels),
        )
        return cells[column]
