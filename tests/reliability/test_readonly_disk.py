"""Review §15: a full or read-only data disk still lets you read. ``status``, ``milestones``,
``export`` to another disk and ``report`` used to fail there (SQLite could not create its
shared-memory file beside the database), and the message spoke of a change "not saved".
Now reading falls back to a read-only connection (tracker.db.readonly); writes still say,
in one line, that nothing was changed; and no read ever shows stale data: when changes are
still in the -wal file and cannot be read, the command says so instead.

Needs root (a tiny tmpfs, remounted read-only), like the other really-full-disk tests."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.reliability.conftest import integrity
from tests.reliability.test_disk_full import fill, tiny_disk  # noqa: F401 - fixture
from tracker.db.store import Store


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(folder), *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def one_line(r: subprocess.CompletedProcess, code: int = 2) -> str:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == code and len(lines) == 1 and lines[0].startswith("error: "), r
    assert "Traceback" not in r.stderr
    return lines[0]


def remount(mnt: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mnt)], check=True)


def reads_work(folder: Path, out: Path, done: set[str]) -> None:
    """Every reading command works and sees exactly ``done``."""
    r = cli(folder, "status", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["levels"]
    r = cli(folder, "milestones", "--json", "--state", "done")
    assert r.returncode == 0, r.stderr
    assert {m["id"] for m in json.loads(r.stdout)["milestones"]} == done
    r = cli(folder, "export", "-o", str(out / "me.mlops-progress.json"))
    assert r.returncode == 0, r.stderr
    assert "not remembered" in r.stdout  # a review of it needs import-review --any-export
    doc = json.loads((out / "me.mlops-progress.json").read_text())
    assert {p["milestone"] for p in doc["progress"] if p["state"] == "done"} == done
    r = cli(folder, "report", "--self", "-o", str(out / "me.html"))
    assert r.returncode == 0, r.stderr
    assert cli(folder, "backups").returncode == 0


def test_reading_on_a_full_disk(tiny_disk: Path, tmp_path: Path):  # noqa: F811
    folder = tiny_disk / "data"
    assert cli(folder, "tick", "python.venv", "python.packaging").returncode == 0
    before = (folder / "tracker.sqlite3").read_bytes()
    filler = fill(tiny_disk)  # not one byte left: no room for SQLite's -shm file
    try:
        reads_work(folder, tmp_path, {"python.venv", "python.packaging"})
        line = one_line(cli(folder, "tick", "python.cli-tool"))
        assert "full" in line
    finally:
        filler.unlink()
    assert (folder / "tracker.sqlite3").read_bytes() == before
    assert integrity(folder / "tracker.sqlite3") == ["ok"]
    assert cli(folder, "tick", "python.testing-pytest").returncode == 0


def test_reading_on_a_read_only_disk(tiny_disk: Path, tmp_path: Path):  # noqa: F811
    folder = tiny_disk / "data"
    assert cli(folder, "tick", "python.venv").returncode == 0
    remount(tiny_disk, "ro")
    try:
        reads_work(folder, tmp_path, {"python.venv"})
        for args in (["tick", "python.packaging"], ["backup"],
                     ["restore", str(tmp_path / "me.mlops-progress.json"), "--yes"]):
            line = one_line(cli(folder, *args)).lower()
            assert "read-only" in line or "writable" in line, line
            assert ".tmp" not in line  # names the folder, not a temp file
    finally:
        remount(tiny_disk, "rw")
    assert integrity(folder / "tracker.sqlite3") == ["ok"]


def test_changes_still_in_the_wal_are_never_hidden(tiny_disk: Path, tmp_path: Path):  # noqa: F811
    """A read-only disk holding a -wal with changes not yet in the main file: with its
    -shm file the reads see them; without it they cannot, and the command says so rather
    than show the older state."""
    src = tmp_path / "src"
    assert cli(src, "tick", "python.venv").returncode == 0
    keeper = sqlite3.connect(src / "tracker.sqlite3")  # keeps the WAL from being folded in
    keeper.execute("SELECT count(*) FROM meta").fetchall()
    assert cli(src, "tick", "python.packaging").returncode == 0
    assert (src / "tracker.sqlite3-wal").stat().st_size > 0
    with_shm, without = tiny_disk / "with-shm", tiny_disk / "without"
    for dest, names in ((with_shm, ("", "-wal", "-shm")), (without, ("", "-wal"))):
        dest.mkdir()
        for sfx in names:
            shutil.copyfile(src / f"tracker.sqlite3{sfx}", dest / f"tracker.sqlite3{sfx}")
    keeper.close()
    remount(tiny_disk, "ro")
    try:
        r = cli(with_shm, "milestones", "--json", "--state", "done")
        assert r.returncode == 0, r.stderr
        assert {m["id"] for m in json.loads(r.stdout)["milestones"]} == {"python.venv",
                                                                      "python.packaging"}
        line = one_line(cli(without, "milestones", "--json", "--state", "done"))
        assert "-wal" in line and "read-only" in line
    finally:
        remount(tiny_disk, "rw")


def test_the_app_sees_new_commits_once_the_disk_has_room(tiny_disk: Path,  # noqa: F811
                                                         monkeypatch):
    """A Store opened on a full disk reads through a read-only stand-in; once there is
    room it goes back to a normal connection, so it sees what was committed since."""
    folder = tiny_disk / "data"
    with Store.open(folder) as s:
        s.set_states({"python.venv": "done"})
    filler = fill(tiny_disk)
    store = Store.open(folder, daily_backup=False)
    try:
        assert store.states()["python.venv"] == "done"
        filler.unlink()
        with Store.open(folder) as other:
            other.set_states({"python.packaging": "done"})
        assert store.states()["python.packaging"] == "done"
        store.set_states({"python.cli-tool": "done"})
        assert store.states()["python.cli-tool"] == "done"
    finally:
        store.close()
