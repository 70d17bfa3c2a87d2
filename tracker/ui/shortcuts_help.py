"""Help > Keyboard Shortcuts: every menu shortcut of the window (read from its actions, so the
list cannot drift from the menus) and the Skills tree's own keys.

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QMainWindow, QMenu,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from tracker.readiness import DONE, LEARNING, TODO
from tracker.ui.models.skill_tree import STATE_KEYS

#: The Skills tree's keys (not menu actions, so listed here; the tree's tooltips say the same).
TREE_KEYS: tuple[tuple[str, str], ...] = (
    ("Click the circle", "To do → Learning → Done → To do (one undo step each)"),
    (STATE_KEYS[TODO], "Mark the selected milestones To do"),
    (STATE_KEYS[LEARNING], "Mark the selected milestones Learning"),
    (STATE_KEYS[DONE], "Mark the selected milestones Done"),
    ("Space", "Mark the selected milestones done (never undoes done)"),
    ("Menu key / right-click", "Choose any state; expand or collapse all"),
    ("Down (in the filter box)", "Move into the tree"),
    ("Escape (in the filter box)", "Clear the filter text"),
)


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu title, keys, action text) for every menu action with a shortcut, in menu order."""
    out: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, title: str) -> None:
        for a in menu.actions():
            sub = a.menu()
            if isinstance(sub, QMenu):
                walk(sub, title)
            elif not a.isSeparator() and not a.shortcut().isEmpty():
                keys = " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                                   for s in a.shortcuts())
                out.append((title, keys, _plain(a)))

    for top in window.menuBar().actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            walk(sub, top.text().replace("&", ""))
    return out


def _plain(a: QAction) -> str:
    return a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard Shortcuts")
        lay = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setHeaderLabels(["Keys", "What it does"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        sections: dict[str, list[tuple[str, str]]] = {}
        for menu, keys, text in menu_shortcuts(window):
            sections.setdefault(f"{menu} menu", []).append((keys, text))
        sections["Skills tree"] = list(TREE_KEYS)
        for title, rows in sections.items():
            head = QTreeWidgetItem([title, ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            self.tree.addTopLevelItem(head)
            for keys, text in rows:
                self.tree.addTopLevelItem(QTreeWidgetItem([keys, text]))
        lay.addWidget(self.tree)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str]]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [(item.text(0), item.text(1)) for item in items if item is not None]
