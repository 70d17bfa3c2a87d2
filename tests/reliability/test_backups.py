"""Backups: checked copies with the online backup API, daily at start-up when due, thinned on
disk, restored safely (validated name, checked file, current state saved first)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.reliability.conftest import corrupt, integrity
from tracker.db import backup
from tracker.db.errors import InputError
from tracker.db.store import Store

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_a_checked_copy_that_says_what_it_contains(filled):
    b = backup.make_backup(filled.folder, reason="manual", now=T0)
    assert b.name == "tracker-20260301-093000-manual.sqlite3"
    assert b.reason == "manual" and b.created_at == T0 and b.size == b.path.stat().st_size
    assert integrity(b.path) == ["ok"]
    counts = backup.backup_counts(b.path)
    assert counts == {"done_milestones": 1, "certifications": 1, "study_sessions": 1,
                      "study_minutes": 45, "reviews": 1, "progress_events": 2}
    # a self-contained file: no WAL needed to read it
    con = sqlite3.connect(b.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    assert backup.list_backups(filled.folder) == [b]
    assert not list(b.path.parent.glob("*.part"))


def test_backups_in_the_same_second_never_overwrite_each_other(filled):
    made: list[backup.BackupInfo] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            made.append(backup.make_backup(filled.folder, reason="manual", now=T0,
                                           prune=False))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    names = {b.name for b in made}
    assert len(names) == 6
    assert all(b.reason == "manual" and b.created_at == T0 for b in made)
    assert {b.name for b in backup.list_backups(filled.folder)} == names


def test_a_backup_while_another_connection_writes_is_consistent(filled):
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            filled.add_study_session(5 + i % 10, day="2025-04-01")
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        made = [backup.make_backup(filled.folder, reason="manual", prune=False)
                for _ in range(5)]
    finally:
        stop.set()
        t.join()
    for b in made:
        assert integrity(b.path) == ["ok"]


def test_start_up_backs_up_when_the_newest_is_over_a_day_old_and_something_changed(
        tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    Store.open(folder).close()              # a brand-new database: nothing to back up
    assert backup.list_backups(folder) == []
    Store.open(folder, clock=lambda: T0).close()   # no backup at all yet: make one
    first = backup.list_backups(folder)
    assert [b.reason for b in first] == ["daily"] and first[0].created_at == T0
    Store.open(folder, clock=lambda: T0 + timedelta(hours=20)).close()  # under a day
    assert backup.list_backups(folder) == first
    Store.open(folder, clock=lambda: T0 + timedelta(days=2)).close()  # old, but unchanged
    assert backup.list_backups(folder) == first
    with Store.open(folder, clock=lambda: T0 + timedelta(days=2)) as s:
        s.set_states({"python.venv": "done"})
    with Store.open(folder, clock=lambda: T0 + timedelta(days=2, hours=1)):
        pass
    now = backup.list_backups(folder)
    assert len(now) == 2 and now[0].reason == "daily"
    assert backup.backup_counts(now[0].path)["done_milestones"] == 1
    # and it can be turned off (the durability writers keep it on: it must be crash-safe)
    with Store.open(folder, clock=lambda: T0 + timedelta(days=9)) as s:
        s.set_states({"python.tests": "done"})
    Store.open(folder, clock=lambda: T0 + timedelta(days=10), daily_backup=False).close()
    assert len(backup.list_backups(folder)) == 2


def test_thinning_on_disk_follows_the_policy(filled):
    folder = filled.folder
    for d in range(0, 400, 3):
        backup.make_backup(folder, reason="daily", now=T0 - timedelta(days=d), prune=False)
    backup.make_backup(folder, reason="before-migration", now=T0 - timedelta(days=10),
                       prune=False)
    items = backup.list_backups(folder)
    expected = backup.backups_to_keep(items, T0)
    deleted = backup.prune_backups(folder, T0)
    left = {b.name for b in backup.list_backups(folder)}
    assert left == expected
    assert set(deleted) == {b.name for b in items} - expected
    assert any(b.endswith("before-migration.sqlite3") for b in left)
    assert len(left) <= 1 + 2 + 7 + 8 + 12 + 1


def test_a_new_backup_prunes_but_never_itself(filled):
    for d in range(30, 300, 5):
        backup.make_backup(filled.folder, reason="daily", now=T0 - timedelta(days=d),
                           prune=False)
    made = backup.make_backup(filled.folder, reason="manual", now=T0 - timedelta(days=400))
    assert made.path.exists()  # the newest in wall-clock terms, although its date is old


def restore_setup(store: Store) -> tuple[Path, backup.BackupInfo]:
    b = backup.make_backup(store.folder, reason="manual", now=T0)
    store.set_states({"python.tests": "done", "docker.build": "done"})
    store.delete_certification(store.certifications()[0].id)
    return store.folder, b


def test_restore_brings_the_backup_back_and_saves_the_current_state_first(filled):
    want = filled.snapshot()
    folder, b = restore_setup(filled)
    filled.close()
    result = backup.restore_backup(folder, b.name, now=T0 + timedelta(hours=1))
    assert result.restored == b and result.moved_aside is None
    saved = result.saved_first
    assert saved is not None and saved.reason == "before-restore"
    assert backup.backup_counts(saved.path)["done_milestones"] == 3
    assert integrity(folder / "tracker.sqlite3") == ["ok"]
    with Store.open(folder) as s:
        got = s.snapshot()
        assert got.progress == want.progress
        assert got.certifications == want.certifications
        assert got.study_sessions == want.study_sessions
        assert got.history == want.history
    con = sqlite3.connect(folder / "tracker.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_restore_while_a_store_is_still_open_is_seen_by_it(filled):
    folder, b = restore_setup(filled)
    backup.restore_backup(folder, b.name)
    assert filled.states()["python.venv"] == "done"
    assert "python.tests" not in filled.states()
    assert integrity(folder / "tracker.sqlite3") == ["ok"]


@pytest.mark.parametrize("name", ["../tracker.sqlite3", "/etc/passwd", "backups/../x",
                                  "tracker-20260301-093000-manual", "", ".",
                                  "tracker-20260301-093000-manual.sqlite3/.."])
def test_restore_accepts_only_a_listed_name(filled, name):
    folder, b = restore_setup(filled)
    before = filled.states()
    with pytest.raises(InputError, match="no backup named"):
        backup.restore_backup(folder, name)
    assert filled.states() == before
    assert len(backup.list_backups(folder)) == 1


def test_restore_refuses_a_damaged_backup_and_changes_nothing(filled):
    folder, b = restore_setup(filled)
    corrupt(b.path)
    before = filled.states()
    with pytest.raises(InputError, match="damaged"):
        backup.restore_backup(folder, b.name)
    assert filled.states() == before
    assert [x.name for x in backup.list_backups(folder)] == [b.name]


def test_restore_refuses_a_backup_from_a_newer_app(filled):
    folder, b = restore_setup(filled)
    con = sqlite3.connect(b.path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="newer version"):
        backup.restore_backup(folder, b.name)


def test_restore_over_a_damaged_database_moves_it_aside(filled):
    folder, b = restore_setup(filled)
    filled.close()
    live = folder / "tracker.sqlite3"
    corrupt(live)
    damaged = live.read_bytes()
    result = backup.restore_backup(folder, b.name, now=T0)
    assert result.saved_first is None
    assert result.moved_aside is not None and result.moved_aside.read_bytes() == damaged
    assert integrity(live) == ["ok"]


def test_restore_into_a_missing_database(filled):
    folder, b = restore_setup(filled)
    filled.close()
    (folder / "tracker.sqlite3").unlink()
    result = backup.restore_backup(folder, b.name)
    assert result.saved_first is None and result.moved_aside is None
    with Store.open(folder) as s:
        assert s.states()["python.venv"] == "done"


def test_restore_of_a_backup_with_another_page_size_replaces_the_file(filled):
    folder, b = restore_setup(filled)
    filled.close()
    con = sqlite3.connect(b.path)
    con.execute("PRAGMA page_size = 8192")
    con.execute("VACUUM")
    con.close()
    backup.restore_backup(folder, b.name)
    live = folder / "tracker.sqlite3"
    assert integrity(live) == ["ok"]
    con = sqlite3.connect(live)
    assert con.execute("PRAGMA page_size").fetchone()[0] == 8192
    con.close()
    with Store.open(folder) as s:
        assert "python.tests" not in s.states()
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]


# ------------------------------------------------------------------- command line
def test_cli_backup_backups_and_restore(cli):
    assert cli("tick", "python.venv").code == 0
    r = cli("backup")
    assert r.code == 0, r.err
    name = r.out.strip()
    assert name.startswith("tracker-") and name.endswith("-manual.sqlite3")
    doc = cli("backups", "--json").json()
    first = next(b for b in doc["backups"] if b["name"] == name)
    assert set(first) == {"name", "created_at", "reason", "size", "counts"}
    assert first["reason"] == "manual" and first["created_at"].endswith("Z")
    assert first["counts"]["done_milestones"] == 1
    assert cli("tick", "python.packaging").code == 0

    r = cli("restore-backup", name, stdin="")
    assert r.code == 2 and r.err.startswith("error: ") and "--yes" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = cli("restore-backup", "../tracker.sqlite3", "--yes")
    assert r.code == 2 and "no backup named" in r.err and "Traceback" not in r.err

    r = cli("restore-backup", name, "--yes")
    assert r.code == 0, r.err
    assert f"restored {name}" in r.out and "before-restore" in r.out
    done = [m["id"] for m in cli("milestones", "--json").json()["milestones"]
            if m["state"] == "done"]
    assert done == ["python.venv"]
    reasons = [b["reason"] for b in cli("backups", "--json").json()["backups"]]
    assert "before-restore" in reasons
    text = cli("backups")
    assert text.code == 0 and name in text.out


def test_cli_backups_on_an_empty_folder(cli):
    r = cli("backups", "--json")
    assert r.code == 0 and r.json() == {"backups": []}
    assert not os.path.exists(cli.data_dir / "tracker.sqlite3")  # listing creates nothing
