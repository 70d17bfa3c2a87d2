"""Damage that ``quick_check`` cannot see (issue 10, item 9; hostile review section 8): a
flipped byte in a text column, a state or level this app never writes, broken JSON in a
column. Every command that meets it says so in one line with the ``restore-backup`` advice
(exit 2, never "unexpected failure"), and no backup of the damaged file ever joins or thins
out the good ones."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker.db import backup, integrity
from tracker.db.errors import DamagedContentError, InputError
from tracker.db.store import Store
from tracker.db.types import Review

# Each is what a flipped byte or two does; every one passes PRAGMA integrity_check.
DAMAGE = {
    "unknown-state": "UPDATE progress SET state='dome' WHERE milestone_id='python.venv'",
    "broken-json": "UPDATE milestone SET requires='[' WHERE id='python.venv'",
    "not-utf8": "UPDATE certification SET name=CAST(x'41ff42' AS TEXT)",
    "unknown-level": "UPDATE level SET id='j-nior' WHERE id='junior'",
}
# What each must make fail (a command that never reads the damaged value may succeed).
MUST_FAIL = {
    "unknown-state": {"status", "milestones", "export", "backup"},
    "broken-json": {"status", "milestones", "export", "backup"},
    "not-utf8": {"export", "backup", "cert list"},
    "unknown-level": {"status", "export", "backup"},
}


def damage(db: Path, sql: str) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(sql)
    con.commit()
    con.close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "backups").iterdir())}


@pytest.fixture
def learner(tmp_path: Path) -> tuple[Path, list[backup.BackupInfo]]:
    """A data folder on the shipped pack with some of everything, and good daily backups
    old enough that the next start makes a daily one (and would thin the older of the two
    made on the same day)."""
    folder = tmp_path / "data"
    with Store.open(folder, daily_backup=False) as s:
        s.set_states({"python.venv": "done", "python.packaging": "learning"})
        s.add_study_session(30, day="2025-03-02", note="venvs")
        s.add_reviews([Review("python.venv", "verified", "ok", "Ana", "2025-03-03T10:00:00Z")])
    con = sqlite3.connect(paths_db(folder))
    con.execute("INSERT INTO certification(name, issuer, earned, credential_id, url, source, "
                "verified, created_at) VALUES ('CKA', 'CNCF', '2025-03-01', '', '', 'manual', "
                "0, '2025-03-01T00:00:00Z')")
    con.commit()
    con.close()
    now = datetime.now(UTC)
    good = [backup.make_backup(folder, reason="daily", now=now - timedelta(days=10, hours=h),
                               prune=False) for h in (2, 1)]
    good.append(backup.make_backup(folder, reason="daily", now=now - timedelta(days=3)))
    return folder, good


def paths_db(folder: Path) -> Path:
    return folder / "tracker.sqlite3"


COMMANDS = {
    "status": ("status",),
    "milestones": ("milestones",),
    "export": ("export", "-o", "{tmp}/x.mlops-progress.json"),
    "backup": ("backup",),
    "cert list": ("cert", "list"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_cli_says_damaged_in_one_line_with_advice_and_keeps_every_good_backup(
        cli, learner, tmp_path, kind):
    folder, good = learner
    before = fingerprint(folder)
    damage(paths_db(folder), DAMAGE[kind])
    newest_good = good[-1].name
    for name, argv in COMMANDS.items():
        r = cli(*(a.format(tmp=tmp_path) for a in argv), data_dir=folder)
        assert "Traceback" not in r.err and "unexpected" not in r.err, (name, r.err)
        if r.code == 0:
            assert name not in MUST_FAIL[kind], (name, r.out)
            continue
        assert r.code == 2, (name, r.code, r.err)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: the database tracker.sqlite3 "
                                                       "is damaged ("), (name, r.err)
        assert lines[0].endswith(f"restore-backup {newest_good}"), (name, lines[0])
        assert f"--data-dir {folder}" in lines[0]
    # The start-up daily backup was due every time, and the manual one was asked for: no
    # copy of the damaged file was kept, and none of the good ones was thinned away.
    assert fingerprint(folder) == before
    assert not list((folder / "backups").glob(".tmp-*"))


def test_restore_backup_moves_the_damaged_file_aside_and_everything_works_again(cli, learner):
    folder, good = learner
    damage(paths_db(folder), DAMAGE["unknown-state"])
    damaged_bytes = paths_db(folder).read_bytes()
    r = cli("status", data_dir=folder)
    command = r.err.strip().split("with: ", 1)[1]
    assert command.endswith(f"restore-backup {good[-1].name}")
    r = cli("restore-backup", good[-1].name, "--yes", data_dir=folder)
    assert r.code == 0, r.err
    assert "moved to" in r.out
    moved = next(folder.glob("tracker.sqlite3.damaged-*[0-9]"))
    assert moved.read_bytes() == damaged_bytes           # kept, not deleted
    assert cli("status", data_dir=folder).code == 0
    assert cli("backup", data_dir=folder).code == 0


# ------------------------------------------------------------------ in process
@pytest.fixture
def tiny(filled) -> Store:
    return filled


def _damage_store(store: Store, sql: str) -> None:
    store.close()
    damage(store.path, sql)


@pytest.mark.parametrize("sql, read, problem", [
    ("UPDATE progress SET state='dome'", "states", "the state of python.venv is 'dome'"),
    ("UPDATE progress SET state='Done'", "progress", "the state of python.venv is 'Done'"),
    ("UPDATE progress_event SET previous_state='x'", "history", "a change of python.venv"),
    ("UPDATE progress_event SET at='2025-13-01T00:00:00Z'", "history", "cannot be read"),
    ("UPDATE milestone SET requires='{}'", "curriculum", "requires is '{}'"),
    ("UPDATE skill SET area_id='nowhere'", "curriculum", "area is 'nowhere'"),
    ("UPDATE review SET verdict='verifeid'", "reviews", "a verdict on python.venv"),
    ("UPDATE certification SET expires='2025-02-30'", "certifications", "cannot be read"),
    ("UPDATE study_session SET note=CAST(x'c3' AS TEXT)", "study_sessions",
     "column 'note' holds bytes that are not UTF-8"),
    ("UPDATE meta SET value=CAST(x'ff' AS TEXT) WHERE key='curriculum_title'", "curriculum",
     "not UTF-8"),
    ("ALTER TABLE progress RENAME COLUMN note TO nxte", "progress",
     "schema is damaged: no such column 'note'"),
])
def test_every_read_turns_damage_into_one_error(tiny, sql, read, problem):
    folder = tiny.folder
    good = backup.make_backup(folder, reason="manual")
    _damage_store(tiny, sql)
    store = Store(folder)  # no open-time sync: read exactly what is on disk
    try:
        with pytest.raises(DamagedContentError) as info:
            getattr(store, read)()
    finally:
        store.close()
    err = info.value
    assert problem in err.problem, err.problem
    assert "\n" not in str(err) and str(err).endswith(f"restore-backup {good.name}")
    assert err.newest_backup == good.name
    assert integrity.content_check(store.path) == err.problem
    assert integrity.quick_check(store.path) is None     # what quick_check cannot see


def test_a_write_that_meets_a_damaged_row_says_so_too(tiny):
    folder = tiny.folder
    _damage_store(tiny, "UPDATE progress SET note=CAST(x'41ff42' AS TEXT)")
    store = Store(folder)
    try:
        with pytest.raises(DamagedContentError, match="not UTF-8"):
            store._w().set_states({"python.venv": "todo"}, "app")
    finally:
        store.close()


def test_an_older_damaged_backup_is_never_offered_as_the_good_one(tiny):
    """Backups made before this check existed may hold damaged copies: skip them."""
    folder = tiny.folder
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    good = backup.make_backup(folder, reason="daily", now=t0)
    bad = backup.make_backup(folder, reason="daily", now=t0 + timedelta(days=1))
    damage(bad.path, "UPDATE progress SET state='dome'")
    assert backup.newest_good_backup(folder).name == good.name
    with pytest.raises(InputError, match="damaged"):
        backup.restore_backup(folder, bad.name)


def test_a_damaged_copy_is_refused_and_thins_nothing(tiny):
    folder = tiny.folder
    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    # two on one old day: a new backup would thin the older one out
    same_day = [backup.make_backup(folder, reason="daily", now=t0 + timedelta(hours=h),
                                   prune=False) for h in (0, 1)]
    _damage_store(tiny, "UPDATE milestone SET requires='[' WHERE id='python.venv'")
    later = t0 + timedelta(days=20)
    with pytest.raises(DamagedContentError, match="no backup was made") as info:
        backup.make_backup(folder, reason="manual", now=later)
    assert info.value.newest_backup == same_day[1].name
    assert backup.backup_if_due(folder, now=later) is None
    assert [b.name for b in backup.list_backups(folder)] == [b.name for b in
                                                            reversed(same_day)]
    assert not list((folder / "backups").glob(".tmp-*"))


def test_content_check_costs_little_on_a_big_database(store, record_property):
    """100,000 progress events: the check that runs with every backup finds nothing
    wrong with a big, healthy database (and its time is recorded)."""
    import random
    import time

    ids = list(store.curriculum().milestone_by_id)
    store.close()
    rng = random.Random(5)
    con = sqlite3.connect(store.path)
    con.executemany(
        "INSERT INTO progress_event(milestone_id, state, previous_state, at, source) "
        "VALUES (?, ?, 'todo', ?, 'app')",
        [(rng.choice(ids), rng.choice(["done", "learning", "todo"]),
          f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00.000000Z") for i in range(100_000)])
    con.commit()
    con.close()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        assert integrity.content_check(store.path) is None
        times.append(time.perf_counter() - t)
    record_property("content_check_ms", round(min(times) * 1000, 1))
    # The time is recorded, not asserted: speed targets live in `tracker bench`, where the
    # machine's load is measured in the same run (a loaded CI machine took 2.8 s here).
    print(f"\ncontent_check, 100k events: {min(times) * 1000:.1f} ms")


def test_schema_text_that_is_not_utf8_is_damage_moved_aside(cli, learner):
    """SQLite's own error quotes the damaged schema text: Python cannot even decode the
    message (UnicodeDecodeError). Found by flipping random bytes (seed 2, database 4)."""
    folder, good = learner
    db = paths_db(folder)
    con = sqlite3.connect(db)
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'study_session'").fetchone()[0]
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = CAST(? AS TEXT) WHERE name = 'study_session'",
                (sql.encode().replace(b"CREATE TABLE", b"CREATE T\xf6BLE"),))
    con.commit()
    con.close()
    damaged_bytes = db.read_bytes()
    r = cli("status", data_dir=folder)
    assert r.code == 2 and "unexpected" not in r.err, r.err
    line = r.err.strip()
    assert "\n" not in line and "schema text is not UTF-8" in line
    assert line.endswith(f"restore-backup {good[-1].name}")
    moved = next(folder.glob("tracker.sqlite3.damaged-*[0-9]"))
    assert moved.read_bytes() == damaged_bytes
