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
