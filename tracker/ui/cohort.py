"""File > Open Cohort Folder…: every learner's progress file in a folder, in one table.

Rows are learners; columns are the target level, the current level, readiness per level (the
percent, with a ✓ when the learner is ready for it), the export date, integrity and the file.
The table sorts by any column (percents numerically) and filters on any text; a double-click
(or Enter) opens the learner in review mode; "Export CSV…" writes the rows shown, in the order
shown, with :func:`tracker.exchange.cohort.cohort_csv_bytes` (atomically).

Loading runs :func:`tracker.exchange.cohort.load_cohort` in a worker behind a cancellable
progress dialog; the worker only reads files and reports progress through a queued signal.
Files that cannot be read are counted and listed with their reasons; they never stop the load.

GUI thread only (apart from the loading function handed to the pool). Every string comes
from files and is shown as plain text (item views never interpret rich text).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QProgressDialog,
    QApplication,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker import APP_NAME
from tracker.db.errors import TrackerError
from tracker.exchange.cohort import CohortResult, CohortRow
from tracker.ui import icons, theme
from tracker.ui.exchange_actions import (
    checked_output,
    last_folder,
    message,
    one_line,
    plural,
    with_suffix,
)
from tracker.ui.widgets import heading, label, tip

SortRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
FIXED = ("Learner", "Target level", "Current level")
TAIL = ("Exported", "Integrity", "File")


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class CohortModel(QAbstractTableModel):
    """A thin adapter over a CohortResult's rows (plain data; GUI thread)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.result = CohortResult()
        self.levels: list[tuple[str, str]] = []
        self._titles: dict[str, str] = {}

    def set_result(self, result: CohortResult) -> None:
        self.beginResetModel()
        self.result = result
        self.levels = result.level_columns()
        self._titles = dict(self.levels)
        for row in result.rows:
            for s in row.levels:
                self._titles.setdefault(s.level, s.title)
        self.endResetModel()

    def rows(self) -> list[CohortRow]:
        return self.result.rows

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.result.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(self.levels) + len(TAIL)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        n = len(FIXED)
        if role == Qt.ItemDataRole.DisplayRole:
            if section < n:
                return FIXED[section]
            if section < n + len(self.levels):
                return self.levels[section - n][1]
            return TAIL[section - n - len(self.levels)]
        if role == Qt.ItemDataRole.ToolTipRole and n <= section < n + len(self.levels):
            return "Readiness percent; ✓ when the learner is ready for the level"
        return None

    def _level_title(self, lid: str | None) -> str:
        return self._titles.get(lid or "", lid or "")

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = self._data(index, role)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str):
            return tip(value)  # names and titles come from files: never rich text
        return value

    def _data(self, index: QModelIndex, role: int) -> Any:
        if not index.isValid():
            return None
        row = self.result.rows[index.row()]
        col = index.column()
        n, nl = len(FIXED), len(self.levels)
        if role == PathRole:
            return str(row.path)
        if n <= col < n + nl:
            lid = self.levels[col - n][0]
            s = next((x for x in row.levels if x.level == lid), None)
            if role == Qt.ItemDataRole.DisplayRole:
                return "—" if s is None else f"{s.percent:.1f}%{' ✓' if s.ready else ''}"
            if role == SortRole:
                return -1.0 if s is None else s.percent
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole and s is not None:
                return f"{s.title}: {s.percent:.1f}%, {'ready' if s.ready else 'not ready'}"
            if role == Qt.ItemDataRole.ForegroundRole and s is not None and s.ready:
                return theme.success(QGuiApplication.palette())
            return None
        if col < n:
            values = (row.learner or "(no name)", self._level_title(row.target_level) or "—",
                      self._level_title(row.current_level) or "none yet")
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return values[col]
            if role == SortRole:
                if col == 0:
                    return row.learner.casefold()
                lid = row.target_level if col == 1 else row.current_level
                rank = next((s.rank for s in row.levels if s.level == lid), 0)
                return rank
            return None
        tail = col - n - nl
        if tail == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.exported_at[:10]
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.exported_at
            if role == SortRole:
                return row.exported_at
        elif tail == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.integrity
            if role == SortRole:
                return row.integrity
            if role == Qt.ItemDataRole.ToolTipRole and row.integrity != "ok":
                return "The file was changed after it was exported"
            if role == Qt.ItemDataRole.ForegroundRole and row.integrity != "ok":
                return theme.warning(QGuiApplication.palette())
            if role == Qt.ItemDataRole.DecorationRole and row.integrity != "ok":
                return _warning_icon()
        elif tail == 2:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return row.path.name if role == Qt.ItemDataRole.DisplayRole else str(row.path)
            if role == SortRole:
                return row.path.name.casefold()
        return None


class CohortProxy(QSortFilterProxyModel):
    """Sorts on SortRole; the filter text matches any column, case-insensitively."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)


class _LoadSignals(QObject):
    progress = Signal(int, int)


class CohortWindow(QMainWindow):
    """The cohort table for one folder. ``open_review(path)`` opens a file in review mode.

    ``loaded`` is emitted (GUI thread) when a load is over, finished or cancelled;
    ``finished`` with an action name after Export CSV.
    """

    loaded = Signal()
    finished = Signal(str)

    def __init__(self, ctx: Any, folder: Path,
                 open_review: Callable[[Path], None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.folder = Path(folder)
        self.open_review = open_review
        self.result: CohortResult | None = None
        self.loading = False
        self.progress_dialog: QProgressDialog | None = None
        self.last_error_box = None
        self._cancel = threading.Event()
        self.setObjectName("cohortWindow")
        self.setWindowIcon(icons.app_icon())
        self.setWindowTitle(f"{APP_NAME} — Cohort: {self.folder.name or self.folder}")
        self.resize(1180, 720)

        self.model = CohortModel(self)
        self.proxy = CohortProxy(self)
        self.proxy.setSourceModel(self.model)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        lay.setSpacing(theme.SPACING)
        top = QHBoxLayout()
        top.addWidget(heading("Cohort", 4))
        self.folder_label = label(str(self.folder), role="muted", selectable=True)
        self.folder_label.setToolTip(tip(str(self.folder)))
        top.addWidget(self.folder_label, 1)
        lay.addLayout(top)

        bar = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter learners (name, level, date, integrity, file)")
        self.filter_edit.setAccessibleName("Filter learners")
        self.filter_edit.setClearButtonEnabled(True)
        self.summary = label("", role="muted")
        self.summary.setAccessibleName("Summary")
        self.open_button = QPushButton("Open in Review Mode")
        self.reload_button = QPushButton("Reload")
        self.csv_button = QPushButton("Export CSV…")
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.summary)
        bar.addWidget(self.open_button)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.csv_button)
        lay.addLayout(bar)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Learners")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        lay.addWidget(self.table, 1)

        self.bad_heading = heading("", 0)
        self.bad_list = QListWidget()
        self.bad_list.setAccessibleName("Files that could not be read")
        self.bad_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        lay.addWidget(self.bad_heading)
        lay.addWidget(self.bad_list)
        self.bad_heading.hide()
        self.bad_list.hide()
        self.setCentralWidget(central)

        self.csv_action = QAction("Export CSV…", self)
        self.csv_action.setShortcut(QKeySequence("Ctrl+S"))
        self.csv_action.triggered.connect(lambda _=False: self.export_csv())
        self.addAction(self.csv_action)
        close = QAction("Close", self)
        close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close.triggered.connect(self.close)
        self.addAction(close)

        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_edit.textChanged.connect(lambda _t: self._update_summary())
        self.table.activated.connect(self._activated)
        self.open_button.clicked.connect(self.open_selected)
        self.reload_button.clicked.connect(lambda: self.load())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Read the folder in a worker, behind a cancellable progress dialog."""
        from tracker.exchange.cohort import load_cohort

        if self.loading:
            return
        self.loading = True
        self._cancel = cancel = threading.Event()
        signals = _LoadSignals(self)  # lives on the GUI thread: emits from the pool are queued
        dlg = QProgressDialog(f"Reading the progress files in {self.folder.name}…", "Cancel",
                              0, 0, self)
        dlg.setWindowTitle(APP_NAME)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(400)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(cancel.set)
        self.progress_dialog = dlg

        def progress(done: int, total: int) -> None:
            if self.progress_dialog is dlg:
                dlg.setMaximum(total)
                dlg.setValue(done)
                dlg.setLabelText(f"Read {done} of {plural(total, 'file')}…")

        signals.progress.connect(progress)
        folder = self.folder

        def work() -> CohortResult:  # pool thread: files only
            return load_cohort([folder], on_progress=signals.progress.emit,
                               cancelled=cancel.is_set)

        self.summary.setText("Loading…")
        self._update_buttons()
        self.ctx.run_in_worker(work, self._loaded, self._load_failed)

    def _finish_loading(self) -> None:
        self.loading = False
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect()
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _loaded(self, result: CohortResult) -> None:
        self._finish_loading()
        self.result = result
        self.model.set_result(result)
        self._fit_columns()
        self.bad_list.clear()
        for path, reason in result.skipped:
            self.bad_list.addItem(f"{path.name}: {reason}")
            item = self.bad_list.item(self.bad_list.count() - 1)
            item.setToolTip(tip(str(path)))
        n_bad = len(result.skipped)
        self.bad_heading.setText(f"{plural(n_bad, 'file')} could not be read")
        self.bad_heading.setVisible(bool(n_bad))
        self.bad_list.setVisible(bool(n_bad))
        row_h = self.bad_list.sizeHintForRow(0) if n_bad else 0
        self.bad_list.setFixedHeight(min(n_bad, 5) * row_h + 2 * self.bad_list.frameWidth() + 4)
        self._update_summary()
        self._update_buttons()
        if result.cancelled:
            self.statusBar().showMessage(
                f"Loading cancelled: showing the {plural(len(result.rows), 'file')} read so far",
                10000)
        else:
            self.statusBar().showMessage(f"Read {plural(len(result.rows), 'learner file')}"
                                         + (f"; {n_bad} could not be read" if n_bad else ""),
                                         10000)
        self.loaded.emit()

    def _fit_columns(self) -> None:
        """Level columns narrow (their titles wrap in the header), the rest to contents, so
        a cohort with five levels fits a 1366-pixel-wide screen."""
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        fm = self.table.fontMetrics()
        n, nl = len(FIXED), len(self.model.levels)
        level_w = fm.horizontalAdvance("100.0% ✓") + 28
        for c in range(n, n + nl):
            header.resizeSection(c, level_w)
        for c in range(n):
            header.resizeSection(c, min(header.sectionSize(c), 240 if c == 0 else 190))
        lines = max([2] + [1 + fm.horizontalAdvance(t) // (level_w - 12)
                           for _, t in self.model.levels])
        header.setMinimumHeight(fm.height() * min(lines, 3) + 10)

    def _load_failed(self, exc: BaseException) -> None:
        self._finish_loading()
        self.summary.setText("")
        self.show_error(one_line(exc))
        self._update_buttons()
        self.loaded.emit()

    def cancel_load(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.cancel()
        self._cancel.set()

    # ------------------------------------------------------------------ view
    def _update_summary(self) -> None:
        if self.result is None:
            return
        total = len(self.result.rows)
        shown = self.proxy.rowCount()
        text = plural(total, "learner") if shown == total else f"{shown} of {total} learners"
        if self.result.skipped:
            text += f" · {len(self.result.skipped)} unreadable"
        self.summary.setText(text)

    def _update_buttons(self) -> None:
        has_rows = self.result is not None and bool(self.result.rows)
        self.csv_button.setEnabled(has_rows and not self.loading)
        self.csv_action.setEnabled(has_rows and not self.loading)
        self.reload_button.setEnabled(not self.loading)
        self.open_button.setEnabled(self.open_review is not None
                                    and self.table.selectionModel().hasSelection())

    def visible_rows(self) -> list[CohortRow]:
        """The rows shown, in the order shown."""
        rows = self.model.rows()
        return [rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                for r in range(self.proxy.rowCount())]

    def _activated(self, index: QModelIndex) -> None:
        path = index.data(PathRole)
        if path and self.open_review is not None:
            self.open_review(Path(path))

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._activated(rows[0])

    def show_error(self, text: str) -> None:
        self.last_error_box = message(self, text)
        self.statusBar().showMessage(text, 8000)

    # ------------------------------------------------------------------ CSV
    def export_csv(self, path: str | None = None) -> None:
        """Write the rows shown (filter and order as on screen) as CSV, atomically."""
        from tracker.atomicio import write_bytes
        from tracker.exchange.cohort import cohort_csv_bytes

        if self.result is None or not self.result.rows:
            self.finished.emit("export-csv")
            return
        if path is None:
            default = Path(last_folder(self)) if not self.folder.is_dir() else self.folder
            path, _ = QFileDialog.getSaveFileName(
                self, "Export the cohort as CSV",
                str(default / f"{self.folder.name or 'cohort'}-cohort.csv"),
                "CSV files (*.csv);;All files (*)")
            if not path:
                self.finished.emit("export-csv")
                return
        out = with_suffix(path, ".csv")
        try:  # never onto the database, a backup or a file of this cohort
            out = checked_output(self.ctx, out, [r.path for r in self.result.rows]
                                 + [p for p, _ in self.result.skipped])
        except TrackerError as exc:
            self.show_error(one_line(exc))
            self.finished.emit("export-csv")
            return
        shown = CohortResult(rows=self.visible_rows(), skipped=list(self.result.skipped))
        data = cohort_csv_bytes(shown)

        def done(_: Any) -> None:
            self.statusBar().showMessage(
                f"CSV with {plural(len(shown.rows), 'learner')} saved to {out}", 10000)
            self.finished.emit("export-csv")

        def failed(exc: BaseException) -> None:
            self.show_error(one_line(exc))
            self.finished.emit("export-csv")

        self.ctx.run_in_worker(lambda: write_bytes(out, data), done, failed)

    def closeEvent(self, ev) -> None:
        self.cancel_load()
        super().closeEvent(ev)
