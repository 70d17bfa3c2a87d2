"""The keys that mean "delete the selected rows" in every list and table of the app: one
table, so the Skills evidence list, the Certifications table and the Study table agree.

GUI thread only (reads a key event)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

# Delete, and Backspace (a Mac keyboard's "delete"); never with a modifier: Ctrl+Backspace
# and the like belong to the focused editor.
DELETE_KEYS = frozenset({Qt.Key.Key_Delete, Qt.Key.Key_Backspace})


def is_delete_key(e: QKeyEvent) -> bool:
    return e.key() in DELETE_KEYS and not e.modifiers()
