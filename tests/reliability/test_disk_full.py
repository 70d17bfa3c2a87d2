"""Disk full and I/O errors while saving: a clear one-line message, the change not saved,
the database whole and usable as soon as there is room again.

Portable tests inject the failure (SQLite's own size limit gives a real SQLITE_FULL; a
patched commit gives an I/O error). As root, a tiny tmpfs gives a really full disk.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.conftest import ROOT
from tests.reliability.conftest import integrity
from tracker.db import backup
from tracker.db.integrity import StorageError
from tracker.db.store import Store


def limit_growth(store: Store) -> None:
    """From now on the file may not grow: the next write that needs a page fails with
    SQLITE_FULL ("database or disk is full"), exactly as on a full disk."""
    def cap(dbapi_connection, _record) -> None:
        n = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {n}")

    store._engine.dispose()
    event.listen(store._engine, "connect", cap)


def test_database_full_while_committing_is_a_clear_error_and_nothing_half_saved(filled):
    before = filled.snapshot()
    limit_growth(filled)
    saved = []
    with pytest.raises(StorageError, match="disk is full") as info:
        for _ in range(2000):
            saved.append(filled.add_study_session(30, day="2025-05-01", note="x" * 9000))
    assert "\n" not in str(info.value) and "not saved" in str(info.value)
    # what was reported saved is there, the failed one is not, and the file is whole
    sessions = filled.study_sessions()
    assert len(sessions) == len(before.study_sessions) + len(saved)
    assert {s.id for s in saved} <= {s.id for s in sessions}
    assert integrity(filled.path) == ["ok"]
    with pytest.raises(StorageError):
        filled.set_note("python.venv", "n" * 10_000)
    assert filled.snapshot().progress == before.progress


def test_io_error_at_commit_is_a_clear_error_and_rolls_back(filled,
                                                           monkeypatch: pytest.MonkeyPatch):
    from tests.conftest import faulty_ticks

    before = filled.states()
    faulty_ticks(filled, monkeypatch, lambda sql, args: sql == "COMMIT",
                 sqlite3.OperationalError("disk I/O error"))
    with pytest.raises(StorageError, match="I/O error"):
        filled.set_states({"docker.build": "done", "python.tests": "learning"})
    monkeypatch.undo()
    assert filled.states() == before
    filled.set_states({"docker.build": "done"})
    assert filled.states()["docker.build"] == "done"
    assert integrity(filled.path) == ["ok"]


def test_io_error_at_an_orm_commit_is_a_clear_error_and_rolls_back(
        filled, monkeypatch: pytest.MonkeyPatch):
    """The same for the ORM writer (every other kind of write)."""
    before = filled.progress()["python.venv"].note
    dialect = filled._engine.dialect

    def broken_commit(dbapi_connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(dialect, "do_commit", broken_commit)
    with pytest.raises(StorageError, match="I/O error"):
        filled.set_note("python.venv", "changed")
    monkeypatch.undo()
    assert filled.progress()["python.venv"].note == before
    assert integrity(filled.path) == ["ok"]


def test_lock_held_past_the_timeout_is_a_clear_error(filled, monkeypatch):
    from tracker.db import engine as dbengine

    filled.close()
    monkeypatch.setattr(dbengine, "BUSY_TIMEOUT_S", 0.2)
    s = Store.open(filled.folder, daily_backup=False)
    blocker = sqlite3.connect(filled.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="busy"):
            s.set_states({"docker.build": "done"})
    finally:
        blocker.rollback()
        blocker.close()
    s.set_states({"docker.build": "done"})
    s.close()


# ------------------------------------------------------------------- a really full disk
@pytest.fixture
def tiny_disk(tmp_path: Path):
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a tmpfs")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, leave: int = 0) -> Path:
    """Fill the disk to the last byte but ``leave``; returns the filler (delete it to make
    room)."""
    filler = mnt / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError:
            pass
    try:
        with open(filler, "ab", buffering=0) as fh:
            while True:
                fh.write(b"\0")
                fh.flush()
    except OSError:
        pass
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_really_full_disk(tiny_disk: Path, tiny_default):
    folder = tiny_disk / "data"
    store = Store.open(folder)
    store.set_states({"python.venv": "done"})
    first = backup.make_backup(folder, reason="manual")
    filler = fill(tiny_disk)
    saved = 0
    with pytest.raises(StorageError, match="disk is full"):
        for _ in range(5000):
            store.add_study_session(10, day="2025-06-01", note="y" * 5000)
            saved += 1
    with pytest.raises(StorageError, match="could not write a backup .*the disk is full"):
        backup.make_backup(folder, reason="manual")
    assert not list((folder / "backups").glob("*.part"))
    assert [b.name for b in backup.list_backups(folder)] == [first.name]
    assert store.states() == {"python.venv": "done"}
    assert len(store.study_sessions()) == saved
    filler.unlink()
    store.set_states({"docker.build": "done"})
    assert integrity(store.path) == ["ok"]
    store.close()
    later = first.created_at + backup.DAY * 2
    fill(tiny_disk)  # not even room for SQLite's shared-memory file: reads still work
    # (review §15: tracker.db.readonly), the start-up backup is skipped, a write refused.
    with Store.open(folder, clock=lambda: later) as s:
        assert s.states() == {"python.venv": "done", "docker.build": "done"}
        with pytest.raises(StorageError, match="disk is full"):
            s.set_states({"python.packaging": "done"})
    assert [b.name for b in backup.list_backups(folder)] == [first.name]
    (tiny_disk / "filler").unlink()
    fill(tiny_disk, leave=64 * 1024)  # room to open, not for the start-up backup
    with Store.open(folder, clock=lambda: later) as s:
        assert s.states() == {"python.venv": "done", "docker.build": "done"}
    assert [b.name for b in backup.list_backups(folder)] == [first.name]
    (tiny_disk / "filler").unlink()
    with Store.open(folder) as s:
        assert s.states() == {"python.venv": "done", "docker.build": "done"}


def test_really_full_disk_from_the_command_line(tiny_disk: Path):
    folder = tiny_disk / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "tracker", "--data-dir", str(folder)]
    assert subprocess.run(run + ["tick", "python.venv"], env=env, cwd=ROOT,
                          capture_output=True).returncode == 0
    filler = fill(tiny_disk)
    r = subprocess.run(run + ["study", "add", "--minutes", "30", "--note", "z" * 9000],
                       env=env, cwd=ROOT, capture_output=True, text=True)
    for _ in range(200):  # the WAL may have room for a few more
        if r.returncode != 0:
            break
        r = subprocess.run(run + ["study", "add", "--minutes", "30", "--note", "z" * 9000],
                           env=env, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0] and "Traceback" not in r.stderr
    filler.unlink()
    assert integrity(folder / "tracker.sqlite3") == ["ok"]
