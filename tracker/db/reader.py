"""Fast reads on the standard library's sqlite3, for start-up and every screen refresh.

The Store reads through this module and writes through SQLAlchemy sessions (writer side),
so opening the app and drawing its first page never pays for importing SQLAlchemy. The
schema is still defined by the SQLAlchemy models and built by Alembic migrations; the
queries here only read the columns those models define (tests compare both paths).

Threading rule: one sqlite3 connection per thread (thread-local), so GUI-thread reads and
worker-thread reads never share a connection. Each ``read()`` block is one deferred
transaction, so everything read inside it comes from one consistent instant.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Curriculum,
    Level,
    Milestone,
    Skill,
)
from tracker.db.types import (
    Certification,
    Evidence,
    Profile,
    ProgressEntry,
    Review,
    StudySession,
)
from tracker.readiness import StateChange

BUSY_TIMEOUT_MS = 30_000


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Reader:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                  isolation_level=None, check_same_thread=False)
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA foreign_keys = ON")
            self._local.con = con
            with self._lock:
                self._all.append(con)
        return con

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: one deferred transaction (nested calls share it)."""
        con = self._conn()
        if con.in_transaction:
            yield con
            return
        con.execute("BEGIN")
        try:
            yield con
        finally:
            con.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for con in self._all:
                try:
                    con.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

    # ------------------------------------------------------------------ queries
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def curriculum(self) -> Curriculum:
        with self.read() as con:
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'curriculum_%'"))
            levels = tuple(Level(*r) for r in con.execute(
                "SELECT id, rank, title, focus, experience, salary, threshold FROM level "
                "WHERE active ORDER BY rank"))
            areas = tuple(Area(*r) for r in con.execute(
                "SELECT id, title, description FROM area WHERE active ORDER BY position"))
            skills = tuple(Skill(*r) for r in con.execute(
                "SELECT id, area_id, title, description FROM skill WHERE active "
                "ORDER BY position"))
            milestones = tuple(
                Milestone(i, s, lv, t, d, w, bool(c), tuple(json.loads(req)))
                for i, s, lv, t, d, w, c, req in con.execute(
                    "SELECT id, skill_id, level_id, title, description, weight, core, requires "
                    "FROM milestone WHERE active ORDER BY position"))
            certs = tuple(
                CatalogCertification(i, n, iss, tuple(json.loads(sk)), lv, url)
                for i, n, iss, sk, lv, url in con.execute(
                    "SELECT id, name, issuer, skills, level_id, url FROM catalog_certification "
                    "WHERE active ORDER BY position"))
        cur = Curriculum(
            id=meta.get("curriculum_id", ""), version=meta.get("curriculum_version", ""),
            title=meta.get("curriculum_title", ""),
            description=meta.get("curriculum_description", ""),
            levels=levels, areas=areas, skills=skills, milestones=milestones,
            certifications=certs)
        object.__setattr__(cur, "content_hash", meta.get("curriculum_hash", ""))
        return cur

    def retired_milestones(self) -> list[tuple[str, str]]:
        with self.read() as con:
            return list(con.execute("SELECT id, title FROM milestone WHERE NOT active "
                                    "ORDER BY position"))

    def profile(self) -> Profile:
        with self.read() as con:
            row = con.execute("SELECT name, target_level, experience_years FROM profile "
                              "WHERE id = 1").fetchone()
        return Profile(*row) if row else Profile()

    def states(self) -> dict[str, str]:
        with self.read() as con:
            return dict(con.execute("SELECT milestone_id, state FROM progress"))

    def progress(self) -> dict[str, ProgressEntry]:
        with self.read() as con:
            return {r[0]: ProgressEntry(*r) for r in con.execute(
                "SELECT milestone_id, state, updated_at, note FROM progress")}

    def history(self, since: str | None = None) -> list[StateChange]:
        sql = "SELECT milestone_id, state, previous_state, at FROM progress_event"
        args: tuple[str, ...] = ()
        if since:
            sql += " WHERE at >= ?"
            args = (since,)
        with self.read() as con:
            return [StateChange(m, s, p, parse_iso(at))
                    for m, s, p, at in con.execute(sql + " ORDER BY id", args)]

    def done_days(self, since: str) -> dict[str, int]:
        with self.read() as con:
            return dict(con.execute(
                "SELECT substr(at, 1, 10), count(*) FROM progress_event "
                "WHERE at >= ? AND state = 'done' GROUP BY substr(at, 1, 10)", (since,)))

    def evidence(self, milestone: str | None = None) -> list[Evidence]:
        sql = "SELECT id, milestone_id, text, added_at FROM evidence"
        args: tuple[str, ...] = ()
        if milestone:
            sql += " WHERE milestone_id = ?"
            args = (milestone,)
        with self.read() as con:
            return [Evidence(*r) for r in con.execute(sql + " ORDER BY id", args)]

    def certifications(self) -> list[Certification]:
        with self.read() as con:
            return [Certification(i, n, iss, e, x, cid, url, cat, src, bool(ver), raw, ca)
                    for i, n, iss, e, x, cid, url, cat, src, ver, raw, ca in con.execute(
                        "SELECT id, name, issuer, earned, expires, credential_id, url, "
                        "catalog_id, source, verified, raw, created_at FROM certification "
                        "ORDER BY earned DESC, id")]

    def study_sessions(self, since_day: str | None = None,
                       limit: int | None = None) -> list[StudySession]:
        sql = "SELECT id, day, minutes, skill_id, note, created_at FROM study_session"
        args: tuple[object, ...] = ()
        if since_day:
            sql += " WHERE day >= ?"
            args = (since_day,)
        sql += " ORDER BY day DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args += (int(limit),)
        with self.read() as con:
            return [StudySession(*r) for r in con.execute(sql, args)]

    def study_minutes_by_day(self, since_day: str) -> dict[str, int]:
        with self.read() as con:
            return {d: int(m) for d, m in con.execute(
                "SELECT day, sum(minutes) FROM study_session WHERE day >= ? GROUP BY day",
                (since_day,))}

    def reviews(self) -> dict[str, Review]:
        out: dict[str, Review] = {}
        with self.read() as con:
            for r in con.execute(
                    "SELECT milestone_id, verdict, comment, reviewer, reviewed_at, imported_at, "
                    "progress_digest FROM review ORDER BY reviewed_at, id"):
                out[r[0]] = Review(*r)
        return out

    def counts(self) -> dict[str, int]:
        with self.read() as con:
            row = con.execute(
                "SELECT (SELECT count(*) FROM progress_event), (SELECT count(*) FROM "
                "certification), (SELECT count(*) FROM study_session), (SELECT count(*) FROM "
                "review), (SELECT count(*) FROM progress WHERE state = 'done')").fetchone()
        return dict(zip(("progress_events", "certifications", "study_sessions", "reviews",
                         "done"), row, strict=True))

    def data_version(self) -> tuple[int, ...]:
        """Changes whenever anything was committed, by this process or another.

        Counts and maxima of every user table, read in one query: cheap (indexes) and,
        unlike PRAGMA data_version, also sees this process's own commits."""
        with self.read() as con:
            return tuple(con.execute(
                "SELECT (SELECT max(id) FROM progress_event), (SELECT count(*) FROM progress_event),"
                " (SELECT max(updated_at) FROM progress), (SELECT total(length(note)) FROM progress),"
                " (SELECT max(id) FROM certification), (SELECT count(*) FROM certification),"
                " (SELECT max(id) FROM study_session), (SELECT count(*) FROM study_session),"
                " (SELECT max(id) FROM review), (SELECT max(id) FROM evidence),"
                " (SELECT count(*) FROM evidence), (SELECT updated_at FROM profile),"
                " (SELECT value FROM meta WHERE key = 'curriculum_hash')").fetchone())
