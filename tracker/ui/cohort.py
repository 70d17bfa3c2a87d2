"""File > Open Cohort Folder…: every learner's progress file in a folder, in one table.

Rows are learners; columns are the target level, the current level, readiness per level (the
percent, with a ✓ when the learner is ready for it), the export date, integrity and the file.
The table sorts by any column (percents numerically) and filters on any text; a double-click
(or Enter) opens the learner in review mode; "Export CSV…" writes the rows shown, in the order
shown, with :func:`tracker.exchange.cohort.cohort_csv_bytes` (atomically).

Loading runs :func:`tracker.exchange.cohort.load_cohort` in a worker (which reads with a pool
of processes); rows stream into the table as each batch of files is read, through queued
signals, while a progress bar with counts and a Cancel button sit above the table and the
window stays usable (sort, filter, scroll). Files that cannot be read are counted and listed
with their reasons; they never stop the load. What else the folder holds (other files,
subfolders) is counted in the summary.

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
    QProgressBar,
    QApplication,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker import APP_NAME
from tracker.db.errors import TrackerError
from tracker.exchange.cohort import CohortResult, CohortRow, level_columns
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
TAIL = ("Exported", "Integrity", "Curriculum", "File")


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class CohortModel(QAbstractTableModel):
    """A thin adapter over a cohort's rows (plain data; GUI thread). Rows arrive in batches
    while a folder loads (:meth:`append_rows`) or all at once (:meth:`set_result`)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[CohortRow] = []
        self.levels: list[tuple[str, str]] = []
        self._titles: dict[str, str] = {}

    def set_result(self, result: CohortResult) -> None:
        self.set_rows(list(result.rows))

    def set_rows(self, rows: list[CohortRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.levels = level_columns(rows)
        self._titles = dict(self.levels)
        self.endResetModel()

    def append_rows(self, rows: list[CohortRow]) -> bool:
        """Add a batch of rows; True when the level columns changed (a reset)."""
        if not rows:
            return False
        known = {lid for lid, _ in self.levels}
        if any(s.level not in known for r in rows for s in r.levels):
            # new level columns: rare (the first batch, a cohort of mixed packs)
            self.set_rows(self._rows + list(rows))
            return True
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        return False

    def rows(self) -> list[CohortRow]:
        return self._rows

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

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
        row = self._rows[index.row()]
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
                if col == 0:  # ties as the CLI orders them, whatever order rows came in
                    return f"{row.learner.casefold()}\0{row.exported_at}\0{row.path}"
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
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Modified after export: the file was changed after it was exported"
                        if row.integrity != "ok" else
                        "Unchanged since export (this does not show who wrote it)")
            if role == Qt.ItemDataRole.ForegroundRole and row.integrity != "ok":
                return theme.warning(QGuiApplication.palette())
            if role == Qt.ItemDataRole.DecorationRole and row.integrity != "ok":
                return _warning_icon()
        elif tail == 2:
            check = row.curriculum_check
            if role in (Qt.ItemDataRole.DisplayRole, SortRole):
                return check
            if role == Qt.ItemDataRole.ToolTipRole:
                if check == "differs":
                    return ("The curriculum in the file differs from the known one of the same "
                            f"id and version ({row.curriculum_note}); readiness is computed "
                            "from the file's own copy")
                if check == "unknown":
                    return (f"No curriculum {row.curriculum} here to compare with; readiness "
                            "is computed from the file's own copy")
                return "The same curriculum as the one this computer knows"
            if role == Qt.ItemDataRole.ForegroundRole and check == "differs":
                return theme.warning(QGuiApplication.palette())
            if role == Qt.ItemDataRole.DecorationRole and check == "differs":
                return _warning_icon()
        elif tail == 3:
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
    rows = Signal(object)          # list[CohortRow]
    skipped = Signal(object, str)  # Path, reason


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
        self._signals: _LoadSignals | None = None
        self._closed = False
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

        loading = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Files read")
        self.progress_bar.setFormat("%v of %m files")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading; the files read so far stay in the table")
        loading.addWidget(self.progress_bar, 1)
        loading.addWidget(self.cancel_button)
        lay.addLayout(loading)
        self.progress_bar.hide()
        self.cancel_button.hide()

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
        # Columns fit to the rows on screen and a sample beyond: measuring all of a
        # 10,000-row cohort would stall the window for seconds.
        self.table.horizontalHeader().setResizeContentsPrecision(64)
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
        self.cancel_button.clicked.connect(lambda: self.cancel_load())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Read the folder in a worker; rows appear as they are read."""
        from tracker.exchange.cohort import load_cohort

        if self.loading:
            return
        self.loading = True
        self.result = None
        self._cancel = cancel = threading.Event()
        # Lives on the GUI thread: emits from the worker are queued, and a reload (a new
        # object) never receives a late emit of the load before it. No parent: the job
        # below holds it, so it outlives a window closed mid-load, and the job is released
        # on the GUI thread once its result is in (tracker/ui/workers.py).
        signals = self._signals = _LoadSignals()
        self.model.set_rows([])
        self._set_bad([])
        self.progress_bar.setRange(0, 0)  # busy until the first count
        self.progress_bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()

        def progress(done: int, total: int) -> None:
            if self._signals is signals:
                self.progress_bar.setRange(0, total)
                self.progress_bar.setValue(done)
                self._update_summary(done, total)

        def rows(batch: list[CohortRow]) -> None:
            if self._signals is signals:
                first = self.model.rowCount() == 0
                if self.model.append_rows(batch) or first:
                    self._fit_columns()
                self._update_summary()

        def skipped(path: Path, reason: str) -> None:
            if self._signals is signals:
                self._add_bad(path, reason)

        signals.progress.connect(progress)
        signals.rows.connect(rows)
        signals.skipped.connect(skipped)
        folder = self.folder
        from tracker.exchange.known_pack import KnownPacks

        own = getattr(self.ctx.store, "folder", None)
        known = KnownPacks.for_reader(Path(own) if own is not None else None)

        def work() -> CohortResult:  # pool thread: files only, no widget
            s = signals
            return load_cohort([folder], on_progress=s.progress.emit,
                               on_rows=s.rows.emit, on_skip=s.skipped.emit,
                               cancelled=cancel.is_set, known=known)

        self.summary.setText("Loading…")
        self._update_buttons()
        self.ctx.run_in_worker(work, self._loaded, self._load_failed)

    def _finish_loading(self) -> None:
        self.loading = False
        self._signals = None
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _loaded(self, result: CohortResult) -> None:
        if self._closed:  # closed while loading: nothing left to show it in
            return
        self._finish_loading()
        self.result = result
        if len(self.model.rows()) != len(result.rows):  # rows not streamed: take them all
            self.model.set_result(result)
        self._fit_columns()
        self._set_bad(result.skipped)
        n_bad = len(result.skipped)
        self._update_summary()
        self._update_buttons()
        ignored = result.ignored_text()
        if result.cancelled:
            self.statusBar().showMessage(
                f"Loading cancelled: showing the {plural(len(result.rows), 'file')} read so far",
                10000)
        else:
            self.statusBar().showMessage(f"Read {plural(len(result.rows), 'learner file')}"
                                         + (f"; {n_bad} could not be read" if n_bad else "")
                                         + (f"; {ignored} (only progress files are read, "
                                            "not subfolders)" if ignored else ""), 10000)
        self.loaded.emit()

    def _set_bad(self, skipped: list[tuple[Path, str]]) -> None:
        self.bad_list.clear()
        for path, reason in skipped:
            self._add_bad(path, reason)
        if not skipped:
            self._show_bad()

    def _add_bad(self, path: Path, reason: str) -> None:
        self.bad_list.addItem(f"{path.name}: {reason}")
        item = self.bad_list.item(self.bad_list.count() - 1)
        item.setToolTip(tip(str(path)))
        self._show_bad()

    def _show_bad(self) -> None:
        n_bad = self.bad_list.count()
        self.bad_heading.setText(f"{plural(n_bad, 'file')} could not be read")
        self.bad_heading.setVisible(bool(n_bad))
        self.bad_list.setVisible(bool(n_bad))
        row_h = self.bad_list.sizeHintForRow(0) if n_bad else 0
        self.bad_list.setFixedHeight(min(n_bad, 5) * row_h + 2 * self.bad_list.frameWidth() + 4)

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
        if self._closed:
            return
        self._finish_loading()
        self.summary.setText("")
        self.show_error(one_line(exc))
        self._update_buttons()
        self.loaded.emit()

    def cancel_load(self) -> None:
        """Stop a load: the worker stops at its next batch; the rows read so far stay."""
        self._cancel.set()
        self.cancel_button.setEnabled(False)

    # ------------------------------------------------------------------ view
    def _update_summary(self, done: int | None = None, total: int | None = None) -> None:
        rows = len(self.model.rows())
        shown = self.proxy.rowCount()
        if self.loading:
            bad = self.bad_list.count()
            text = f"Loading… {plural(rows, 'learner')}" + (f" · {bad} unreadable" if bad else "")
            self.summary.setText(text)
            return
        if self.result is None:
            return
        text = plural(rows, "learner") if shown == rows else f"{shown} of {rows} learners"
        if self.result.skipped:
            text += f" · {len(self.result.skipped)} unreadable"
        if self.result.ignored_text():
            text += f" · {self.result.ignored_text()}"
        differs = sum(1 for r in self.model.rows() if r.curriculum_check == "differs")
        if differs:
            text += (f" · ⚠ {plural(differs, 'file')} with a curriculum that differs from the "
                     "known one (see the Curriculum column)")
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
        self._closed = True
        self._signals = None  # a load still running reports to nobody
        super().closeEvent(ev)
