"""The one date field of the app: ISO dates (``yyyy-MM-dd``) that can be typed as written.

A plain QDateEdit edits section by section, which trips people up in two ways: typing
``2025-06-15`` gives 2025-02-06 (the year fills up, the field moves on to the month by
itself, and the typed "-" then skips the month as well), and Tab walks year, month and day
before it leaves the field. :class:`DateField` fixes both: a separator typed right after the
field moved on by itself is swallowed, one Tab (or Shift+Tab) leaves the field, and arriving
by keyboard (or Ctrl+A) puts the year up for typing, so typing a whole date replaces it;
a digit typed at the start of a section replaces that section, and one typed after a
complete date starts a new one. The arrow keys, the mouse
wheel and the calendar popup work as before.

Every date the app shows or reads is in :data:`DATE_FORMAT`. GUI thread only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QDateEdit, QWidget

DATE_FORMAT = "yyyy-MM-dd"
_SEPARATORS = frozenset("-/.")
_SECTION_STARTS = {0: 0, 5: 1, 8: 2}  # cursor position -> section index in DATE_FORMAT


def qdate(value: date | str) -> QDate:
    """A QDate from a ``date`` or an ISO ``YYYY-MM-DD`` string (invalid QDate if unreadable)."""
    if isinstance(value, date):
        return QDate(value.year, value.month, value.day)
    return QDate.fromString(value, DATE_FORMAT)


def iso(value: QDate) -> str:
    """A QDate as ``YYYY-MM-DD``."""
    return value.toString(DATE_FORMAT)


class DateField(QDateEdit):
    """A QDateEdit in :data:`DATE_FORMAT` with a calendar popup, typing that follows what
    is typed, and one Tab stop. ``lo``/``hi`` set the allowed range."""

    def __init__(self, accessible_name: str = "", parent: QWidget | None = None, *,
                 lo: date | None = None, hi: date | None = None):
        super().__init__(parent)
        self.setDisplayFormat(DATE_FORMAT)
        self.setCalendarPopup(True)
        if accessible_name:
            self.setAccessibleName(accessible_name)
        if lo is not None:
            self.setMinimumDate(qdate(lo))
        if hi is not None:
            self.setMaximumDate(qdate(hi))
        self._moved_on = False  # the last digit filled a section and the field moved on

    def iso(self) -> str:
        return iso(self.date())

    # ------------------------------------------------------------------ keyboard
    def focusNextPrevChild(self, next_: bool) -> bool:
        # QDateTimeEdit moves between its sections here; one Tab stop is what forms expect.
        return QWidget.focusNextPrevChild(self, next_)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._moved_on = False
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                              Qt.FocusReason.ShortcutFocusReason):
            # After QDateTimeEdit has picked a section: the whole date, ready to be typed over.
            QTimer.singleShot(0, self._select_all_if_focused)

    def _select_all_if_focused(self) -> None:
        if self.hasFocus():
            self._select_section(0)

    def _select_section(self, index: int) -> None:
        self.setCurrentSectionIndex(index)
        self.setSelectedSection(self.sectionAt(index))

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not (
                event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._moved_on = False
            forward = key == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.focusNextPrevChild(forward)
            event.accept()
            return
        text = event.text()
        if text and text in _SEPARATORS and self._moved_on:
            # "2025" already moved the field to the month: this "-" is the one the user typed
            # to get there, not a wish to skip the month.
            self._moved_on = False
            event.accept()
            return
        if text and text.isdigit():
            edit = self.lineEdit()
            if edit.selectedText() == edit.text() or (
                    not edit.hasSelectedText() and edit.cursorPosition() == len(edit.text())
                    and self.lineEdit().hasAcceptableInput()):
                # Ctrl+A, or the cursor after a complete date: a new date, year first
                self._select_section(0)
            elif not edit.hasSelectedText() and edit.cursorPosition() in _SECTION_STARTS:
                self._select_section(_SECTION_STARTS[edit.cursorPosition()])
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._moved_on = bool(text) and text.isdigit() and self.currentSectionIndex() != before
