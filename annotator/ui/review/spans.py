"""The review span list: every distinct span of the document, who has it, gold, notes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.session.review import Row, State
from annotator.store.review import Key
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.tables import FlatTableModel, Index

BACKGROUNDS = {
    State.UNDECIDED: QColor(214, 69, 65, 45),
    State.DECIDED: QColor(46, 160, 67, 45),
    State.REJECTED: QColor(128, 128, 128, 50),
}
TEXT_MAX = 50


class ReviewSpanModel(FlatTableModel):
    """The review session's rows; disputed rows say and are tinted by where their
    disagreement stands (undecided, decided, rejected), notes are listed in full."""

    COLUMNS = ("Text", "Label", "Annotators", "Gold", "Review", "Notes")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._text = ""
        self._everyone = 0
        self._states: list[State] = []

    def set_rows(
        self, text: str, rows: Sequence[Row], everyone: int, states: Sequence[State]
    ) -> None:
        """Show ``rows`` of ``text`` and the ``states`` of their groups; ``everyone``
        annotators have a layer on it."""
        self.beginResetModel()
        self._text = text
        self._rows = list(rows)
        self._everyone = everyone
        self._states = list(states)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_key(self, key: Key) -> int | None:
        """The row of the span ``(start, end, label)``."""
        return next((i for i, row in enumerate(self._rows) if row.span.key == key), None)

    def row_count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, self._states[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return plain_tooltip(self._text[row.span.start : row.span.end])
            if column == 5 and row.notes:
                return plain_tooltip("\n".join(f"{n.annotator}: {n.text}" for n in row.notes))
        if role == Qt.ItemDataRole.BackgroundRole and row.disputed:
            return BACKGROUNDS.get(self._states[index.row()])
        return None

    def _display(self, row: Row, column: int, state: State) -> str:
        if column == 0:
            return one_line(self._text[row.span.start : row.span.end], TEXT_MAX)
        if column == 1:
            return row.span.label
        if column == 2:
            if not row.who:
                return "reviewer"
            return "all" if len(row.who) == self._everyone else ", ".join(row.who)
        if column == 3:
            return "✓" if row.gold_id is not None else ""
        if column == 4:
            return str(state) if row.disputed else ""
        return " · ".join(f"{n.annotator}: {one_line(n.text, 80)}" for n in row.notes)


class SpanTable(QTableView):
    """The span list (and the link list, over its own model); the first column (the text)
    takes the room the others leave, elided in the middle, so every column shows in a
    narrow window. ``rowChosen`` says which row
    the reviewer clicked or moved to with the keys; rows Qt makes current by itself (focus
    coming back, a model reset) are not reported, so they never change what the session has
    selected."""

    rowChosen = Signal(int)

    def __init__(self, model: FlatTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            self.rowChosen.emit(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.currentIndex().row()
        super().keyPressEvent(event)
        index = self.currentIndex()
        if index.isValid() and index.row() != before:
            self.rowChosen.emit(index.row())
