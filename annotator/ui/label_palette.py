"""The label palette: one row per label with its colour, name, hotkey and guideline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from annotator.core.labels import Label, LabelSchema
from annotator.ui.plain import plain_tooltip
from annotator.ui.swatches import swatch

if TYPE_CHECKING:
    from annotator.ui.workspace import Workspace

LABEL_NAME = Qt.ItemDataRole.UserRole
HOTKEY = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class LabelPaletteModel(QAbstractListModel):
    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels: list[Label] = list(workspace.schema)
        workspace.labelsChanged.connect(self._on_labels)

    def _on_labels(self, schema: LabelSchema) -> None:
        self.beginResetModel()
        self._labels = list(schema)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._labels):
            return None
        label = self._labels[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label.name
        if role == Qt.ItemDataRole.DecorationRole:
            return swatch(label.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(label.guideline or label.name)
        if role == LABEL_NAME:
            return label.name
        if role == HOTKEY:
            return label.hotkey
        return None


class PaletteDelegate(QStyledItemDelegate):
    """Draws a label row with its hotkey as a key cap at the right edge."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 40, max(size.height(), 30))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        hotkey = index.data(HOTKEY)
        if not hotkey:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        height = min(option.rect.height() - 8, 20)
        cap = QRect(0, 0, height + 4, height)
        cap.moveCenter(option.rect.center())
        cap.moveRight(option.rect.right() - 8)
        palette = option.palette
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Button))
        painter.drawRoundedRect(cap, 4, 4)
        painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
        painter.drawText(cap, Qt.AlignmentFlag.AlignCenter, hotkey)
        painter.restore()


class PaletteView(QListView):
    """The palette list; clicking a label applies it like its hotkey."""

    labelClicked = Signal(str)

    def __init__(self, model: LabelPaletteModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(PaletteDelegate(self))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setIconSize(QSize(14, 14))
        self.setUniformItemSizes(True)
        self.setMouseTracking(True)  # "entered" tells the guideline pane what is pointed at
        self.setSpacing(1)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clicked.connect(lambda index: self.labelClicked.emit(index.data(LABEL_NAME)))
        model.modelReset.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        """As tall as its labels: the span list below gets the rest of the height."""
        rows = self.model().rowCount()
        row_height = self.sizeHintForRow(0) if rows else 30
        self.setFixedHeight(rows * (row_height + 2 * self.spacing()) + 2 * self.frameWidth() + 4)
