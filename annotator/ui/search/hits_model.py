"""Keyword-in-context rows of a corpus search: a table model that reads hits page by page.

Rows come from one open stream (``HitPages``), ``PAGE`` at a time as the view scrolls
(``canFetchMore``/``fetchMore``), so the first page costs a few documents, not the corpus.
Sorting by a column reads the rest first (at most ``SORT_LIMIT`` hits) and sorts those.
Every read runs in a worker thread (``Background``): the rows arrive by a signal while the
window stays responsive (``busy`` meanwhile), and a new search drops an older one's reads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from sqlalchemy.engine import Engine

from annotator.core.search import TextQuery
from annotator.session.hit_pages import HitPages
from annotator.store.search import Hit, SearchFilter
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.search.background import Background
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
    """``busyChanged`` says when a read is awaited, ``pageRead`` when one has brought its
    rows; ``failed`` gives a failed read's words."""

    busyChanged = Signal(bool)
    pageRead = Signal()
    failed = Signal(str)
    COLUMNS = ("Left", "Match", "Right", "Document", "Date", "Labels")
    PAGE = 100
    SORT_LIMIT = 20_000

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._hits: list[Hit] = []
        self._pages: HitPages | None = None
        self._reader = Background(self)
        self._reader.busyChanged.connect(self.busyChanged)
        self._reader.failed.connect(self.failed)
        self._sort_asked: tuple[int, Qt.SortOrder] | None = None
        """A sort asked for while a page was being read: it runs when the page is in."""
        self.query: TextQuery | None = None
        self.filters = SearchFilter()
        self.partial = False
        """Sorted with more hits left unread (past ``SORT_LIMIT``)."""

    @property
    def busy(self) -> bool:
        """A read is under way (the first page of a search, more rows, a sort's rest)."""
        return self._reader.busy

    def search(self, query: TextQuery | None, filters: SearchFilter | None = None) -> None:
        """Start over with ``query`` (``None``: no rows); its first page is read in the
        background."""
        self.beginResetModel()
        self._close()
        self._hits = []
        self.query, self.filters = query, filters or SearchFilter()
        self.partial = False
        self.endResetModel()
        if query is not None:
            self._pages = HitPages(self._engine, query, self.filters)
            self._read(self.PAGE)

    def refresh(self) -> None:
        """Read the search shown again (after a change to its documents), keeping the rows
        shown until the new first page replaces them."""
        if self.query is None:
            return
        self._close()
        self._pages = HitPages(self._engine, self.query, self.filters)
        self._read(self.PAGE, replace=True)

    def _close(self) -> None:
        self._reader.forget()
        self._sort_asked = None
        if self._pages is not None:
            self._pages.close()
            self._pages = None

    def row_count(self) -> int:
        return len(self._hits)

    def documents(self) -> set[int]:
        """The documents of the hits read so far."""
        return {hit.document_id for hit in self._hits}

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def canFetchMore(self, parent: Index | None = None) -> bool:
        if parent is not None and parent.isValid():
            return False
        return self._pages is not None and not self._pages.done and not self.busy

    def fetchMore(self, parent: Index | None = None) -> None:
        if self.canFetchMore(parent):
            self._read(self.PAGE)

    def _read(
        self, count: int, then: Callable[[], None] | None = None, replace: bool = False
    ) -> None:
        """Read up to ``count`` more hits in the background, add them as rows (or put them
        in place of the rows, with ``replace``), then call ``then`` (if given)."""
        pages = self._pages
        if pages is None:
            return

        def arrived(page: list[Hit] | None) -> None:
            if page is None or pages is not self._pages:
                return
            if pages.done:
                self._pages = None
            if replace:
                self.beginResetModel()
                self._hits, self.partial = page, False
                self.endResetModel()
            elif page:
                first = len(self._hits)
                self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
                self._hits.extend(page)
                self.endInsertRows()
            if then is not None:
                then()
            self.pageRead.emit()
            if self._sort_asked is not None:
                self.sort(*self._sort_asked)

        self._reader.run(lambda: pages.read(count), arrived)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort_asked = None
        if self.busy:
            self._sort_asked = (column, order)
            return

        def rows_sorted() -> None:
            self.partial = self._pages is not None
            self._close()
            self.layoutAboutToBeChanged.emit()
            self._hits.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
            self.layoutChanged.emit()

        if self._pages is None or len(self._hits) >= self.SORT_LIMIT:
            rows_sorted()
        else:
            self._read(self.SORT_LIMIT - len(self._hits), rows_sorted)

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
