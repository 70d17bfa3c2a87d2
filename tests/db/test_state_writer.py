"""A tick writes with plain sqlite3 (tracker.db.state_writer), not the ORM writer: the two
must leave the same database behind, fail the same way and need no SQLAlchemy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.db.store import Store

ROOT = Path(__file__).resolve().parents[2]
CHANGES = [{"python.venv": "done"}, {"python.venv": "learning", "python.packaging": "done"},
           {"python.venv": "learning"}, {"python.packaging": "todo", "docker.build": "done"},
           {}]


def dump(path: Path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("progress", "progress_event", "meta")}
    finally:
        con.close()


def fixed_clock():
    from datetime import UTC, datetime, timedelta

    t = [datetime(2025, 3, 1, tzinfo=UTC)]

    def clock():
        t[0] += timedelta(seconds=1)
        return t[0]
    return clock


def test_a_tick_leaves_the_database_the_orm_writer_would(tmp_path, tiny_default):
    results = []
    for name, use_orm in (("plain", False), ("orm", True)):
        store = Store.open(tmp_path / name, clock=fixed_clock(), daily_backup=False)
        try:
            for changes in CHANGES:
                before = (store._w().set_states(changes, "app") if use_orm
                          else store.set_states(changes))
                results.append((name, before))
            meta = dict(dump(store.path)["meta"])
        finally:
            store.close()
        results.append((name, dump(store.path)["progress"], dump(store.path)["progress_event"],
                        meta["change_counter"]))
    plain = [r[1:] for r in results if r[0] == "plain"]
    orm = [r[1:] for r in results if r[0] == "orm"]
    assert plain == orm
    assert len(plain[-1][1]) == 5  # an event per real change, none for a repeated state


def test_a_failed_tick_changes_nothing_and_says_why_in_one_line(tmp_path, tiny_default):
    from tracker.db.integrity import StorageError

    store = Store.open(tmp_path / "d", daily_backup=False)
    store.set_states({"python.venv": "done"})
    before = dump(store.path)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        import tracker.db.engine as engine

        old = engine.BUSY_TIMEOUT_S
        engine.BUSY_TIMEOUT_S = 0.2
        fresh = Store.open(tmp_path / "d", daily_backup=False, check=False, sync=False)
        try:
            with pytest.raises(StorageError, match="busy"):
                fresh.set_states({"python.venv": "learning", "docker.build": "done"})
        finally:
            engine.BUSY_TIMEOUT_S = old
            fresh.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert dump(store.path) == before
    assert store.set_states({"python.venv": "learning"}) == {"python.venv": "done"}
    store.close()


def test_ticking_from_the_command_line_loads_no_sqlalchemy(tmp_path, tiny_default):
    folder = tmp_path / "d"
    Store.open(folder).close()
    code = ("import sys\nfrom tracker.db.store import Store\n"
            f"s = Store.open({str(folder)!r}, sync=False)\ns.set_states({{'python.venv': 'done'}})\n"
            "s.close()\nprint(any(m.startswith('sqlalchemy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
