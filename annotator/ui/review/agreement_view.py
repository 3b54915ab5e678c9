"""Agreement figures in the app: the per-label table and a bar chart, per document or corpus."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.core.agreement import AgreementReport, Figures
from annotator.core.errors import AnnotatorError
from annotator.core.wording import counted
from annotator.store.agreement import corpus_agreement
from annotator.store.labels import get_schema
from annotator.ui.tables import RIGHT, FlatTableModel, Index

METRICS = (("f1_exact", "F1 exact"), ("f1_overlap", "F1 overlap"), ("kappa", "kappa"))
SHADES = (255, 150, 70)  # the metrics' alphas over the label colour, in METRICS order


def figure_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def bar_text(value: float | None) -> str:
    """A bar's value label: two decimals, short enough to sit over one bar."""
    return "–" if value is None else f"{value:.2f}"


@dataclass(frozen=True, slots=True)
class ValueLabel:
    """Where one bar's value is written; ``upright`` is False when it is turned a quarter
    turn to fit over a narrow bar."""

    text: str
    rect: QRectF
    upright: bool


def pairs_with_data(report: AgreementReport) -> int:
    """How many annotator pairs the means are taken over: those with figures."""
    return sum(pair.overall.f1_exact is not None for pair in report.pairs)


def summary_text(report: AgreementReport) -> str:
    parts = [", ".join(report.annotators), counted(report.documents, "document")]
    if len(report.pairs) > 1:
        parts.append(f"mean over {counted(pairs_with_data(report), 'pair')}")
    return " · ".join(parts)


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

    def value_labels(self) -> list[ValueLabel]:
        """The value written over each bar, in ``bars()`` order, where it is drawn."""
        return [label for _, _, label in self._layout()[1]]

    def _layout(self) -> tuple[QRectF, list[tuple[QRectF, QColor, ValueLabel]]]:
        """The plot area and, per bar, its rectangle, colour and value label. Labels sit
        upright over bars wide enough for them, else turned upright-sideways; either way each
        stays inside its own bar's column, so no two overlap and none leaves the widget."""
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        texts = [bar_text(value) for _, _, value in self.bars()]
        widest = max((metrics.horizontalAdvance(text) for text in texts), default=0.0) + 4
        outer = QRectF(self.rect())
        group_width = (outer.width() - 50) / max(1, len(self._labels))
        bar_width = group_width * 0.8 / len(METRICS)
        upright = widest <= bar_width
        label_space = line if upright else widest
        area = outer.adjusted(40, self._legend_height() + label_space + 4, -10, -line * 1.5)
        placed = []
        for i, (label, figures) in enumerate(self._labels.items()):
            left = area.left() + i * group_width + group_width * 0.1
            base = QColor(self._colors.get(label, "#8a8a8a"))
            for j, (metric, _) in enumerate(METRICS):
                value = getattr(figures, metric)
                height = max(0.0, min(1.0, value or 0.0)) * area.height()
                bar = QRectF(left + j * bar_width, area.bottom() - height, bar_width - 2, height)
                color = QColor(base)
                color.setAlpha(SHADES[j])
                text = texts[i * len(METRICS) + j]
                if upright:
                    spot = QRectF(bar.left(), bar.top() - line, bar_width, line)
                else:
                    spot = QRectF(bar.center().x() - line / 2, bar.top() - widest, line, widest)
                placed.append((bar, color, ValueLabel(text, spot, upright)))
        return area, placed

    def _legend_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.6

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().text().color()
        if not self._labels:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No figures to show")
            return
        area, placed = self._layout()
        self._paint_grid(painter, area, text_color)
        for bar, color, label in placed:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(bar)
            painter.setPen(text_color)
            self._paint_value(painter, label)
        self._paint_group_names(painter, area, text_color)
        self._paint_legend(painter, area, text_color)

    def _paint_grid(self, painter: QPainter, area: QRectF, text_color: QColor) -> None:
        line = painter.fontMetrics().height()
        grid = QColor(text_color)
        grid.setAlpha(50)
        for step in range(0, 5):
            value = step / 4
            y = area.bottom() - value * area.height()
            painter.setPen(grid)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(0, y - line / 2, area.left() - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:.2g}",
            )

    @staticmethod
    def _paint_value(painter: QPainter, label: ValueLabel) -> None:
        if label.upright:
            painter.drawText(label.rect, Qt.AlignmentFlag.AlignCenter, label.text)
            return
        painter.save()
        painter.translate(label.rect.center())
        painter.rotate(-90)
        turned = QRectF(
            -label.rect.height() / 2,
            -label.rect.width() / 2,
            label.rect.height(),
            label.rect.width(),
        )
        painter.drawText(
            turned, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label.text
        )
        painter.restore()

    def _paint_group_names(self, painter: QPainter, area: QRectF, text_color: QColor) -> None:
        metrics = painter.fontMetrics()
        group_width = area.width() / len(self._labels)
        painter.setPen(text_color)
        for i, label in enumerate(self._labels):
            name = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(group_width * 0.9))
            painter.drawText(
                QRectF(
                    area.left() + i * group_width, area.bottom() + 2, group_width, metrics.height()
                ),
                Qt.AlignmentFlag.AlignCenter,
                name,
            )

    def _paint_legend(self, painter: QPainter, area: QRectF, text_color: QColor) -> None:
        metrics = painter.fontMetrics()
        line = metrics.height()
        legend_x = area.left()
        for alpha, (_, title) in zip(SHADES, METRICS, strict=True):
            color = QColor(text_color)
            color.setAlpha(alpha)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(legend_x, line * 0.4, line * 0.8, line * 0.8))
            painter.setPen(text_color)
            width = metrics.horizontalAdvance(title)
            painter.drawText(
                QRectF(legend_x + line, 0, width + 4, line * 1.6),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                title,
            )
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
        self.table = self._table()
        self.overall = self._table()
        self.overall.horizontalHeader().hide()
        self.overall.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model.modelReset.connect(self._pin_overall)
        self.chart = BarChart(self)
        self.export_button = QPushButton("Export chart as &PNG…", self)
        self.export_button.clicked.connect(self._export_clicked)
        top = QHBoxLayout()
        scope_label = QLabel("&Scope", self)
        scope_label.setBuddy(self.scope)
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addWidget(self.table)
        layout.addWidget(self.overall)
        layout.addSpacing(6)
        layout.addWidget(self.chart, 1)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.resize(640, 560)
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        return table

    def _pin_overall(self) -> None:
        """The overall row is the model's last: the label table scrolls without it, and it
        stays in view in its own one-row table underneath, headed as wide as the labels."""
        last = self.model.rowCount() - 1
        for row in range(self.model.rowCount()):
            self.table.setRowHidden(row, row == last)
            self.overall.setRowHidden(row, row != last)
        names = [str(self.model.headerData(r, Qt.Orientation.Vertical)) for r in range(last + 1)]
        metrics = self.table.verticalHeader().fontMetrics()
        width = max((metrics.horizontalAdvance(name) for name in names), default=0) + 16
        row_height = self.table.verticalHeader().defaultSectionSize()
        for table in (self.table, self.overall):
            table.verticalHeader().setFixedWidth(width)
        self.overall.setFixedHeight(row_height + 2 * self.overall.frameWidth())
        font = self.overall.font()
        font.setBold(True)
        self.overall.setFont(font)

    def export_chart(self, path: str | Path) -> bool:
        """Save the chart as it is drawn now to a PNG file; True if it was written."""
        return self.chart.grab().save(str(path), "PNG")

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", "agreement.png", "PNG images (*.png)"
        )
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        if not self.export_chart(path):
            self.summary.setText(f"Could not write {path}")

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
        self.summary.setText(summary_text(report))
        self.model.set_report(report)
        colors = {label.name: label.color for label in get_schema(self.engine)}
        self.chart.set_figures(report.labels, colors)
