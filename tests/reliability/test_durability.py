"""Durability: writers killed with SIGKILL at random moments lose nothing they reported as
saved, every transaction is all or nothing, and the file stays whole. Two writers at once
(CLI commands and an in-process Store, as the GUI has) both succeed: no "database is locked".

What this proves: process crashes (the app killed, the machine's OOM killer, a forced quit).
Power loss is SQLite's part (WAL with synchronous=FULL, which the engine sets).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.db.store import Store

SCRIPTS = Path(__file__).parent / "scripts"
# Enough evidence, however slow the machine: runs go on until at least KILLS writers were
# killed and WRITES writes were reported (each run forks two writers and kills both).
KILLS, WRITES = 40, 100
MAX_RUNS = 400         # a bound, not a target: 20 runs were enough here
BUDGET_S = 300.0       # a hang guard only (a loaded machine reported 46 writes in 15 s)


def reported_lines(path: Path) -> int:
    """Writes a dead writer reported: whole lines other than "ready"."""
    lines = path.read_text().split("\n")[:-1] if path.exists() else []
    return sum(1 for line in lines if line != "ready")


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"writer {pid} did not die")


def wait_ready(path: Path, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.read_bytes().startswith(b"ready\n"):
            return
        time.sleep(0.002)
    raise AssertionError(f"writer never became ready: {path.read_text()[-2000:]}")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_writers_killed_at_random_moments_lose_nothing_they_reported(tmp_path: Path,
                                                                     record_property):
    folder = tmp_path / "data"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    Store.open(folder).close()
    rng = random.Random(int(os.environ.get("DURABILITY_SEED", "20260301")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MLOPS_TRACKER_DATA_DIR", None)
    server = subprocess.Popen([sys.executable, str(SCRIPTS / "forkserver.py"), str(folder),
                               str(out_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT, env=env)
    assert server.stdin is not None and server.stdout is not None
    kills = runs = early = so_far = 0
    start = time.monotonic()
    try:
        while ((kills < KILLS or so_far < WRITES) and runs < MAX_RUNS
               and time.monotonic() - start < BUDGET_S):
            runs += 1
            pids = {}
            for w in (0, 1):
                server.stdin.write(f"{w} {runs} {rng.randrange(1 << 30)}\n")
                server.stdin.flush()
                pids[w] = int(server.stdout.readline())
            if rng.random() < 0.2:
                # sometimes kill while it is still opening (start-up backup, pack check)
                early += 1
            else:
                for w in (0, 1):
                    wait_ready(out_dir / f"{w}-{runs}.out")
            order = [0, 1]
            rng.shuffle(order)
            for w in order:
                time.sleep(rng.uniform(0.0, 0.12))
                os.kill(pids[w], signal.SIGKILL)
                kills += 1
            for pid in pids.values():
                wait_gone(pid)
            so_far += sum(reported_lines(out_dir / f"{w}-{runs}.out") for w in (0, 1))
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    # Read what the writers said only now: every one of them is long dead.
    reported: list[tuple[str, str, list[str]]] = []
    for out in sorted(out_dir.glob("*.out")):
        text = out.read_text()
        assert "Traceback" not in text and "locked" not in text, text[-3000:]
        for line in text.split("\n")[:-1]:      # a cut-off last line was not reported
            if line == "ready":
                continue
            source, state, *ids = line.split()
            reported.append((source, state, ids))

    record_property("runs", runs)
    record_property("kills", kills)
    record_property("writes_reported", len(reported))
    print(f"\n{runs} runs, {kills} kills ({early} runs killed while opening), "
          f"{len(reported)} reported writes in {time.monotonic() - start:.1f} s")
    assert len(reported) == so_far
    assert kills >= KILLS and len(reported) >= WRITES

    db = folder / "tracker.sqlite3"
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        events = con.execute("SELECT id, milestone_id, state, source FROM progress_event "
                             "ORDER BY id").fetchall()
        progress = dict(con.execute("SELECT milestone_id, state FROM progress").fetchall())
    finally:
        con.close()
    by_source: dict[str, dict[str, str]] = {}
    for _id, mid, state, source in events:
        by_source.setdefault(source, {})[mid] = state
    # every write a process reported is there, exactly as reported
    for source, state, ids in reported:
        assert by_source.get(source) == {m: state for m in ids}, source
    # all or nothing: every committed call has all of its milestones (N in W-RUN-SEQ-N)
    counts = Counter(source for *_x, source in events)
    for source, n in counts.items():
        assert n == int(source.rsplit("-", 1)[1]), source
    # the current state agrees with the newest event of each milestone
    latest = {}
    for _id, mid, state, _src in events:
        latest[mid] = state
    assert {m: s for m, s in progress.items() if m in latest} == latest
    # the start-up backups the writers made (some killed mid-way) are whole
    for b in (folder / "backups").glob("tracker-*.sqlite3"):
        con = sqlite3.connect(b)
        assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        con.close()


@pytest.mark.slow
def test_two_cli_writers_and_the_app_at_once_never_see_database_is_locked(tmp_path: Path,
                                                                          cli):
    folder = tmp_path / "shared"
    store = Store.open(folder)
    ids = [m.id for m in store.curriculum().milestones]
    results: list = []

    def cli_loop(offset: int) -> None:
        for i in range(4):
            mid = ids[offset + 2 * i]
            results.append(cli("tick", mid, "--state", "done", data_dir=folder))
            results.append(cli("study", "add", "--minutes", "10", data_dir=folder))

    threads = [threading.Thread(target=cli_loop, args=(o,)) for o in (100, 101)]
    for t in threads:
        t.start()
    app_writes = 0
    try:
        while any(t.is_alive() for t in threads):
            mid = ids[app_writes % 50]
            store.set_states({mid: "done" if app_writes % 100 < 50 else "learning"})
            store.add_study_session(1)
            app_writes += 1
            time.sleep(0.005)  # a very quick user
    finally:
        for t in threads:
            t.join()
    failures = [r for r in results if r.code != 0]
    assert not failures, failures[0].err
    assert not any("locked" in r.err for r in results)
    assert app_writes > 10
    states = store.states()
    assert all(states[ids[o + 2 * i]] == "done" for o in (100, 101) for i in range(4))
    minutes = store.study_minutes_by_day("2000-01-01")
    assert sum(minutes.values()) == 2 * 4 * 10 + app_writes
    store.close()
