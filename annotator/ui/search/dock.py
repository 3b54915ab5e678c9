"""The corpus dock (Ctrl+Shift+F): search with keyword-in-context hits and Tag all, the
span concordance with bulk relabel and delete, and the consistency checks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QTabWidget, QWidget

from annotator.ui.search.checks_tab import ChecksTab
from annotator.ui.search.concordance_tab import ConcordanceTab
from annotator.ui.search.search_tab import SearchTab
from annotator.ui.workspace import Workspace


class SearchDock(QDockWidget):
    """``show`` asks the window to open a document with code points ``start``-``end``
    selected (a hit, a span of a group, a place of a case)."""

    reveal = Signal(int, int, int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("Corpus", parent)
        self.setObjectName("corpus-dock")
        self.tabs = QTabWidget(self)
        self.search = SearchTab(workspace, self.tabs)
        self.concordance = ConcordanceTab(workspace, self.tabs)
        self.checks = ChecksTab(workspace, self.tabs)
        self.tabs.addTab(self.search, "Search")
        self.tabs.addTab(self.concordance, "Concordance")
        self.tabs.addTab(self.checks, "Checks")
        self.setWidget(self.tabs)
        self.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.search.hitActivated.connect(self.reveal)
        self.concordance.spanActivated.connect(self.reveal)
        self.checks.placeActivated.connect(self.reveal)

    def open_search(self) -> None:
        """Show the dock on its Search tab with the query field focused."""
        self.show()
        self.raise_()
        self.tabs.setCurrentWidget(self.search)
        self.search.field.setFocus()
        self.search.field.selectAll()
