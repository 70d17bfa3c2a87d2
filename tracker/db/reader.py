"""Fast reads on the standard library's sqlite3, for start-up and every screen refresh.

The Store reads through this module and writes through SQLAlchemy sessions (writer side),
so opening the app and drawing its first page never pays for importing SQLAlchemy. The
schema is still defined by the SQLAlchemy models and built by Alembic migrations; the
queries here only read the columns those models define (tests compare both paths).

Threading rule: one sqlite3 connection per thread (thread-local), so GUI-thread reads and
worker-thread reads never share a connection. Each ``read()`` block is one deferred
transaction, so everything read inside it comes from one consistent instant.

Damage that ``PRAGMA quick_check`` cannot see (a flipped byte in a text column, a state or
level this app never writes, broken JSON in a column, a mangled schema) is found here, as
the values are read: the queries check what they decode (:func:`_expect`, :func:`_ids`) and
``read()`` is the one place that turns every such failure into a one-line
:class:`~tracker.db.errors.DamagedContentError` naming the newest good backup. The same
reads are the content check that keeps damaged copies out of the backups
(:func:`tracker.db.integrity.content_check`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Curriculum,
    Choice,
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
from tracker.readiness import STATES, StateChange

VERDICTS = ("verified", "needs-work")


def export_key(digest: str) -> str:
    """The meta key that records a progress file this learner exported (value: its
    ``exported_at``), so that a mentor's review can be matched to the export it names.
    224 bits of the digest: the key stays within the column's 64 characters."""
    return "export:" + digest[:56]


def parse_stack(text: object) -> tuple[tuple[str, str], ...]:
    """The profile's stack column (a JSON object of id -> id) as sorted pairs; anything
    else reads as no stack (it only names which option a choice gap suggests)."""
    import json

    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return ()
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((k, v) for k, v in value.items()
                        if isinstance(k, str) and isinstance(v, str)))


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ------------------------------------------------------------------ stored-value checks
class StoredValueError(ValueError):
    """A stored value this app never writes. Raised by the checks below and, like every
    other decode failure inside ``Reader.read()``, turned into DamagedContentError there."""


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _expect(ok: bool, what: str, value: object) -> None:
    if not ok:
        raise StoredValueError(f"{what} is {_show(value)}")


def _ids(text: object, what: str) -> tuple[str, ...]:
    """A JSON list of ids (milestone.requires, catalog_certification.skills)."""
    value: Any = None
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
    _expect(isinstance(value, list) and all(isinstance(x, str) for x in value), what, text)
    return tuple(value)


def _day(text: object, what: str) -> None:
    _expect(isinstance(text, str) and len(text) == 10, what, text)
    date.fromisoformat(str(text))  # a ValueError is damage too: read() says so


def _utc(text: str) -> datetime:
    t = parse_iso(text)
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class Reader:
    def __init__(self, path: Path, *, readonly: bool = False, advise: bool = True):
        """``readonly`` opens read-only connections (a check of a backup); ``advise`` makes
        a damage error name the newest good backup (off while checking backups)."""
        self.path = path
        self._readonly = readonly
        self._advise = advise
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is not None and getattr(self._local, "degraded", False) \
                and not con.in_transaction:
            # A read-only stand-in (read-only or full disk: tracker.db.readonly): try a
            # normal connection again, so that commits made since are seen.
            self._forget(con)
            self._local.con = con = None
        if con is None:
            from tracker.db import engine  # the connection policy (no SQLAlchemy import)

            if self._readonly:
                from tracker.db.integrity import connect_ro

                con = connect_ro(self.path, timeout=engine.BUSY_TIMEOUT_S)
                con.isolation_level = None
            else:
                from tracker.db.readonly import connect_for_reading

                con, self._local.degraded = connect_for_reading(self.path,
                                                                engine.BUSY_TIMEOUT_S)
            engine.reading_pragmas(con)
            self._local.con = con
            with self._lock:
                self._all.append(con)
        return con

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: one deferred transaction (nested calls share it).

        The one place where a stored value that cannot be decoded or fails its check
        becomes DamagedContentError (and any other SQLite failure a one-line error)."""
        con = self._conn()
        if con.in_transaction:
            yield con
            return
        con.execute("BEGIN")
        try:
            yield con
        except (sqlite3.Error, ValueError) as exc:
            better = self._damage(exc)
            if better is None:
                raise
            raise better from None
        finally:
            if con.in_transaction:
                con.execute("COMMIT")

    def _damage(self, exc: Exception) -> Exception | None:
        from tracker.db import integrity

        if isinstance(exc, sqlite3.Error):
            problem = integrity.content_problem(exc, schema=True)
            if problem is None:
                return integrity.translate(exc, self.path)
        elif isinstance(exc, StoredValueError):
            problem = str(exc)
        else:  # json, dates, numbers: the decoder's own words
            problem = f"a stored value cannot be read: {exc}"
        return integrity.content_damage(self.path, problem, advise=self._advise)

    def _forget(self, con: sqlite3.Connection) -> None:
        with self._lock:
            if con in self._all:
                self._all.remove(con)
        try:
            con.close()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        with self._lock:
            for con in self._all:
                try:
                    con.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

    def check_all(self) -> None:
        """Read every value the app reads, with every check, in one transaction: the
        content check of a backup. Raises DamagedContentError for the first problem."""
        with self.read() as con:
            con.execute("SELECT key, value FROM meta").fetchall()
            self.curriculum()
            self.retired_milestones()
            self.profile()
            self.progress()
            self.history()
            self.evidence()
            self.certifications()
            self.study_sessions()
            self.reviews()

    # ------------------------------------------------------------------ queries
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def meta_with_prefix(self, prefix: str) -> dict[str, str]:
        """Every meta row whose key starts with ``prefix`` (the prefix removed)."""
        with self.read() as con:
            rows = con.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?",
                               (len(prefix), prefix)).fetchall()
        return {k[len(prefix):]: v for k, v in rows}

    def curriculum(self) -> Curriculum:
        with self.read() as con:
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'curriculum_%'"))
            levels = tuple(Level(*r) for r in con.execute(
                "SELECT id, rank, title, focus, experience, salary, threshold, own_threshold "
                "FROM level WHERE active ORDER BY rank"))
            areas = tuple(Area(*r) for r in con.execute(
                "SELECT id, title, description FROM area WHERE active ORDER BY position"))
            skills = tuple(Skill(*r) for r in con.execute(
                "SELECT id, area_id, title, description FROM skill WHERE active "
                "ORDER BY position"))
            milestones = tuple(
                Milestone(i, s, lv, t, d, w, bool(c), _ids(req, f"milestone {i}: requires"),
                          bool(el), _ids(rep, f"milestone {i}: replaces"))
                for i, s, lv, t, d, w, c, req, el, rep in con.execute(
                    "SELECT id, skill_id, level_id, title, description, weight, core, requires, "
                    "elective, replaces FROM milestone WHERE active ORDER BY position"))
            choices = tuple(
                Choice(i, s, lv, t, _ids(opts, f"choice {i}: options"), d, w, bool(c), pk)
                for i, s, lv, t, d, w, c, opts, pk in con.execute(
                    "SELECT id, skill_id, level_id, title, description, weight, core, options, "
                    "pick FROM choice WHERE active ORDER BY position"))
            certs = tuple(
                CatalogCertification(i, n, iss, _ids(sk, f"certification {i}: skills"), lv, url,
                                     st or "active", ro, rb, lvf)
                for i, n, iss, sk, lv, url, st, ro, rb, lvf in con.execute(
                    "SELECT id, name, issuer, skills, level_id, url, status, retired_on, "
                    "replaced_by, last_verified FROM catalog_certification "
                    "WHERE active ORDER BY position"))
            level_ids = {lv.id for lv in levels}
            area_ids = {a.id for a in areas}
            skill_ids = {sk.id for sk in skills}
            for lv in levels:
                _expect(type(lv.rank) is int, f"level {lv.id}: rank", lv.rank)
                _expect(type(lv.threshold) in (int, float), f"level {lv.id}: threshold",
                        lv.threshold)
            for sk in skills:
                _expect(sk.area in area_ids, f"skill {sk.id}: area", sk.area)
            for m in milestones:
                _expect(m.level in level_ids, f"milestone {m.id}: level", m.level)
                _expect(m.skill in skill_ids, f"milestone {m.id}: skill", m.skill)
                _expect(type(m.weight) is int, f"milestone {m.id}: weight", m.weight)
            milestone_ids = {m.id for m in milestones}
            for ch in choices:
                _expect(ch.level in level_ids, f"choice {ch.id}: level", ch.level)
                _expect(ch.skill in skill_ids, f"choice {ch.id}: skill", ch.skill)
                _expect(type(ch.weight) is int, f"choice {ch.id}: weight", ch.weight)
                _expect(type(ch.pick) is int and 1 <= ch.pick <= max(1, len(ch.options)),
                        f"choice {ch.id}: pick", ch.pick)
                for o in ch.options:
                    _expect(o in milestone_ids, f"choice {ch.id}: option", o)
            for c in certs:
                _expect(c.level is None or c.level in level_ids,
                        f"certification {c.id}: level", c.level)
        cur = Curriculum(
            id=meta.get("curriculum_id", ""), version=meta.get("curriculum_version", ""),
            title=meta.get("curriculum_title", ""),
            description=meta.get("curriculum_description", ""),
            levels=levels, areas=areas, skills=skills, milestones=milestones,
            certifications=certs, choices=choices,
            format=int(meta.get("curriculum_format", "1") or 1))
        object.__setattr__(cur, "content_hash", meta.get("curriculum_hash", ""))
        return cur

    def retired_milestones(self) -> list[tuple[str, str]]:
        with self.read() as con:
            return list(con.execute("SELECT id, title FROM milestone WHERE NOT active "
                                    "ORDER BY position"))

    def profile(self) -> Profile:
        with self.read() as con:
            row = con.execute("SELECT name, target_level, experience_years, stack FROM profile "
                              "WHERE id = 1").fetchone()
        return Profile(row[0], row[1], row[2], parse_stack(row[3])) if row else Profile()

    def states(self) -> dict[str, str]:
        with self.read() as con:
            states = dict(con.execute("SELECT milestone_id, state FROM progress"))
            for m, st in states.items():
                _expect(st in STATES, f"the state of {m}", st)
        return states

    def progress(self) -> dict[str, ProgressEntry]:
        with self.read() as con:
            out = {r[0]: ProgressEntry(*r) for r in con.execute(
                "SELECT milestone_id, state, updated_at, note FROM progress")}
            for m, e in out.items():
                _expect(e.state in STATES, f"the state of {m}", e.state)
        return out

    def history(self, since: str | None = None) -> list[StateChange]:
        sql = "SELECT milestone_id, state, previous_state, at FROM progress_event"
        args: tuple[str, ...] = ()
        if since:
            sql += " WHERE at >= ?"
            args = (since,)
        with self.read() as con:
            rows = con.execute(sql + " ORDER BY id", args).fetchall()
            for m, s, p, _ in rows:
                _expect(s in STATES and p in STATES, f"a change of {m}", (s, p))
            return [StateChange(m, s, p, parse_iso(at)) for m, s, p, at in rows]

    def done_days(self, since: str) -> dict[str, int]:
        with self.read() as con:
            return dict(con.execute(
                "SELECT substr(at, 1, 10), count(*) FROM progress_event "
                "WHERE at >= ? AND state = 'done' GROUP BY substr(at, 1, 10)", (since,)))

    def streak_before(self, day: str, min_minutes: int) -> int:
        """How many consecutive days, ending the day before ``day`` (YYYY-MM-DD), are
        active: a milestone done that day (UTC date of the change, as :meth:`done_days`) or
        at least ``min_minutes`` of study. One index lookup per day, however long the
        history (the dashboard's streak when it reaches back past the heatmap)."""
        with self.read() as con:
            return int(con.execute(
                "WITH RECURSIVE d(day) AS (SELECT date(?, '-1 day') "
                "UNION ALL SELECT date(day, '-1 day') FROM d WHERE day > '0001-01-01' AND ("
                "EXISTS (SELECT 1 FROM progress_event WHERE at >= d.day "
                "AND at < date(d.day, '+1 day') AND state = 'done') "
                "OR (SELECT sum(minutes) FROM study_session WHERE study_session.day = d.day)"
                " >= ?)) SELECT count(*) - 1 FROM d", (day, min_minutes)).fetchone()[0])

    def evidence(self, milestone: str | None = None) -> list[Evidence]:
        sql = "SELECT id, milestone_id, text, added_at FROM evidence"
        args: tuple[str, ...] = ()
        if milestone:
            sql += " WHERE milestone_id = ?"
            args = (milestone,)
        with self.read() as con:
            return [Evidence(*r) for r in con.execute(sql + " ORDER BY id", args)]

    def certifications(self) -> list[Certification]:
        from tracker.db.types import CERT_VERIFICATION_PREFIX as prefix

        with self.read() as con:
            checks = {k[len(prefix):]: v.partition(" ") for k, v in con.execute(
                "SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?",
                (len(prefix), prefix))}
            none = ("", "", "")
            out = [Certification(i, n, iss, e, x, cid, url, cat, src, bool(ver), raw, ca,
                                 checks.get(str(i), none)[0], checks.get(str(i), none)[2])
                   for i, n, iss, e, x, cid, url, cat, src, ver, raw, ca in con.execute(
                       "SELECT id, name, issuer, earned, expires, credential_id, url, "
                       "catalog_id, source, verified, raw, created_at FROM certification "
                       "ORDER BY earned DESC, id")]
            for c in out:
                _day(c.earned, f"certification {c.id}: earned")
                if c.expires is not None:
                    _day(c.expires, f"certification {c.id}: expires")
        return out

    def study_sessions(self, since_day: str | None = None,
                       limit: int | None = None, offset: int = 0) -> list[StudySession]:
        sql = "SELECT id, day, minutes, skill_id, note, created_at FROM study_session"
        args: tuple[object, ...] = ()
        if since_day:
            sql += " WHERE day >= ?"
            args = (since_day,)
        sql += " ORDER BY day DESC, id DESC"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += (-1 if limit is None else int(limit), max(0, int(offset)))
        with self.read() as con:
            out = [StudySession(*r) for r in con.execute(sql, args)]
            for st in out:
                _day(st.day, f"study session {st.id}: day")
                _expect(type(st.minutes) is int, f"study session {st.id}: minutes", st.minutes)
        return out

    def study_minutes_by_day(self, since_day: str) -> dict[str, int]:
        with self.read() as con:
            return {d: int(m) for d, m in con.execute(
                "SELECT day, sum(minutes) FROM study_session WHERE day >= ? GROUP BY day",
                (since_day,))}

    def reviews(self) -> dict[str, Review]:
        """The newest verdict per milestone: newest by the time of the review (as a time,
        not as text: offsets differ), then by import order."""
        with self.read() as con:
            rows = con.execute(
                "SELECT milestone_id, verdict, comment, reviewer, reviewed_at, imported_at, "
                "progress_digest, id FROM review").fetchall()
            for r in rows:
                _expect(r[1] in VERDICTS, f"a verdict on {r[0]}", r[1])
            rows.sort(key=lambda r: (_utc(r[4]), r[7]))
        return {r[0]: Review(*r[:7]) for r in rows}

    def counts(self) -> dict[str, int]:
        with self.read() as con:
            row = con.execute(
                "SELECT (SELECT count(*) FROM progress_event), (SELECT count(*) FROM "
                "certification), (SELECT count(*) FROM study_session), (SELECT count(*) FROM "
                "review), (SELECT count(*) FROM progress WHERE state = 'done')").fetchone()
        return dict(zip(("progress_events", "certifications", "study_sessions", "reviews",
                         "done"), row, strict=True))
