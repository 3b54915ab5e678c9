"""The open document's spans as a table: label, text, offsets, speaker; sortable, filtered by
label or to the quotes without a speaker.

The table shows the session's current span and forwards a person's choice of row; rows
that move because the list changed (an edit re-sorting it, a deletion, a new sort order or
label filter) choose nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QComboBox, QHeaderView, QStyle, QTableView, QWidget

from annotator.core.documents import Document
from annotator.core.relations import SPEAKER as SPEAKER_RELATION
from annotator.core.spans import Span
from annotator.ui.plain import one_line, plain_tooltip, speaker_name
from annotator.ui.swatches import swatch
from annotator.ui.tables import RIGHT, FlatTableModel, Index, select_row, setup_list_table

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace

SPAN_ID = Qt.ItemDataRole.UserRole
SORT_KEY = Qt.ItemDataRole.UserRole + 1
LABEL = Qt.ItemDataRole.UserRole + 2
UNATTRIBUTED = Qt.ItemDataRole.UserRole + 3  # True for a quote without a speaker
_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SPAN_ID,
        SORT_KEY,
        LABEL,
        UNATTRIBUTED,
    )
)  # the roles ``data`` answers: a paint asks for a dozen per cell, and most get None at once
OFFSETS = 2
SPEAKER = 3
TEXT_LIMIT = 300
WITHOUT_SPEAKER = "\0without speaker"
"""The label filter's choice of the quotes (heads of the speaker relation) without a speaker."""


class SpanListModel(FlatTableModel):
    """The spans in span order; ``SORT_KEY`` gives each cell a value Qt compares natively,
    ties broken by span order."""

    COLUMNS = ("Label", "Text", "Offsets", "Speaker")

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._text = ""
        self._spans: list[Span] = []  # in span order
        self._by_id: dict[int | None, Span] = {}  # the same spans, to find their rows
        workspace.documentOpened.connect(self._on_document)
        workspace.spansUpdated.connect(self._on_update)
        workspace.labelsChanged.connect(self._on_labels)
        workspace.linksChanged.connect(self._on_links)
        if workspace.document is not None:
            self._on_document(workspace.document)

    @property
    def text_length(self) -> int:
        return len(self._text)

    def label_counts(self) -> Counter[str]:
        return Counter(span.label for span in self._spans)

    def unattributed(self) -> int:
        """How many quotes have no speaker."""
        return sum(map(self._unattributed, self._spans))

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

    def _on_links(self) -> None:
        if self._spans:
            last = self.index(len(self._spans) - 1, SPEAKER)
            self.dataChanged.emit(self.index(0, SPEAKER), last)

    def _speaker(self, span: Span) -> Span | None:
        return None if span.id is None else self._workspace.session.speaker_of(span.id)

    def _unattributed(self, span: Span) -> bool:
        relation = self._workspace.schema.relations.get(SPEAKER_RELATION)
        heads = () if relation is None else relation.heads
        return span.label in heads and self._speaker(span) is None

    def row_count(self) -> int:
        return len(self._spans)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._spans):
            return None
        row = index.row()
        span = self._spans[row]
        column = index.column()
        if role == SORT_KEY:
            return self._sort_key(span, row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return span.label
            if column == 1:
                return one_line(self._text[span.start : span.end], TEXT_LIMIT)
            if column == SPEAKER:
                speaker = self._speaker(span)
                return None if speaker is None else speaker_name(self._text, speaker)
            return f"{span.start}–{span.end}"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            color = self._workspace.colors.get(span.label)
            return swatch(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, SPEAKER):
            shown = span if column == 1 else self._speaker(span)
            return None if shown is None else plain_tooltip(self._text[shown.start : shown.end])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == OFFSETS:
            return RIGHT
        if role == SPAN_ID:
            return span.id
        if role == LABEL:
            return span.label
        if role == UNATTRIBUTED:
            return self._unattributed(span)
        return None

    def _sort_key(self, span: Span, row: int, column: int) -> str | int:
        if column == 0:
            return f"{span.label}\0{row:09d}"
        if column in (1, SPEAKER):
            shown = span if column == 1 else self._speaker(span)
            words = "" if shown is None else " ".join(self._text[shown.start : shown.end].split())
            return f"{words.casefold()}\0{row:09d}"
        return row

    def row_of(self, span_id: int) -> int | None:
        span = self._by_id.get(span_id)
        if span is None:
            return None
        row = bisect_left(self._spans, span)
        while self._spans[row].id != span_id:  # spans equal in order but another's id
            row += 1
        return row


class SpanListProxy(QSortFilterProxyModel):
    """The span list as sorted by the header and narrowed to one label (``None``: all), or
    to the quotes without a speaker (``WITHOUT_SPEAKER``)."""

    def __init__(self, source: SpanListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_KEY)
        self.label: str | None = None

    def set_label(self, label: str | None) -> None:
        self.beginFilterChange()
        self.label = label
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.label is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        if self.label == WITHOUT_SPEAKER:
            return bool(index.data(UNATTRIBUTED))
        return index.data(LABEL) == self.label


class LabelFilter(QComboBox):
    """'All labels (n)', each label with its count in the open document, and the quotes
    without a speaker (when the schema has the speaker relation)."""

    def __init__(self, workspace: Workspace, model: SpanListModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._model = model
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip("Show only the spans with one label")
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self._refresh)
        workspace.labelsChanged.connect(self._refresh)
        workspace.linksChanged.connect(self._refresh)
        self._refresh()

    def label(self) -> str | None:
        return self.currentData()

    def _refresh(self, *_args: object) -> None:
        counts = self._model.label_counts()
        names = [label.name for label in self._workspace.schema]
        names += sorted(set(counts) - set(names))
        chosen = self.label()
        self.blockSignals(True)
        self.clear()
        self.addItem(f"All labels ({counts.total():,})", None)
        colors = self._workspace.colors
        for name in names:
            icon = swatch(colors[name]) if name in colors else None
            text = f"{name} ({counts[name]:,})"
            if icon is None:
                self.addItem(text, name)
            else:
                self.addItem(icon, text, name)
        relation = self._workspace.schema.relations.get(SPEAKER_RELATION)
        if relation is not None:
            heads = " or ".join(f"{name}s" for name in relation.heads)
            self.addItem(f"No speaker ({self._model.unattributed():,})", WITHOUT_SPEAKER)
            self.setItemData(
                self.count() - 1, f"Only the {heads} without a speaker", Qt.ItemDataRole.ToolTipRole
            )
        self.setCurrentIndex(max(0, self.findData(chosen)) if chosen is not None else 0)
        self.blockSignals(False)
        if self.label() != chosen:
            self.currentIndexChanged.emit(self.currentIndex())


class SpanTable(QTableView):
    """The span list; clicking a row, or moving to it with the keys, makes that span the
    workspace's current span. Qt moves the current row by itself when rows are removed,
    inserted, sorted or filtered under it: that is never taken for a choice, and the row is
    put back on the session's span."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._speaker_width = 0
        self._span_model = SpanListModel(workspace, self)
        self._proxy = SpanListProxy(self._span_model, self)
        self.setModel(self._proxy)
        self.label_filter = LabelFilter(workspace, self._span_model, self)
        setup_list_table(self, row_height=24)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setIconSize(QSize(12, 12))
        header = self.horizontalHeader()
        header.setSortIndicator(OFFSETS, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SPEAKER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(OFFSETS, QHeaderView.ResizeMode.Fixed)
        self.clicked.connect(self._choose)
        workspace.currentSpanChanged.connect(self._follow)
        workspace.labelsChanged.connect(self._size_columns)
        self._span_model.modelReset.connect(self._size_columns)
        self.label_filter.currentIndexChanged.connect(self._filter)
        workspace.linksChanged.connect(self._refilter)
        self._proxy.layoutChanged.connect(self._follow_session)
        self._size_columns()

    def _size_columns(self, *_args: object) -> None:
        """Label and Offsets as wide as their widest possible cell, so neither is clipped;
        the text takes the rest and is elided in the middle."""
        cell = self.fontMetrics().horizontalAdvance
        heading = self.horizontalHeader().fontMetrics().horizontalAdvance
        pad = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 16
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 12
        names = [label.name for label in self._workspace.schema]
        icon = self.iconSize().width() + 6
        label = max([cell(name) + icon for name in names] + [heading("Label") + arrow])
        widest = str(self._span_model.text_length)
        offsets = max(cell(f"{widest}–{widest}"), heading("Offsets") + arrow)
        self.setColumnWidth(0, label + pad)
        self._speaker_width = max(cell("M") * 7, heading("Speaker") + arrow) + pad
        self.setColumnWidth(SPEAKER, self._speaker_width)
        self.setColumnWidth(OFFSETS, offsets + pad)
        self._make_room_for_text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._make_room_for_text()

    def _make_room_for_text(self) -> None:
        """Hide the Speaker column when keeping it would squeeze the span texts below about
        a dozen characters (a narrow window): the text is what identifies a row, and the
        text view's captions still name each quote's speaker."""
        fixed = self.columnWidth(0) + self.columnWidth(OFFSETS) + self._speaker_width
        room = self.viewport().width() - fixed
        self.setColumnHidden(SPEAKER, room < self.fontMetrics().averageCharWidth() * 12)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.currentIndex()
        super().keyPressEvent(event)
        if self.currentIndex() != before:
            self._choose(self.currentIndex())

    def _choose(self, index: QModelIndex) -> None:
        if index.isValid():
            self._workspace.set_current_span(index.siblingAtColumn(0).data(SPAN_ID))

    def _filter(self) -> None:
        self._proxy.set_label(self.label_filter.label())
        self._follow_session()

    def _refilter(self) -> None:
        """Links changed: a quote linked leaves the "without a speaker" list, one unlinked
        joins it."""
        if self._proxy.label == WITHOUT_SPEAKER:
            self._filter()

    def _follow_session(self) -> None:
        self._follow(self._workspace.current_span)

    def _follow(self, span_id: int | None) -> None:
        source_row = None if span_id is None else self._span_model.row_of(span_id)
        row = None
        if source_row is not None:
            index = self._proxy.mapFromSource(self._span_model.index(source_row, 0))
            row = index.row() if index.isValid() else None
        select_row(self, row)
