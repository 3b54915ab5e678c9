"""The review link list: each quote the annotators linked differently, who linked it to whom,
its gold speaker and where its review stands."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt

from annotator.core.link_review import LinkDisagreement
from annotator.session.review import State
from annotator.store.gold_links import GoldLink
from annotator.store.review import Key
from annotator.ui.plain import one_line, plain_tooltip
from annotator.ui.review.spans import BACKGROUNDS
from annotator.ui.tables import FlatTableModel, Index

WORDS_MAX = 40


def speaker_words(text: str, key: Key) -> str:
    """A speaker as the review lists it: its words, shortened."""
    return one_line(text[key[0] : key[1]], 28)


def version_text(text: str, children: Sequence[Key]) -> str:
    return ", ".join(speaker_words(text, key) for key in children) or "no link"


class ReviewLinkModel(FlatTableModel):
    """The review session's link disagreements, tinted by where each stands."""

    COLUMNS = ("Quote", "Speakers", "Gold", "Review")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._items: list[LinkDisagreement] = []
        self._gold: list[list[GoldLink]] = []
        self._states: list[State] = []

    def set_items(
        self,
        text: str,
        items: Sequence[LinkDisagreement],
        gold: Sequence[list[GoldLink]],
        states: Sequence[State],
    ) -> None:
        self.beginResetModel()
        self._text = text
        self._items, self._gold, self._states = list(items), list(gold), list(states)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        row, column = index.row(), index.column()
        item = self._items[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return one_line(self._text[item.start : item.end], WORDS_MAX)
            if column == 1:
                return " · ".join(
                    f"{name}: {version_text(self._text, children)}"
                    for name, children in item.versions.items()
                )
            if column == 2:
                return ", ".join(speaker_words(self._text, x.child) for x in self._gold[row])
            return str(self._states[row])
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(self._text[item.start : item.end])
        if role == Qt.ItemDataRole.BackgroundRole:
            return BACKGROUNDS.get(self._states[row])
        return None
