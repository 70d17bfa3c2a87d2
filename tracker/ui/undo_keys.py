"""Ctrl+Z in a text box that has nothing of its own to undo undoes the last change instead.

A QLineEdit claims Ctrl+Z (and Ctrl+Shift+Z / Ctrl+Y) for itself even when its own undo
history is empty, so with the focus in the Skills filter box the key did nothing at all
while the Edit menu offered "Undo Mark … done". :class:`UndoFallthrough` watches the line
edits of a window's pages (the window hands it each page as it is built) and lets those keys
through to the window's undo and redo actions whenever the box itself has nothing to undo
or redo. A box with its own history (text just typed) keeps the usual behaviour.

It watches the widgets themselves, not ``QApplication.focusChanged``: that signal hands
Python widgets that are being destroyed, which is not safe to wrap.

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

_WATCHED = "_undoFallthrough"


class UndoFallthrough(QObject):
    """One per main window; :meth:`watch` each page (or any widget) it shows."""

    def __init__(self, window: QWidget):
        super().__init__(window)

    def watch(self, widget: QWidget) -> None:
        """Let Undo/Redo through from every line edit inside ``widget`` (once each)."""
        edits = widget.findChildren(QLineEdit)
        if isinstance(widget, QLineEdit):
            edits.append(widget)
        for edit in edits:
            if not edit.property(_WATCHED):
                edit.setProperty(_WATCHED, True)
                edit.installEventFilter(self)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(obj, QLineEdit):
            own = None
            if ev.matches(QKeySequence.StandardKey.Undo):
                own = obj.isUndoAvailable() and not obj.isReadOnly()
            elif ev.matches(QKeySequence.StandardKey.Redo) or ev.keyCombination() in (
                    QKeySequence("Ctrl+Shift+Z")[0], QKeySequence("Ctrl+Y")[0]):
                own = obj.isRedoAvailable() and not obj.isReadOnly()
            if own is False:
                ev.ignore()  # not claimed: the window's Undo/Redo shortcut runs
                return True
        return False
