"""Agreement figures in the app: the per-label table and a bar chart, per document or corpus."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.core.agreement import AgreementReport, Figures
from annotator.core.errors import AnnotatorError
from annotator.store.agreement import corpus_agreement
from annotator.store.labels import get_schema
from annotator.ui.tables import RIGHT, FlatTableModel, Index

METRICS = (("f1_exact", "F1 exact"), ("f1_overlap", "F1 overlap"), ("kappa", "kappa"))


def figure_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


class AgreementModel(FlatTableModel):
    """One row per label, then the overall row."""

    FIELDS = ("spans", "f1_exact", "f1_overlap", "kappa", "alpha")
    COLUMNS = ("Spans", "F1 exact", "F1 overlap", "Kappa", "Alpha")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Figures]] = []

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        self._rows = [] if report is None else [*report.labels.items(), ("overall", report.overall)]
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._rows)
        ):
            return self._rows[section][0]
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        _, figures = self._rows[index.row()]
        name = self.FIELDS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(figures, name)
            return str(value) if name == "spans" else figure_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        return None


class BarChart(QWidget):
    """Grouped bars, one group per label: F1 exact, F1 overlap and kappa on a 0-1 scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, Figures] = {}
        self._colors: dict[str, str] = {}
        self.setMinimumHeight(220)

    def sizeHint(self) -> QSize:
        return QSize(520, 260)

    def set_figures(self, labels: Mapping[str, Figures], colors: Mapping[str, str]) -> None:
        self._labels = dict(labels)
        self._colors = dict(colors)
        self.update()

    def bars(self) -> list[tuple[str, str, float | None]]:
        """(label, metric, value) in drawing order: what the chart shows, for tests and a11y."""
        return [
            (label, metric, getattr(figures, metric))
            for label, figures in self._labels.items()
            for metric, _ in METRICS
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.text().color()
        metrics = painter.fontMetrics()
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(40, line * 2, -10, -line * 2)
        if not self._labels:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No figures to show")
            return
        grid = QColor(text_color)
        grid.setAlpha(50)
        for step in range(0, 5):
            value = step / 4
            y = area.bottom() - value * area.height()
            painter.setPen(grid)
            painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(0, y - line / 2, area.left() - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:.2g}",
            )
        shades = (255, 150, 70)
        group_width = area.width() / len(self._labels)
        bar_width = group_width * 0.8 / len(METRICS)
        for i, (label, figures) in enumerate(self._labels.items()):
            left = area.left() + i * group_width + group_width * 0.1
            base = QColor(self._colors.get(label, "#8a8a8a"))
            for j, (metric, _) in enumerate(METRICS):
                value = getattr(figures, metric)
                height = max(0.0, min(1.0, value or 0.0)) * area.height()
                color = QColor(base)
                color.setAlpha(shades[j])
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                bar = QRectF(left + j * bar_width, area.bottom() - height, bar_width - 2, height)
                painter.drawRect(bar)
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(bar.left() - 4, bar.top() - line, bar.width() + 8, line),
                    Qt.AlignmentFlag.AlignCenter,
                    figure_text(value).removeprefix("0"),
                )
            painter.drawText(
                QRectF(left, area.bottom() + 2, group_width * 0.8, line),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )
        legend_x = area.left()
        for j, (_, title) in enumerate(METRICS):
            color = QColor(text_color)
            color.setAlpha(shades[j])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(legend_x, line * 0.4, line * 0.8, line * 0.8))
            painter.setPen(text_color)
            width = metrics.horizontalAdvance(title)
            painter.drawText(QRectF(legend_x + line, 0, width + 4, line * 1.6), 0, title)
            legend_x += line + width + 16


class AgreementView(QDialog):
    """The table and chart for one document or the whole corpus, among chosen annotators."""

    DOCUMENT, CORPUS = 0, 1

    def __init__(
        self,
        engine: Engine,
        annotators: Sequence[str] | None = None,
        document_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.engine = engine
        self.annotators = list(annotators) if annotators else None
        self.document_id = document_id
        self.scope = QComboBox(self)
        self.scope.addItems(["This document", "Whole corpus"])
        self.scope.setCurrentIndex(self.DOCUMENT if document_id is not None else self.CORPUS)
        self.scope.setEnabled(document_id is not None)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = AgreementModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.chart = BarChart(self)
        top = QHBoxLayout()
        scope_label = QLabel("&Scope", self)
        scope_label.setBuddy(self.scope)
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.chart, 1)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.resize(640, 560)
        self.refresh()

    def refresh(self) -> None:
        documents = (
            [self.document_id]
            if self.scope.currentIndex() == self.DOCUMENT and self.document_id is not None
            else None
        )
        try:
            report = corpus_agreement(self.engine, self.annotators, document_ids=documents)
        except AnnotatorError as exc:
            self.summary.setText(str(exc))
            self.model.set_report(None)
            self.chart.set_figures({}, {})
            return
        self.summary.setText(
            f"{', '.join(report.annotators)} · {report.documents} documents"
            + (f" · mean over {len(report.pairs)} pairs" if len(report.pairs) > 1 else "")
        )
        self.model.set_report(report)
        colors = {label.name: label.color for label in get_schema(self.engine)}
        self.chart.set_figures(report.labels, colors)
