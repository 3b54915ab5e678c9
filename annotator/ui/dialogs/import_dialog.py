"""File > Import: files, format, annotator, labels and how to read other tools' files (label
map, offsets, text field, predictions); the summary or problems as plain text."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from annotator.formats.importing import ImportSummary, import_steps
from annotator.formats.records import ReadOptions, parse_label_map
from annotator.formats.registry import readable_formats, readable_suffixes
from annotator.ui.dialogs.steps import JobDialog


class ImportDialog(JobDialog):
    """Import files all or nothing; ``imported`` carries the store's ``Change``."""

    imported = Signal(object)

    def __init__(
        self, engine: Engine, annotator: str = "imported", parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Import documents and annotations",
            "Import",
            "Nothing is written unless every line is valid; problems are listed here.",
            parent,
        )
        self._engine = engine
        self.import_button = self.action_button

        self.files = QListWidget(self)
        self.files.setMaximumHeight(110)
        self.add_files = QPushButton("Add files…", self)
        self.add_files.clicked.connect(self._browse)
        self.clear_files = QPushButton("Clear", self)
        self.clear_files.clicked.connect(self.files.clear)
        self.format = QComboBox(self)
        self.format.addItem("Detect from each file", None)
        for fmt in readable_formats():
            self.format.addItem(fmt.description, fmt.name)
        self.annotator = QLineEdit(annotator, self)
        self.annotator.setToolTip("Whose annotations these are when the files do not say")
        self.file_annotators = QCheckBox(
            "Keep the annotators the files name (doccano users, Label Studio's completed_by, "
            "Prodigy sessions) apart",
            self,
        )
        self.file_annotators.setChecked(True)
        self.add_labels = QCheckBox("Add labels the files use that the schema lacks", self)
        self.skip_unsupported = QCheckBox(
            "Count what cannot be stored (brat relations, events, attributes) as not read",
            self,
        )
        self.label_map = QLineEdit(self)
        self.label_map.setPlaceholderText("PER=actor,ORG=agency,MISC=  (MISC= leaves MISC out)")
        self.label_map.setToolTip("Rename labels as they are read; doccano label ids too: 1=actor")
        self.offsets = QComboBox(self)
        self.offsets.addItem("Code points (Python, spaCy, Prodigy)", False)
        self.offsets.addItem("UTF-16 units (JavaScript: some doccano, Label Studio)", True)
        self.text_field = QLineEdit(self)
        self.text_field.setPlaceholderText("the data field holding the text, when several")
        self.predictions = QCheckBox("Import Label Studio predictions as suggested spans", self)
        self.import_button.clicked.connect(self.start_import)

        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_files)
        file_buttons.addWidget(self.clear_files)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)
        form = QFormLayout()
        form.addRow("Files", file_row)
        form.addRow("Format", self.format)
        form.addRow("Annotator", self.annotator)
        form.addRow("", self.file_annotators)
        form.addRow("", self.add_labels)
        form.addRow("", self.skip_unsupported)
        form.addRow("Label map", self.label_map)
        form.addRow("Offsets", self.offsets)
        form.addRow("Text field", self.text_field)
        form.addRow("", self.predictions)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)

    def add_paths(self, paths: list[str]) -> None:
        for path in paths:
            self.files.addItem(path)

    def _browse(self) -> None:
        patterns = " ".join(f"*{s}" for s in sorted(readable_suffixes()))
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import", "", f"Importable files ({patterns});;All files (*)"
        )
        self.add_paths(paths)

    def paths(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]

    def read_options(self) -> ReadOptions:
        """The reading options as set; ``ValueError`` if the label map is malformed."""
        annotator = self.annotator.text().strip() or "imported"
        return ReadOptions(
            label_map=parse_label_map(self.label_map.text()),
            annotator=None if self.file_annotators.isChecked() else annotator,
            utf16_offsets=self.offsets.currentData(),
            text_field=self.text_field.text().strip() or None,
            predictions=self.predictions.isChecked(),
            skip_unsupported=self.skip_unsupported.isChecked(),
        )

    def start_import(self) -> None:
        if not self.paths():
            self.summary.setPlainText("Add one or more files to import.")
            return
        try:
            options = self.read_options()
        except ValueError as exc:
            self.summary.setPlainText(f"Label map: {exc}")
            return
        steps = import_steps(
            self._engine,
            self.paths(),
            annotator=self.annotator.text().strip() or "imported",
            format_name=self.format.currentData(),
            add_missing_labels=self.add_labels.isChecked(),
            options=options,
        )
        self.run(
            steps,
            "Importing",
            "Nothing was imported.",
            "Import cancelled; nothing was imported.",
        )

    def finish(self, result: object) -> list[str]:
        assert isinstance(result, ImportSummary)
        self.imported.emit(result.change)
        return result.lines()
