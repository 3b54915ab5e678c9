"""File > Export: format, whose spans, selection, split and output path; the summary as plain
text. The choices are the command line's: one annotator, each annotator, or the gold layer.
With several annotators nothing is chosen until the person picks: as on the command line, an
export without a choice is refused (an export never merges layers) except ``native``, which
keeps every layer apart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.core.errors import AnnotatorError
from annotator.formats.exporting import (
    ExportOptions,
    ExportSummary,
    default_output,
    export_steps,
    parse_split,
)
from annotator.formats.registry import get_format, writable_formats
from annotator.store.exporting import Selection, SpanSource, annotators_who_worked
from annotator.store.labels import get_schema
from annotator.store.status import Status
from annotator.ui.dialogs.steps import JobDialog

ANY = "Any"
CHOOSE = "Choose whose spans…"
NOBODY = "Texts only (nobody has annotated yet)"
EACH = "Each annotator (one record per document and annotator)"
GOLD = "Gold (the reviewed layer)"


class ExportDialog(JobDialog):
    """Choose what to export and where; the export runs in cancellable slices."""

    exported = Signal(object)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(
            "Export dataset", "Export", "The summary of the export appears here.", parent
        )
        self._engine = engine
        self._suggested = ""
        self.export_button = self.action_button

        self.format = QComboBox(self)
        for fmt in writable_formats():
            self.format.addItem(fmt.writer.label if fmt.writer else fmt.name, fmt.name)
        self.annotator = QComboBox(self)
        self._add_layer_choices(annotators_who_worked(engine))
        self.status = QComboBox(self)
        self.status.addItem(ANY, None)
        for status in Status:
            self.status.addItem(status.value.replace("_", " "), status.value)
        self.labels = QListWidget(self)
        self.labels.setMaximumHeight(110)
        for label in get_schema(engine):
            item = QListWidgetItem(label.name, self.labels)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.split = QCheckBox("Split into train / dev / test", self)
        self.split_parts = QLineEdit("80/10/10", self)
        self.split_parts.setEnabled(False)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(13)
        self.seed.setEnabled(False)
        self.split.toggled.connect(self.split_parts.setEnabled)
        self.split.toggled.connect(self.seed.setEnabled)
        self.output = QLineEdit(self)
        self.browse = QPushButton("Browse…", self)
        self.browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start_export)

        split_row = QHBoxLayout()
        split_row.addWidget(self.split)
        split_row.addWidget(self.split_parts)
        split_row.addWidget(self.seed)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Spans of", self.annotator)
        form.addRow("Document status", self.status)
        form.addRow("Labels", self.labels)
        form.addRow("Split (seed)", split_row)
        form.addRow("Save to", output_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._suggest_output)
        self._suggest_output()

    def _add_layer_choices(self, names: list[str]) -> None:
        """Each item's data is ``(SpanSource, annotator name or None)``."""
        if len(names) != 1:
            self.annotator.addItem(CHOOSE if names else NOBODY, (SpanSource.ANNOTATORS, None))
        for name in names:
            self.annotator.addItem(name, (SpanSource.ANNOTATORS, name))
        self.annotator.addItem(EACH, (SpanSource.EACH, None))
        self.annotator.addItem(GOLD, (SpanSource.GOLD, None))

    def _suggest_output(self) -> None:
        """A fresh timestamped name in the same folder, unless the person typed a name."""
        if self.output.text() and self.output.text() != self._suggested:
            return
        fmt = get_format(self.format.currentData())
        suggested = default_output(fmt)
        folder = Path(self._suggested).parent if self._suggested else suggested.parent
        self._suggested = str(folder / suggested.name)
        self.output.setText(self._suggested)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.output.text(), "JSON Lines (*.jsonl);;All files (*)"
        )
        if path:
            self.output.setText(path)

    def options(self) -> ExportOptions:
        """The export the form describes; ``InputError`` for a bad split."""
        checked = [
            self.labels.item(i).text()
            for i in range(self.labels.count())
            if self.labels.item(i).checkState() == Qt.CheckState.Checked
        ]
        layer = self.annotator.currentData()
        source, annotator = SpanSource(layer[0]), layer[1]
        status = self.status.currentData()
        return ExportOptions(
            format=self.format.currentData(),
            output=Path(self.output.text()).expanduser() if self.output.text() else None,
            selection=Selection(
                annotators=(annotator,) if annotator else None,
                statuses=(status,) if status else None,
                labels=None if len(checked) == self.labels.count() else tuple(checked),
                source=source,
            ),
            split=parse_split(self.split_parts.text()) if self.split.isChecked() else None,
            seed=self.seed.value(),
        )

    def start_export(self) -> None:
        try:
            steps = export_steps(self._engine, self.options())
        except AnnotatorError as exc:
            self.summary.setPlainText(str(exc))
            return
        self.run(
            steps,
            "Exporting",
            "The export failed; no file was written.",
            "Export cancelled; no file was written.",
        )

    def finish(self, result: object) -> list[str]:
        assert isinstance(result, ExportSummary)
        self._suggest_output()
        self.exported.emit(result)
        return result.lines()
