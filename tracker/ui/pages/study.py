"""The Study log page: log a session (date, minutes, optional skill, note), see and delete
sessions, and the weekly totals of the last 16 weeks as a chart.

Slots collect input and call AddStudySession / DeleteStudySession through ``perform``.
Reads are single small queries (the sessions, minutes per day), fine on the GUI thread.

Threading rule: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker import validation as v
from tracker.db.types import StudySession
from tracker.ui import theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.keys import is_delete_key
from tracker.ui.models.study_table import (
    DATE_COL,
    NOTE_COL,
    SessionIdRole,
    SortRole,
    StudyTableModel,
    format_minutes,
)
from tracker.ui.operations import (
    AddStudySession,
    DeleteStudySession,
    DeleteStudySessions,
    perform,
)
from tracker.ui.pages.base import Page
from tracker.ui.widgets import Card, heading, label, tip
from tracker.ui.widgets.dates import DateField, iso
from tracker.ui.widgets.weekly_chart import WEEKS, WeeklyChart, first_day_needed, weekly_totals

NO_SKILL = "(none)"


class _Table(QTableView):
    """A table that reports the Delete key (the page decides what it means)."""

    delete_pressed = Signal()

    def keyPressEvent(self, e) -> None:
        if is_delete_key(e):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(e)


TABLE_LIMIT = 1000  # sessions per page of the table


class StudyPage(Page):
    title = "Study log"
    object_name = "studyPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today):
        super().__init__(ctx, parent)
        self._today = today
        self._loaded_day = ""
        self._offset = 0  # how many newer sessions the table's page skips
        self._total = 0

        # ---- the form
        self.date_edit = DateField("Study date")
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(1, v.MAX_MINUTES)
        self.minutes_spin.setValue(30)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setAccessibleName("Minutes studied")
        self.skill_combo = QComboBox()
        self.skill_combo.setAccessibleName("Skill studied")
        self.skill_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.skill_combo.setMinimumContentsLength(16)
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Study note")
        self.note_edit.setPlaceholderText("What did you study? (optional)")
        self.note_edit.setMaxLength(v.MAX_NOTE)
        self.add_button = QPushButton("&Add session")
        self.add_button.setDefault(True)

        form = QGridLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(4)
        pairs = (("&Date", self.date_edit), ("&Minutes", self.minutes_spin),
                 ("S&kill", self.skill_combo), ("&Note", self.note_edit))
        for col, (text, w) in enumerate(pairs):
            lab = QLabel(text)
            lab.setBuddy(w)
            form.addWidget(lab, 0, col)
            form.addWidget(w, 1, col)
        form.addWidget(self.add_button, 1, len(pairs))
        form.setColumnStretch(3, 1)
        form_card = self.form_card = Card("Log a study session")
        form_card.body.addLayout(form)

        # ---- the chart
        self.chart = WeeklyChart()
        self.chart_summary = label(role="muted")
        chart_card = Card(f"Weekly totals, last {WEEKS} weeks")
        chart_card.body.addWidget(self.chart_summary)
        chart_card.body.addWidget(self.chart, 1)

        # ---- the table
        self.model = StudyTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = _Table()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Study sessions")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DATE_COL, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NOTE_COL, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 110), (1, 110), (2, 220)):
            self.table.setColumnWidth(col, width)
        self.delete_button = QPushButton("&Delete session")
        self.delete_button.setToolTip("Delete the selected sessions (Delete); undo brings "
                                      "them back")
        self.empty = label("No sessions logged yet: add one above.", role="muted")
        # Paging: a long history is shown TABLE_LIMIT sessions at a time, all reachable.
        self.newer_button = QPushButton("N&ewer")
        self.newer_button.setToolTip(f"The {TABLE_LIMIT:,} newer sessions")
        self.older_button = QPushButton("&Older")
        self.older_button.setToolTip(f"The {TABLE_LIMIT:,} older sessions")
        self.page_label = label(role="muted")
        self.page_label.setAccessibleName("Sessions shown")
        table_bar = QHBoxLayout()
        table_bar.addWidget(heading("Sessions", 1))
        table_bar.addWidget(self.empty)
        table_bar.addStretch(1)
        table_bar.addWidget(self.newer_button)
        table_bar.addWidget(self.page_label)
        table_bar.addWidget(self.older_button)
        table_bar.addSpacing(theme.SPACING)
        table_bar.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(heading("Study log", 4))
        layout.addWidget(form_card)
        layout.addWidget(chart_card)
        layout.addLayout(table_bar)
        layout.addWidget(self.table, 1)

        self.add_button.clicked.connect(self.add_session)
        self.note_edit.returnPressed.connect(self.add_session)
        self.delete_button.clicked.connect(self.delete_selected)
        self.newer_button.clicked.connect(lambda: self.show_sessions_from(
            self._offset - TABLE_LIMIT))
        self.older_button.clicked.connect(lambda: self.show_sessions_from(
            self._offset + TABLE_LIMIT))
        self.table.delete_pressed.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        order = (self.date_edit, self.minutes_spin, self.skill_combo, self.note_edit,
                 self.add_button, self.chart, self.newer_button, self.older_button,
                 self.delete_button, self.table)
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)

        self._fill_skills()
        self._reset_date()
        self.reload()

    # -------------------------------------------------------- data
    def _fill_skills(self) -> None:
        cur = self.ctx.store.curriculum()
        keep = self.skill_combo.currentData()
        self.skill_combo.clear()
        self.skill_combo.addItem(NO_SKILL, None)
        areas = {a.id: a.title for a in cur.areas}
        for s in cur.skills:
            self.skill_combo.addItem(s.title, s.id)
            self.skill_combo.setItemData(self.skill_combo.count() - 1,
                                         tip(areas.get(s.area, "")), Qt.ItemDataRole.ToolTipRole)
        ix = self.skill_combo.findData(keep)
        self.skill_combo.setCurrentIndex(max(0, ix))

    def _reset_date(self) -> None:
        today = QDate(self._today())
        # The rules' range, up to today: a study day in the future is refused everywhere.
        lo = v.MIN_DATE
        self.date_edit.setDateRange(QDate(lo.year, lo.month, lo.day), today)
        self.date_edit.setDate(today)

    def reload(self) -> None:
        today = self._today()
        self._loaded_day = today.isoformat()
        keep = set(self.selected_ids())
        cur = self.ctx.store.curriculum()
        # The table holds one page of sessions, so a long history (tens of thousands) costs
        # no more to show than a short one; Older/Newer reach every one of them, and the
        # chart covers all of them.
        sessions = self.ctx.store.study_sessions(limit=TABLE_LIMIT, offset=self._offset)
        if self._offset and not sessions:  # the last page emptied (deleted elsewhere)
            total = self.ctx.store.counts()["study_sessions"]
            self._offset = max(0, (total - 1) // TABLE_LIMIT * TABLE_LIMIT)
            sessions = self.ctx.store.study_sessions(limit=TABLE_LIMIT, offset=self._offset)
        self.model.set_sessions(sessions, {s.id: s.title for s in cur.skills})
        self._select_ids(keep)
        paged = self._offset > 0 or len(sessions) >= TABLE_LIMIT
        self._total = total_sessions = (self.ctx.store.counts()["study_sessions"] if paged
                                        else len(sessions))
        self.empty.setText("No study sessions in this file." if self.read_only
                           else "No sessions logged yet: add one above.")
        self.empty.setVisible(not sessions)
        first = self._offset + 1
        self.page_label.setText(f"{first:,}–{self._offset + len(sessions):,} of "
                                f"{total_sessions:,}, newest first")
        for w in (self.newer_button, self.page_label, self.older_button):
            w.setVisible(total_sessions > TABLE_LIMIT)
        self.newer_button.setEnabled(self._offset > 0)
        self.older_button.setEnabled(self._offset + len(sessions) < total_sessions)
        by_day = self.ctx.store.study_minutes_by_day(first_day_needed(today))
        totals = weekly_totals(by_day, today)
        self.chart.set_totals(totals)
        this_week = totals[-1][1] if totals else 0
        total = sum(m for _, m in totals)
        self.chart_summary.setText(
            f"This week: {format_minutes(this_week)} · last {WEEKS} weeks: "
            f"{format_minutes(total)} · weekly average: {format_minutes(round(total / WEEKS))}"
            if total else "Nothing logged in the last 16 weeks yet.")
        self._update_buttons()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if Kinds.CURRICULUM in kinds:
            self._fill_skills()
        if kinds & {Kinds.STUDY, Kinds.CURRICULUM}:
            if self.isVisible():
                self.reload()
            else:
                self._loaded_day = None  # reload when next shown (hidden pages do no work)

    def open_item(self, arg: object) -> None:
        self.date_edit.setFocus()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if self._loaded_day != self._today().isoformat():  # a new day since the last look
            if self.date_edit.date() == self.date_edit.maximumDate():
                self._reset_date()
            else:
                self.date_edit.setMaximumDate(QDate(self._today()))
            self.reload()

    def show_sessions_from(self, offset: int) -> None:
        """Show the page of sessions that starts ``offset`` sessions back from the newest."""
        self._offset = max(0, offset)
        self.reload()
        if self.proxy.rowCount():
            self.table.scrollToTop()

    def page_offset(self) -> int:
        return self._offset

    # -------------------------------------------------------- selection
    def selected_ids(self) -> list[int]:
        sel = self.table.selectionModel()
        return [ix.data(SessionIdRole) for ix in sel.selectedRows()] if sel else []

    def _select_ids(self, ids: set[int]) -> None:
        sel = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for sid in ids:
            row = self.model.row_of(sid)
            if row >= 0:
                sel.select(self.proxy.mapFromSource(self.model.index(row, 0)), flags)

    def _update_buttons(self, *_args) -> None:
        self.delete_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # -------------------------------------------------------- actions
    def add_session(self) -> bool:
        if self.read_only:
            return False
        day = iso(self.date_edit.date())
        op = AddStudySession(self.ctx, self.minutes_spin.value(), day,
                             self.skill_combo.currentData(), self.note_edit.text().strip())
        self._offset = 0  # the newest page, where a session logged now usually lands
        if not perform(self.ctx, op):
            return False
        self.note_edit.clear()
        if op.added is not None:
            row = self.model.row_of(op.added.id)
            if row >= 0:
                ix = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.scrollTo(ix)
        return True

    def delete_selected(self) -> None:
        sessions: list[StudySession] = []
        for sid in self.selected_ids():
            row = self.model.row_of(sid)
            if row >= 0:
                sessions.append(self.model.session(row))
        if not sessions or self.read_only:
            return
        next_row = self.table.currentIndex().row()
        # One operation, one transaction and one refresh, however many are selected.
        perform(self.ctx, DeleteStudySession(self.ctx, sessions[0]) if len(sessions) == 1
                else DeleteStudySessions(self.ctx, sessions))
        rows = self.proxy.rowCount()
        if rows:
            self.table.selectRow(min(max(next_row, 0), rows - 1))
        self.table.setFocus()

    # -------------------------------------------------------- review mode
    def set_read_only(self, read_only: bool) -> None:
        """Review mode: the learner's sessions and weekly totals are shown; the form to log a
        session and Delete are not (the Delete key does nothing)."""
        super().set_read_only(read_only)
        self.form_card.setVisible(not read_only)
        self.delete_button.setVisible(not read_only)
        self.empty.setText("No study sessions in this file." if read_only
                           else "No sessions logged yet: add one above.")
