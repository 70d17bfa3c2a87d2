"""Backups and recovery in the GUI: the Backups dialog (list with dates and contents, Back up
now, Restore a backup...), and start-up recovery from a damaged or newer database.

Threading rule: everything here is called on the GUI thread. Backups and restores run on a
pool thread (tracker/ui/workers.py) behind a modal progress dialog
(:func:`run_with_progress`); the worker only touches files and the database, never a widget. Every text shown here comes from the
file system or the database, so every label and message box is plain text.

For the main window (see :func:`back_up_now` and :func:`show_backups`):
- File > Back Up Now: ``back_up_now(ctx, window)``
- File > Backups...: ``new = show_backups(ctx, window)``; when ``new`` is not None the
  database was restored: ``ctx.store`` already points to the new Store, the undo stack was
  cleared and ``ctx.changed`` was emitted with every kind; the window should also use
  ``new`` wherever it keeps its own reference (``self.store = new``).
- Start-up (app.py): ``store = open_store_with_recovery(data_dir)``; None means quit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import paths
from tracker.db import backup
from tracker.db.errors import DamagedDatabaseError, NewerDatabaseError, TrackerError
from tracker.ui import workers
from tracker.ui.widgets import tip

APP_TITLE = "MLOps Career Tracker"
REASON_LABELS = {"manual": "Backed up by you", "daily": "Daily",
                 "before-migration": "Before an upgrade", "before-restore": "Before a restore"}
COLUMNS = ("Date", "Kind", "Done milestones", "Certifications", "Study sessions", "Reviews",
           "Size")


# --------------------------------------------------------------------------- workers
def run_with_progress(parent: QWidget | None, text: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on a pool thread behind a modal busy dialog (shown after 300 ms); return
    its result or raise its exception, on the GUI thread."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)  # a restore must not be cut in half
    progress.setWindowTitle(APP_TITLE)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(300)
    workers.run(fn, done, failed)
    if not outcome:  # an already-delivered result (never in practice) needs no loop
        loop.exec()
    progress.reset()
    progress.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# --------------------------------------------------------------------------- messages
def message_box(parent: QWidget | None, icon: QMessageBox.Icon, text: str,
                buttons: list[tuple[str, QMessageBox.ButtonRole]]) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(APP_TITLE)
    box.setIcon(icon)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    for label, role in buttons:
        box.addButton(label, role)
    return box


def ask(parent: QWidget | None, icon: QMessageBox.Icon, text: str,
        buttons: list[tuple[str, QMessageBox.ButtonRole]]) -> str:
    """Show a plain-text question; returns the label of the button pressed ("" if closed)."""
    box = message_box(parent, icon, text, buttons)
    box.exec()
    clicked = box.clickedButton()
    return clicked.text() if clicked is not None else ""


def tell(parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> None:
    ask(parent, icon, text, [("OK", QMessageBox.ButtonRole.AcceptRole)])


def describe(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "its contents could not be read"
    return (f"{counts['done_milestones']} done milestones, {counts['certifications']} "
            f"certifications, {counts['study_sessions']} study sessions, "
            f"{counts['reviews']} mentor reviews")


def local_time(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- actions
def back_up_now(ctx: Any, parent: QWidget | None = None) -> backup.BackupInfo | None:
    """File > Back Up Now. Reports the result on ``ctx.status_message`` or ``ctx.error``."""
    folder = ctx.store.folder
    try:
        made = run_with_progress(parent, "Backing up…",
                                 lambda: backup.make_backup(folder, reason="manual"))
    except (TrackerError, OSError) as exc:
        ctx.error.emit(str(exc))
        return None
    ctx.status_message.emit(f"Backed up as {made.name}")
    return made


def show_backups(ctx: Any, parent: QWidget | None = None) -> Any:
    """File > Backups...: the dialog; returns the new Store after a restore, else None."""
    dialog = BackupsDialog(ctx.store.folder, store=ctx.store, parent=parent)
    dialog.exec()
    new = dialog.new_store
    if new is not None:
        from tracker.ui.context import Kinds

        ctx.store = new
        ctx.undo_stack.clear()  # undo steps refer to the data that was replaced
        ctx.notify(*Kinds.ALL, message=dialog.last_message)
    return new


class BackupsDialog(QDialog):
    """The backups of a data folder, newest first, with what each contains; Back up now;
    Restore a backup... (confirmation, a backup of the current state first).

    After a restore, ``new_store`` holds a freshly opened Store (the one given was closed)
    and ``store_replaced`` is emitted with it.
    """

    store_replaced = Signal(object)

    def __init__(self, folder: Path, store: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.folder = Path(folder)
        self.store = store
        self.new_store: Any = None
        self.last_message = ""
        self.backups: list[backup.BackupInfo] = []
        self.counts: list[dict[str, int] | None] = []
        self.setWindowTitle("Backups")
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "Backups are made every day you use the app, before every upgrade and before "
            f"every restore. They are kept in {paths.backups_dir(self.folder)}.")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                           ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        layout.addWidget(self.table)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.backup_button = QPushButton("Back Up Now")
        self.restore_button = QPushButton("Restore…")
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        layout.addWidget(buttons)
        self.refresh()

    # ---------------------------------------------------------------- listing
    def refresh(self) -> None:
        folder = self.folder

        def load() -> list[tuple[backup.BackupInfo, dict[str, int] | None]]:
            return [(b, backup.backup_counts(b.path)) for b in backup.list_backups(folder)]

        try:
            rows = run_with_progress(self, "Reading backups…", load)
        except (TrackerError, OSError) as exc:
            rows = []
            self.status.setText(f"Could not read the backups: {exc}")
        self.backups = [b for b, _c in rows]
        self.counts = [c for _b, c in rows]
        self.table.setRowCount(len(rows))
        for r, (b, counts) in enumerate(rows):
            c = counts or {}
            cells = [local_time(b.created_at), REASON_LABELS.get(b.reason, b.reason),
                     str(c.get("done_milestones", "?")), str(c.get("certifications", "?")),
                     str(c.get("study_sessions", "?")), str(c.get("reviews", "?")),
                     f"{max(1, round(b.size / 1024))} KB"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, b.name)
                item.setToolTip(tip(b.name))
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        if rows:
            self.table.selectRow(0)
        elif not self.status.text():
            self.status.setText("There are no backups yet.")
        self._update_buttons()

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.backups[rows[0].row()]

    def _selected_counts(self) -> dict[str, int] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.counts[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    # ---------------------------------------------------------------- actions
    def back_up_now(self) -> backup.BackupInfo | None:
        folder = self.folder
        try:
            made = run_with_progress(self, "Backing up…",
                                     lambda: backup.make_backup(folder, reason="manual"))
        except (TrackerError, OSError) as exc:
            tell(self, QMessageBox.Icon.Warning, str(exc))
            return None
        self.refresh()
        self.status.setText(f"Backed up as {made.name}.")
        return made

    def restore_selected(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        counts = self._selected_counts()
        answer = ask(self, QMessageBox.Icon.Question,
                     f"Replace your current progress with the backup from "
                     f"{local_time(chosen.created_at)}?\n\nIt contains {describe(counts)}.\n\n"
                     "Your current progress is backed up first, so this can be undone by "
                     "restoring that backup.",
                     [("Restore", QMessageBox.ButtonRole.AcceptRole),
                      ("Cancel", QMessageBox.ButtonRole.RejectRole)])
        if answer != "Restore":
            return False
        folder, name = self.folder, chosen.name
        if self.store is not None:
            self.store.close()

        def work():
            from tracker.db.store import Store

            result = backup.restore_backup(folder, name)
            return result, Store.open(folder, daily_backup=False)

        try:
            result, store = run_with_progress(self, "Restoring…", work)
        except (TrackerError, OSError) as exc:
            tell(self, QMessageBox.Icon.Warning, f"The backup was not restored: {exc}")
            self._reopen_after_failure()
            return False
        self.new_store = self.store = store
        saved = result.saved_first.name if result.saved_first else None
        self.last_message = (f"Restored the backup from {local_time(chosen.created_at)}"
                             + (f"; your previous progress was saved as {saved}" if saved
                                else ""))
        self.store_replaced.emit(store)
        self.refresh()
        self.status.setText(self.last_message + ".")
        tell(self, QMessageBox.Icon.Information, self.last_message + ".")
        return True

    def _reopen_after_failure(self) -> None:
        if self.store is None:
            return
        try:
            from tracker.db.store import Store

            self.new_store = self.store = Store.open(self.folder, daily_backup=False)
            self.store_replaced.emit(self.store)
        except (TrackerError, OSError) as exc:
            tell(self, QMessageBox.Icon.Critical, str(exc))


# --------------------------------------------------------------------------- start-up
def _log():  # -> logging.Logger; opens the log first if it is not open yet
    from tracker import diagnostics

    return diagnostics.get_logger("tracker.ui.recovery")


def open_store_with_recovery(data_dir: str | Path | None, parent: QWidget | None = None,
                             **open_kwargs: Any) -> Any:
    """Open the Store for the GUI; None means the app should quit.

    A database from a newer app: say so (it is left untouched) and return None. A damaged
    one has already been moved aside by Store.open: say where, and offer the newest good
    backup (restored behind a progress dialog), an empty database, or quitting.
    """
    from tracker.curriculum.loader import CurriculumError
    from tracker.db.store import Store

    try:
        return Store.open(data_dir, **open_kwargs)
    except NewerDatabaseError as exc:
        _log().warning("the database is from a newer version: %s", exc)
        tell(parent, QMessageBox.Icon.Critical, str(exc))
        return None
    except DamagedDatabaseError as exc:
        _log().warning("the database is damaged; moved aside to %s", exc.moved_to,
                       exc_info=exc)
        damaged = exc
    except CurriculumError as exc:
        _log().warning("the curriculum pack cannot be loaded", exc_info=exc)
        tell(parent, QMessageBox.Icon.Critical, exc.first_line)
        return None
    except (TrackerError, OSError) as exc:
        _log().warning("the data folder cannot be opened", exc_info=exc)
        tell(parent, QMessageBox.Icon.Critical, str(exc).splitlines()[0] if str(exc) else
             type(exc).__name__)
        return None

    return recover_from_damage(damaged, paths.data_dir(data_dir), parent, **open_kwargs)


def recover_from_damage(damaged: DamagedDatabaseError, folder: Path,
                        parent: QWidget | None = None, **open_kwargs: Any) -> Any:
    """After the damaged database was moved aside: say where, and offer the newest good
    backup (restored behind a progress dialog), an empty database, or quitting. Returns
    the Store opened, or None to quit."""
    from tracker.db.store import Store

    open_kwargs.pop("check", None)  # what is opened here is checked before it is used
    text = ("Your progress database could not be read: it is damaged.\n\n"
            f"It was moved aside, not deleted, to:\n{damaged.moved_to}\n\n")
    newest = None
    if damaged.newest_backup:
        try:
            newest = backup.find_backup(folder, damaged.newest_backup)
        except TrackerError:
            newest = None
    if newest is not None:
        text += (f"The newest good backup is from {local_time(newest.created_at)} and "
                 f"contains {describe(backup.backup_counts(newest.path))}.")
        choices = [("Restore This Backup", QMessageBox.ButtonRole.AcceptRole),
                   ("Start Empty", QMessageBox.ButtonRole.DestructiveRole),
                   ("Quit", QMessageBox.ButtonRole.RejectRole)]
    else:
        text += "There is no backup to restore."
        choices = [("Start Empty", QMessageBox.ButtonRole.AcceptRole),
                   ("Quit", QMessageBox.ButtonRole.RejectRole)]
    answer = ask(parent, QMessageBox.Icon.Warning, text, choices)
    _log().info("damaged database: the user chose %r (newest backup: %s)",
                answer or "close", newest.name if newest is not None else "none")
    try:
        if answer == "Restore This Backup" and newest is not None:
            name = newest.name
            run_with_progress(parent, "Restoring…",
                              lambda: backup.restore_backup(folder, name))
            return Store.open(folder, **open_kwargs)
        if answer == "Start Empty":
            return Store.open(folder, **open_kwargs)
    except (TrackerError, OSError) as exc:
        _log().warning("recovery failed", exc_info=exc)
        tell(parent, QMessageBox.Icon.Critical, str(exc))
    return None


def check_after_start(ctx: Any, window: QWidget) -> None:
    """The structural check (``quick_check``) that Store.open(check=False) left out for a
    fast start, run in a worker once the window is up. Damage is reported exactly as at
    start-up: the file is moved aside (the Store closed first), the same message offers the
    newest good backup, an empty database or quitting; the Store opened takes the old one's
    place everywhere (as after File > Backups... > Restore). Quitting ends the app with
    exit code 2, as a refused start does."""
    from tracker.db import integrity

    store = ctx.store
    path, folder = store.path, store.folder

    def done(problem: str | None) -> None:
        if problem is None or ctx.store is not store:
            return  # whole; or the store was replaced meanwhile (a restore checks its own)
        _log().warning("the database failed its check after start-up: %s", problem)
        store.close()
        try:
            damaged = integrity.damaged(folder, problem)
        except (TrackerError, OSError) as exc:
            _log().warning("could not move the damaged database aside", exc_info=exc)
            tell(window, QMessageBox.Icon.Critical, f"Your progress database is damaged "
                 f"({problem}) and could not be moved aside: {exc}")
            QApplication.exit(2)
            return
        new = recover_from_damage(damaged, folder, window)
        if new is None:
            QApplication.exit(2)
            return
        from tracker.ui.context import Kinds

        ctx.store = new
        ctx.undo_stack.clear()  # undo steps refer to the data that was moved aside
        ctx.notify(*Kinds.ALL)

    def failed(exc: BaseException) -> None:
        _log().warning("the database check after start-up could not run", exc_info=exc)
        ctx.error.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    ctx.run_in_worker(lambda: integrity.quick_check(path), done, failed)
