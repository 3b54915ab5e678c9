"""The keyboard cheat sheet (F1 or ?), built from the windows' own actions and grouped by
where a key works: annotating, moving between documents, reviewing, and the app itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

GROUPS = ("Annotate", "Navigate", "Review", "App")


class Shortcut(NamedTuple):
    group: str
    what: str
    keys: str


SELECTING = [
    Shortcut("Annotate", "Select text", "drag, Shift+arrows, or double-click a word"),
    Shortcut("Annotate", "Tag the selection", "its label's key, or click the label"),
    Shortcut("Annotate", "Select a span", "click it in the text or the span list"),
    Shortcut("Annotate", "Tag a find match", "Enter in the find bar, then the label's key"),
    Shortcut("Annotate", "Close the find bar", "Esc in the find bar"),
]


def action_keys(action: QAction) -> str:
    """The action's shortcuts as the platform writes them; empty sequences left out."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(k.toString(native) for k in action.shortcuts() if not k.isEmpty())


def action_name(action: QAction) -> str:
    """The action's short name: its icon text, which an undo action sets to plain "Undo"
    while its menu text follows the stack ("Undo mark done")."""
    return action.iconText().replace("&", "").rstrip("…").strip()


def _menus(menu: QMenu, title: str) -> Iterable[tuple[QAction, str]]:
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            yield from _menus(submenu, title)
        else:
            yield action, title


def shortcut_rows(
    window: QMainWindow, groups_by_menu: Mapping[str, str], default: str
) -> list[Shortcut]:
    """Every action of ``window`` that has a key, in its menu's group (``groups_by_menu``
    maps a menu's title without "&" to a group; others, and actions in no menu, go to
    ``default``), in menu order."""
    menu_of: dict[QAction, str] = {}
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu):
            title = entry.text().replace("&", "")
            menu_of.update(_menus(menu, groups_by_menu.get(title, default)))
    rows = []
    for action in window.actions():
        keys, name = action_keys(action), action_name(action)
        if keys and name:
            rows.append(Shortcut(menu_of.get(action, default), name, keys))
    return rows


class CheatSheet(QDialog):
    """The shortcuts under one heading per group, in ``GROUPS`` order, each listed once."""

    def __init__(self, shortcuts: Iterable[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = list(dict.fromkeys([*SELECTING, *shortcuts]))
        tree = QTreeWidget(self)
        tree.setColumnCount(2)
        tree.setHeaderLabels(["Action", "Keys"])
        tree.setRootIsDecorated(False)
        tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        order = {group: i for i, group in enumerate(GROUPS)}
        for group in sorted({row.group for row in rows}, key=lambda g: order.get(g, len(order))):
            heading = QTreeWidgetItem(tree, [group])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFirstColumnSpanned(True)
            for row in rows:
                if row.group == group:
                    QTreeWidgetItem(heading, [row.what, row.keys])
        tree.expandAll()
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tree)
        layout.addWidget(buttons)
        self.tree = tree
        self.resize(560, 660)
