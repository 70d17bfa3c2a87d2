"""The write a tick makes, in plain ``sqlite3``: the most frequent write of the app, so it
needs neither SQLAlchemy's import (30-odd MB and a quarter of a second, loaded only when
another kind of write comes) nor its per-statement overhead.

The same transaction as :meth:`tracker.db.writer.Writer.set_states` would run, on a
connection set up as the engine sets up its own (busy timeout, WAL, ``synchronous=FULL``,
foreign keys): ``BEGIN IMMEDIATE``, the progress rows, one history event per change, the
``change_counter`` bump, ``COMMIT``; rolled back on any exception; SQLite errors turned into
the same one-line errors (:func:`tracker.db.integrity.translate`). A test runs both on the
same changes and compares the databases.

Threading rule: safe from any thread (one connection per thread); one call at a time per
thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path


class StateWriter:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            from tracker.db.engine import BUSY_TIMEOUT_S

            con = sqlite3.connect(str(self.path.absolute()), timeout=BUSY_TIMEOUT_S,
                                  check_same_thread=False)
            try:
                con.isolation_level = None
                con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                con.execute("PRAGMA journal_mode = WAL")
                con.execute("PRAGMA synchronous = FULL")
                con.execute("PRAGMA foreign_keys = ON")
            except BaseException:
                con.close()
                raise
            self._local.con = con
            with self._lock:
                self._all.append(con)
        return con

    def set_states(self, changes: Mapping[str, str], source: str, now: str) -> dict[str, str]:
        """Each milestone's previous state; the changes committed in one transaction."""
        try:
            return self._set_states(changes, source, now)
        except sqlite3.Error as exc:
            from tracker.db import integrity

            better = integrity.translate(exc, self.path)
            if better is not None:
                raise better from exc
            raise

    def _set_states(self, changes: Mapping[str, str], source: str,
                    now: str) -> dict[str, str]:
        con = self._conn()
        ids = list(changes)
        previous: dict[str, str] = {}
        con.execute("BEGIN IMMEDIATE")
        try:
            rows = dict(con.execute(
                "SELECT milestone_id, state FROM progress WHERE milestone_id IN "
                f"({', '.join('?' * len(ids))})", ids).fetchall()) if ids else {}
            for mid, state in changes.items():
                before = rows.get(mid, "todo")
                previous[mid] = before
                if before == state:
                    continue
                if mid in rows:
                    con.execute("UPDATE progress SET state = ?, updated_at = ? "
                                "WHERE milestone_id = ?", (state, now, mid))
                else:
                    con.execute("INSERT INTO progress (milestone_id, state, updated_at, note) "
                                "VALUES (?, ?, ?, '')", (mid, state, now))
                con.execute("INSERT INTO progress_event (milestone_id, state, previous_state, "
                            "at, source) VALUES (?, ?, ?, ?, ?)",
                            (mid, state, before, now, source))
            row = con.execute("SELECT value FROM meta WHERE key = 'change_counter'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta (key, value) VALUES ('change_counter', '1')")
            else:
                con.execute("UPDATE meta SET value = ? WHERE key = 'change_counter'",
                            (str(int(row[0]) + 1),))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    self._forget(con)  # closing it rolls back; the next call reconnects
            raise
        return previous

    def _forget(self, con: sqlite3.Connection) -> None:
        self._local.con = None
        with self._lock:
            if con in self._all:
                self._all.remove(con)
        con.close()

    def close(self) -> None:
        with self._lock:
            cons, self._all = self._all, []
        for con in cons:
            try:
                con.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()
