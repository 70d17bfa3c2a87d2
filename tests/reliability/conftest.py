"""Helpers for the reliability suite: fill a store, damage a file, run the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


def corrupt(path: Path) -> None:
    """Overwrite the start of every page after the first two: quick_check must notice."""
    data = bytearray(path.read_bytes())
    for off in range(4096 * 2, len(data), 4096):
        data[off:off + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file (what closing the last connection does)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def integrity(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    finally:
        con.close()


@pytest.fixture
def filled(store):
    """The tiny-pack store with a little of everything in it."""
    from tracker.db.types import CertificationInput, Review

    store.set_states({"python.venv": "done", "python.packaging": "learning"})
    store.add_certification(CertificationInput(name="CKA", issuer="CNCF", earned="2025-03-01"))
    store.add_study_session(45, day="2025-03-02", note="helm charts")
    store.add_reviews([Review("python.venv", "verified", "nice", "Ana", "2025-03-03T10:00:00Z",
                              "", "")])
    return store


# Runs the CLI in-process in the child and then reports the child's own peak resident memory
# (VmHWM of its address space since exec). Not ru_maxrss from wait4/getrusage: on Linux that
# keeps the high-water mark of the process before exec, i.e. of a forked copy of the test
# session itself, so it grew with the suite (244 MB reported for a 35 MB command).
_MEASURED = r"""
import sys
from tracker.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open("/proc/self/status") as f:
        hwm = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(sys.argv[1], "w") as f:
        f.write(hwm)
sys.exit(code)
"""


def run_tracker_measured(args: list[str], tmp: Path, limit_bytes: int
                         ) -> tuple[int, str, str, int]:
    """Run ``python -m tracker ARGS`` limited to ``limit_bytes`` of address space (so a
    regression fails fast instead of taking the shared machine's memory). Returns exit code,
    stdout, stderr and the command's own peak RSS in KB."""
    import os
    import resource
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out, err, peak = tmp / "out.txt", tmp / "err.txt", tmp / "peak.txt"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    env = {**os.environ}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.run([sys.executable, "-c", _MEASURED, str(peak), *args], cwd=root,
                              stdout=fo, stderr=fe, env=env, preexec_fn=limit, timeout=300)
    return (proc.returncode, out.read_text(), err.read_text(),
            int(peak.read_text()) if peak.exists() else 0)
