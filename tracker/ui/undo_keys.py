"""Ctrl+Z in a text box that has nothing of its own to undo undoes the last change instead.

A QLineEdit claims Ctrl+Z (and Ctrl+Shift+Z / Ctrl+Y) for itself even when its own undo
history is empty, so with the focus in the Skills filter box the key did nothing at all
while the Edit menu offered "Undo Mark … done". :class:`UndoFallthrough` watches the line
edits of one window as they get the focus and lets those keys through to the window's undo
and redo actions whenever the box itself has nothing to undo or redo. A box with its own
history (text just typed) keeps the usual behaviour.

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

_WATCHED = "_undoFallthrough"


class UndoFallthrough(QObject):
    """Installed once per main window (see :meth:`install`)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)

    @classmethod
    def install(cls, window: QWidget) -> "UndoFallthrough":
        return cls(window)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if (isinstance(new, QLineEdit) and not new.property(_WATCHED)
                and self._window.isAncestorOf(new)):
            new.setProperty(_WATCHED, True)
            new.installEventFilter(self)

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
