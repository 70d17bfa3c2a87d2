"""The study log as a thin table model: date, minutes, skill, note (newest first).

Threading rule: GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, Qt

from tracker.db.types import StudySession
from tracker.ui.models.rows import RowTableModel

SessionIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

DATE_COL, MINUTES_COL, SKILL_COL, NOTE_COL = range(4)
HEADERS = ("Date", "Minutes", "Skill", "Note")
_D = Qt.ItemDataRole


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


class StudyTableModel(RowTableModel):
    """Rows are :class:`StudySession` dataclasses; skill ids shown by their titles."""

    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[StudySession] = []
        self._skills: Mapping[str, str] = {}

    def set_sessions(self, sessions: Sequence[StudySession],
                     skill_titles: Mapping[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(sessions)
        self._skills = dict(skill_titles)
        self.endResetModel()

    def session(self, row: int) -> StudySession:
        return self._rows[row]

    def data(self, index: QModelIndex, role: int = _D.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role in (_D.DisplayRole, _D.AccessibleTextRole):
            if col == DATE_COL:
                return s.day
            if col == MINUTES_COL:
                return format_minutes(s.minutes)
            if col == SKILL_COL:
                return self._skills.get(s.skill, s.skill) if s.skill else ""
            if col == NOTE_COL:
                return " ".join(s.note.split())  # one line here; the tooltip has it all
            return None
        if role == _D.ToolTipRole and col == NOTE_COL and s.note:
            # Tooltips auto-detect rich text: escape the user's words.
            return "<p>" + html.escape(s.note).replace("\n", "<br>") + "</p>"
        if role == SessionIdRole:
            return s.id
        if role == SortRole:
            if col == MINUTES_COL:
                return s.minutes
            if col == DATE_COL:
                return f"{s.day}:{s.id:012d}"
            return str(self.data(index, _D.DisplayRole)).casefold()
        if role == _D.TextAlignmentRole and col == MINUTES_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
