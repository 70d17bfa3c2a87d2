"""The GUI side of backups and recovery, driven with pytest-qt: the Backups dialog (list,
Back Up Now, Restore... with confirmation) and start-up recovery from damage."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog

from tests.reliability.conftest import corrupt
from tracker.db import backup
from tracker.db.store import Store
from tracker.ui import recovery


class Answers:
    """Click the given buttons, in order, in the message boxes that appear; record texts."""

    alive: list[Answers] = []  # timers only hold weak references to bound methods

    def __init__(self, *labels: str):
        Answers.alive.append(self)
        self.labels = list(labels)
        self.texts: list[str] = []
        self.formats: list[Qt.TextFormat] = []
        self.tries = 0
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        if self not in Answers.alive:
            return
        self.tries += 1
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and self.labels:
            self.texts.append(box.text())
            self.formats.append(box.textFormat())
            label = self.labels.pop(0)
            if not self.labels:
                Answers.alive.remove(self)
            button = next(b for b in box.buttons() if b.text() == label)
            button.click()
        if self.labels and self.tries < 2000:
            QTimer.singleShot(5, self._poll)


@pytest.fixture(autouse=True)
def every_answer_used():
    """A poller left behind would click into the next test's message boxes."""
    yield
    left = [list(a.labels) for a in Answers.alive]
    for a in Answers.alive:
        a.labels.clear()
    Answers.alive.clear()
    assert left == [], f"message boxes that never appeared: {left}"


def test_the_dialog_lists_backups_with_dates_and_contents(qtbot, filled):
    older = backup.make_backup(filled.folder, reason="daily")
    filled.set_states({"docker.build": "done"})
    newer = backup.make_backup(filled.folder, reason="manual")
    dlg = recovery.BackupsDialog(filled.folder, store=filled)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    assert [b.name for b in dlg.backups] == [newer.name, older.name]
    row = [dlg.table.item(0, c).text() for c in range(dlg.table.columnCount())]
    assert row[1] == "Backed up by you" and row[2:6] == ["2", "1", "1", "1"]
    assert dlg.table.item(1, 1).text() == "Daily" and dlg.table.item(1, 2).text() == "1"
    assert newer.name in dlg.table.item(0, 0).toolTip()  # escaped for display
    assert dlg.restore_button.isEnabled()
    for label in dlg.findChildren(QLabel):
        if not isinstance(label.parent(), QProgressDialog):  # fixed text of ours
            assert label.textFormat() == Qt.TextFormat.PlainText


def test_back_up_now(qtbot, filled):
    dlg = recovery.BackupsDialog(filled.folder, store=filled)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 0 and not dlg.restore_button.isEnabled()
    qtbot.mouseClick(dlg.backup_button, Qt.MouseButton.LeftButton)
    assert dlg.table.rowCount() == 1
    assert dlg.backups[0].reason == "manual" and dlg.backups[0].name in dlg.status.text()


def test_restore_asks_first_saves_the_current_state_and_hands_over_a_new_store(qtbot,
                                                                               filled):
    folder = filled.folder
    b = backup.make_backup(folder, reason="manual")
    filled.set_states({"docker.build": "done", "python.venv": "todo"})
    dlg = recovery.BackupsDialog(folder, store=filled)
    qtbot.addWidget(dlg)
    answers = Answers("Restore", "OK")
    with qtbot.waitSignal(dlg.store_replaced, timeout=10_000) as sig:
        qtbot.mouseClick(dlg.restore_button, Qt.MouseButton.LeftButton)
    assert "1 done milestones, 1 certifications" in answers.texts[0]
    assert all(f == Qt.TextFormat.PlainText for f in answers.formats)
    new = sig.args[0]
    assert new is dlg.new_store and new is not filled
    assert new.states() == {"python.venv": "done", "python.packaging": "learning"}
    reasons = [x.reason for x in backup.list_backups(folder)]
    assert "before-restore" in reasons and b.name in {x.name for x in dlg.backups}
    saved = next(x for x in backup.list_backups(folder) if x.reason == "before-restore")
    assert backup.backup_counts(saved.path)["done_milestones"] == 1  # docker.build only
    new.close()


def test_cancelled_restore_changes_nothing(qtbot, filled):
    backup.make_backup(filled.folder, reason="manual")
    filled.set_states({"docker.build": "done"})
    before = filled.states()
    dlg = recovery.BackupsDialog(filled.folder, store=filled)
    qtbot.addWidget(dlg)
    Answers("Cancel")
    assert dlg.restore_selected() is False
    assert dlg.new_store is None and filled.states() == before
    assert [x.reason for x in backup.list_backups(filled.folder)] == ["manual"]


def test_show_backups_swaps_the_store_clears_undo_and_tells_every_page(qtbot, filled,
                                                                       monkeypatch):
    from tracker.ui.context import AppContext, Kinds
    from tracker.ui.operations import SetStates, perform

    backup.make_backup(filled.folder, reason="manual")
    ctx = AppContext(filled)
    assert perform(ctx, SetStates(ctx, {"docker.build": "done"}))
    assert ctx.undo_stack.count() == 1
    monkeypatch.setattr(recovery.BackupsDialog, "exec",
                        lambda self: int(self.restore_selected()))
    Answers("Restore", "OK")
    with qtbot.waitSignal(ctx.changed) as sig:
        new = recovery.show_backups(ctx)
    assert new is ctx.store and new is not filled
    assert sig.args[0] == Kinds.ALL
    assert ctx.undo_stack.count() == 0
    assert "docker.build" not in new.states()
    new.close()


def test_back_up_now_from_the_menu_reports_in_the_status_bar(qtbot, filled):
    from tracker.ui.context import AppContext

    ctx = AppContext(filled)
    with qtbot.waitSignal(ctx.status_message) as sig:
        made = recovery.back_up_now(ctx)
    assert made is not None and made.name in sig.args[0]


# ------------------------------------------------------------------- start-up
def damaged_folder(store: Store) -> tuple[Path, backup.BackupInfo]:
    b = backup.make_backup(store.folder, reason="daily")
    store.close()
    corrupt(store.path)
    return store.folder, b


def test_start_up_offers_the_newest_good_backup(qtbot, filled):
    folder, b = damaged_folder(filled)
    answers = Answers("Restore This Backup")
    store = recovery.open_store_with_recovery(folder)
    assert store is not None
    assert store.states() == {"python.venv": "done", "python.packaging": "learning"}
    text = answers.texts[0]
    moved = next(folder.glob("tracker.sqlite3.damaged-*[0-9]"))
    assert str(moved) in text and "moved aside, not deleted" in text
    assert "1 done milestones" in text
    store.close()


def test_start_up_can_start_empty_or_quit(qtbot, filled):
    folder, _b = damaged_folder(filled)
    Answers("Quit")
    assert recovery.open_store_with_recovery(folder) is None
    # the damaged file was moved aside on the first try: starting again opens a new, empty
    # database without asking, and the backup is still there to restore from the dialog
    store = recovery.open_store_with_recovery(folder)
    assert store is not None and store.states() == {}
    store.close()
    assert len(list(folder.glob("tracker.sqlite3.damaged-*[0-9]"))) == 1
    assert _b.path.exists()


def test_start_up_can_start_empty_when_a_backup_exists(qtbot, filled):
    folder, b = damaged_folder(filled)
    Answers("Start Empty")
    store = recovery.open_store_with_recovery(folder)
    assert store is not None and store.states() == {}
    store.close()
    assert b.path.exists()


def test_start_up_without_a_backup(qtbot, tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "tracker.sqlite3").write_bytes(b"garbage" * 1000)
    answers = Answers("Start Empty")
    store = recovery.open_store_with_recovery(folder)
    assert "no backup" in answers.texts[0]
    assert store is not None
    store.close()


def test_start_up_refuses_a_newer_database_untouched(qtbot, tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    Store.open(folder).close()
    db = folder / "tracker.sqlite3"
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0042_future'")
    con.commit()
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    answers = Answers("OK")
    assert recovery.open_store_with_recovery(folder) is None
    assert "newer version" in answers.texts[0]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_run_with_progress_hands_back_errors(qtbot):
    def boom():
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        recovery.run_with_progress(None, "Working…", boom)
    assert recovery.run_with_progress(None, "Working…", lambda: 42) == 42


# ------------------------------------------------------------------- check after start-up
def damaged_late(store: Store) -> tuple[Path, backup.BackupInfo]:
    """A database whose schema and current state read fine but whose history pages at the
    end of the file are damaged: only quick_check notices, not opening it."""
    b = backup.make_backup(store.folder, reason="daily")
    with sqlite3.connect(store.path) as con:
        con.executemany("INSERT INTO progress_event (milestone_id, state, previous_state, at,"
                        " source) VALUES ('python.venv', 'done', 'todo', ?, 'test')",
                        [(f"2025-01-01T00:00:{i % 60:02d}.000000Z",) for i in range(4000)])
    store.close()
    from tests.reliability.conftest import checkpoint

    checkpoint(store.path)
    data = bytearray(store.path.read_bytes())
    for off in range(len(data) - 4096 * 3, len(data), 4096):
        data[off:off + 64] = b"\xa5" * 64
    store.path.write_bytes(bytes(data))
    return store.folder, b


def test_damage_found_after_start_up_is_reported_as_at_start_up(qtbot, filled):
    from tracker.ui.context import AppContext, Kinds

    folder, b = damaged_late(filled)
    store = recovery.open_store_with_recovery(folder, check=False)  # no dialog: unchecked
    assert store is not None
    assert store.states() == {"python.venv": "done", "python.packaging": "learning"}
    ctx = AppContext(store)
    answers = Answers("Restore This Backup")
    with qtbot.waitSignal(ctx.changed, timeout=20000) as sig:
        recovery.check_after_start(ctx, None)
    assert sig.args[0] == Kinds.ALL
    assert ctx.store is not store
    moved = next(folder.glob("tracker.sqlite3.damaged-*[0-9]"))
    assert str(moved) in answers.texts[0] and "moved aside, not deleted" in answers.texts[0]
    assert ctx.store.states() == {"python.venv": "done", "python.packaging": "learning"}
    from tracker.db.integrity import quick_check

    assert quick_check(ctx.store.path) is None
    ctx.store.close()


def test_quitting_after_damage_found_late_ends_the_app_with_code_2(qtbot, filled,
                                                                  monkeypatch):
    from tracker.ui.context import AppContext

    folder, _b = damaged_late(filled)
    store = recovery.open_store_with_recovery(folder, check=False)
    ctx = AppContext(store)
    codes: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: codes.append(code)))
    Answers("Quit")
    recovery.check_after_start(ctx, None)
    qtbot.waitUntil(lambda: codes == [2], timeout=20000)
    assert len(list(folder.glob("tracker.sqlite3.damaged-*[0-9]"))) == 1


def test_a_whole_database_checked_after_start_up_changes_nothing(qtbot, filled):
    from tracker.ui.context import AppContext

    ctx = AppContext(filled)
    done = []
    real = ctx.run_in_worker

    def spy(fn, on_done, on_error=None):
        real(fn, lambda r: (on_done(r), done.append(r)), on_error)

    ctx.run_in_worker = spy
    recovery.check_after_start(ctx, None)
    qtbot.waitUntil(lambda: done == [None], timeout=20000)
    assert ctx.store is filled and not list(filled.folder.glob("*.damaged-*"))
