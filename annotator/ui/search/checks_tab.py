"""The Checks tab: the consistency cases (the same text with different labels, a tagged
text left untagged elsewhere, spans partly overlapping another occurrence), each with the
places it shows; activating a case or a place opens its document there. The checks read in
a worker thread; the cases shown are those of the last run asked for."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.consistency import Case, Place
from annotator.store.consistency import consistency_cases
from annotator.store.documents import get_document
from annotator.ui.search.background import Background
from annotator.ui.search.group_models import ROW, CasesModel, PlacesModel, plural
from annotator.ui.tables import enable_sorting, setup_list_table
from annotator.ui.workspace import Workspace


def _table(parent: QWidget, model, stretch: int) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    setup_list_table(table, row_height=24)
    enable_sorting(table)
    header = table.horizontalHeader()
    for column in range(model.columnCount()):
        mode = QHeaderView.ResizeMode
        header.setSectionResizeMode(
            column, mode.Stretch if column == stretch else mode.ResizeToContents
        )
    return table


class ChecksTab(QWidget):
    """``placeActivated`` asks to show a place (document, start, end)."""

    placeActivated = Signal(int, int, int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._titles: dict[int, str] = {}
        self.scope_box = QComboBox(self)
        self.scope_box.addItem("My spans", "mine")
        self.scope_box.addItem("Across annotators", None)
        self.run_button = QPushButton("Run checks", self)
        self.reader = Background(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.cases = CasesModel(self)
        self.places = PlacesModel(self._title, self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.case_table = _table(splitter, self.cases, stretch=1)
        self.place_table = _table(splitter, self.places, stretch=0)
        splitter.addWidget(self.case_table)
        splitter.addWidget(self.place_table)
        top = QHBoxLayout()
        top.addWidget(self.scope_box)
        top.addWidget(self.run_button)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.run_button.clicked.connect(self.run)
        self.case_table.selectionModel().currentRowChanged.connect(self._show_places)
        self.case_table.activated.connect(self._open_case)
        self.place_table.activated.connect(self._open_place)
        self.reader.failed.connect(lambda reason: self.summary.setText(f"Cannot check: {reason}"))

    def run(self) -> None:
        who = self.workspace.annotator if self.scope_box.currentData() == "mine" else None
        engine = self.workspace.engine
        self.summary.setText("Checking…")
        self.reader.run(lambda: consistency_cases(engine, who), self._show_cases)

    def _show_cases(self, cases: list[Case]) -> None:
        self._titles.clear()
        self.cases.set_records(cases)
        self.places.set_records([])
        self.summary.setText(plural(len(cases), "case"))

    def _title(self, document_id: int) -> str:
        if document_id not in self._titles:
            document = get_document(self.workspace.engine, document_id)
            self._titles[document_id] = document.title or f"Document {document_id}"
        return self._titles[document_id]

    def _show_places(self, index: QModelIndex) -> None:
        case: Case | None = index.data(ROW) if index.isValid() else None
        self.places.set_records(case.places if case else [])

    def _open_case(self, index: QModelIndex) -> None:
        case: Case = index.data(ROW)
        self._show_places(index)
        if case.places:
            self._emit(case.places[0])

    def _open_place(self, index: QModelIndex) -> None:
        self._emit(index.data(ROW))

    def _emit(self, place: Place) -> None:
        self.placeActivated.emit(place.document_id, place.start, place.end)
