"""The Store: the single gateway to the database.

Every public method that changes something is one user action in one transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``), committed before it returns; every method returns plain
dataclasses. Methods may be called from any thread, but one Store call at a time per thread;
the GUI runs the quick ones (a tick, a note) directly and the slow ones in a worker.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker import paths
from tracker.curriculum.loader import CurriculumError, load_pack
from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Curriculum,
    Level,
    Milestone,
    Skill,
)
from tracker.db import engine as dbengine
from tracker.db.errors import InputError
from tracker.db.models import (
    AreaRow,
    CatalogRow,
    CertificationRow,
    EvidenceRow,
    LevelRow,
    Meta,
    MilestoneRow,
    ProfileRow,
    ProgressEventRow,
    ProgressRow,
    ReviewRow,
    SkillRow,
    StudySessionRow,
)
from tracker.db.types import (
    Certification,
    CertificationInput,
    Evidence,
    Profile,
    ProgressEntry,
    Review,
    Snapshot,
    StudySession,
    SyncReport,
)
from tracker.readiness import STATES, StateChange
from tracker import validation as v

VERDICTS = ("verified", "needs-work")
_UNSET: Any = object()


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Store:
    """Open with :meth:`open`; close with :meth:`close` (or use as a context manager)."""

    def __init__(self, folder: Path, engine: Any, *, clock: Callable[[], datetime] = utc_now):
        self.folder = folder
        self.path = paths.db_path(folder)
        self._engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock
        self._curriculum: Curriculum | None = None

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, folder: str | Path | None = None, *, clock: Callable[[], datetime] = utc_now,
             sync: bool = True, daily_backup: bool = True) -> "Store":
        """Open (creating if needed) the database in ``folder``, migrate, sync the pack.

        On the way: ``quick_check`` (a damaged file or one that is not a database is moved
        aside, never deleted, and DamagedDatabaseError names it, the newest good backup and
        the command that restores it); a file from a newer app raises NewerDatabaseError and
        is left untouched; a backup before any migration; and, with ``daily_backup``, a
        backup when the newest is over a day old and the file changed since (a listing and
        two stats when not due; milliseconds when due).
        """
        from tracker.db import integrity

        folder = paths.data_dir(folder)
        folder.mkdir(parents=True, exist_ok=True)
        rev, needs_migration = integrity.open_check(folder, now=clock())
        if rev is not None and not needs_migration and daily_backup:
            from tracker.db import backup

            backup.backup_if_due(folder, now=clock())
        db = paths.db_path(folder)
        engine = dbengine.create_engine_for(db)
        try:
            if needs_migration:
                if rev is not None:
                    from tracker.db import backup

                    backup.make_backup(folder, reason="before-migration", engine=engine,
                                       now=clock())
                dbengine.run_migrations(engine)
            store = cls(folder, engine, clock=clock)
            if sync:
                store.ensure_curriculum()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        with self._session.begin() as s:
            yield s

    def now(self) -> str:
        return iso(self._clock())

    def data_version(self) -> tuple[int, str]:
        """Changes when any connection (this process or another) commits; cheap to poll."""
        with self._engine.connect() as conn:
            raw = conn.connection.driver_connection
            n = raw.execute("PRAGMA data_version").fetchone()[0]
            total = raw.execute("SELECT count(*), max(id) FROM progress_event").fetchone()
            other = raw.execute(
                "SELECT (SELECT count(*) FROM certification), (SELECT max(id) FROM certification),"
                " (SELECT count(*) FROM study_session), (SELECT max(id) FROM study_session),"
                " (SELECT count(*) FROM review), (SELECT group_concat(value) FROM meta),"
                " (SELECT max(updated_at) FROM progress), (SELECT updated_at FROM profile)"
            ).fetchone()
            conn.rollback()
        return n, repr((total, other))

    # ---------------------------------------------------------------- meta
    def _meta(self, s: Session, key: str, default: str | None = None) -> str | None:
        row = s.get(Meta, key)
        return row.value if row else default

    def _set_meta(self, s: Session, key: str, value: str) -> None:
        row = s.get(Meta, key)
        if row:
            row.value = value
        else:
            s.add(Meta(key=key, value=value))

    def meta(self, key: str, default: str | None = None) -> str | None:
        with self._tx() as s:
            return self._meta(s, key, default)

    # ---------------------------------------------------------------- curriculum
    def active_pack_path(self) -> Path:
        custom = paths.installed_pack_path(self.folder)
        if self.meta("pack_source") == "custom" and custom.exists():
            return custom
        return paths.default_pack_path()

    def ensure_curriculum(self) -> SyncReport:
        """Sync the active pack into SQLite when its file changed (hash of the bytes)."""
        path = self.active_pack_path()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if self.meta("pack_file_sha256") == digest:
            return SyncReport()
        pack = load_pack(path)
        return self.sync_curriculum(pack, file_sha256=digest)

    def sync_curriculum(self, pack: Curriculum, *, file_sha256: str = "",
                        source: str | None = None) -> SyncReport:
        """Make the SQLite curriculum match ``pack``; missing rows are retired, not deleted."""
        added: list[str] = []
        retired: list[str] = []
        reactivated: list[str] = []
        with self._tx() as s:
            def upsert(model: Any, items: Iterable[tuple[str, dict[str, Any]]],
                       track: bool = False) -> None:
                existing = {r.id: r for r in s.scalars(select(model))}
                seen = set()
                for pos, (ident, fields) in enumerate(items):
                    seen.add(ident)
                    if "position" in model.__table__.c:
                        fields = {**fields, "position": pos}
                    row = existing.get(ident)
                    if row is None:
                        s.add(model(id=ident, active=True, **fields))
                        if track:
                            added.append(ident)
                    else:
                        if track and not row.active:
                            reactivated.append(ident)
                        row.active = True
                        for k, val in fields.items():
                            setattr(row, k, val)
                for ident, row in existing.items():
                    if ident not in seen and row.active:
                        row.active = False
                        if track:
                            retired.append(ident)
                s.flush()

            upsert(LevelRow, ((lv.id, dict(rank=lv.rank, title=lv.title, focus=lv.focus,
                                            experience=lv.experience, salary=lv.salary,
                                            threshold=lv.threshold)) for lv in pack.levels))
            upsert(AreaRow, ((a.id, dict(title=a.title, description=a.description))
                             for a in pack.areas))
            upsert(SkillRow, ((sk.id, dict(area_id=sk.area, title=sk.title,
                                           description=sk.description)) for sk in pack.skills))
            upsert(MilestoneRow, ((m.id, dict(skill_id=m.skill, level_id=m.level, title=m.title,
                                              description=m.description, weight=m.weight,
                                              core=m.core, requires=json.dumps(list(m.requires))))
                                  for m in pack.milestones), track=True)
            upsert(CatalogRow, ((c.id, dict(name=c.name, issuer=c.issuer,
                                            skills=json.dumps(list(c.skills)), level_id=c.level,
                                            url=c.url)) for c in pack.certifications))
            # Inactive levels must not collide in rank with active ones.
            for row in s.scalars(select(LevelRow).where(LevelRow.active.is_(False))):
                row.rank = -abs(row.rank) if row.rank else 0
            self._set_meta(s, "curriculum_id", pack.id)
            self._set_meta(s, "curriculum_version", pack.version)
            self._set_meta(s, "curriculum_title", pack.title)
            self._set_meta(s, "curriculum_description", pack.description)
            self._set_meta(s, "curriculum_hash", pack.content_hash)
            if file_sha256:
                self._set_meta(s, "pack_file_sha256", file_sha256)
            if source is not None:
                self._set_meta(s, "pack_source", source)
            profile = s.get(ProfileRow, 1)
            if profile and profile.target_level and profile.target_level not in pack.level_by_id:
                profile.target_level = None
        self._curriculum = None
        return SyncReport(tuple(added), tuple(retired), tuple(reactivated), changed=True)

    def use_pack(self, path: str | Path) -> tuple[Curriculum, SyncReport]:
        """Validate a custom pack, install a copy in the data folder and make it active."""
        src = Path(path)
        pack = load_pack(src)
        dest = paths.installed_pack_path(self.folder)
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        tmp = dest.with_name(dest.name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            import os

            os.fsync(fh.fileno())
        try:
            report = self.sync_curriculum(pack, file_sha256=hashlib.sha256(data).hexdigest(),
                                          source="custom")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(dest)
        return pack, report

    def use_default_pack(self) -> tuple[Curriculum, SyncReport]:
        path = paths.default_pack_path()
        pack = load_pack(path)
        report = self.sync_curriculum(pack, file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                      source="default")
        custom = paths.installed_pack_path(self.folder)
        if custom.exists():
            shutil.move(str(custom), str(custom.with_name("previous-custom.toml")))
        return pack, report

    def curriculum(self) -> Curriculum:
        """The active curriculum as stored in SQLite (cached until the next sync)."""
        if self._curriculum is None:
            with self._tx() as s:
                self._curriculum = self._read_curriculum(s)
        return self._curriculum

    def _read_curriculum(self, s: Session) -> Curriculum:
        def active(model: Any) -> list[Any]:
            q = select(model).where(model.active.is_(True))
            if "position" in model.__table__.c:
                q = q.order_by(model.position)
            return list(s.scalars(q))

        levels = tuple(sorted((Level(r.id, r.rank, r.title, r.focus, r.experience, r.salary,
                                     r.threshold) for r in active(LevelRow)),
                              key=lambda lv: lv.rank))
        cur = Curriculum(
            id=self._meta(s, "curriculum_id", "") or "",
            version=self._meta(s, "curriculum_version", "") or "",
            title=self._meta(s, "curriculum_title", "") or "",
            description=self._meta(s, "curriculum_description", "") or "",
            levels=levels,
            areas=tuple(Area(r.id, r.title, r.description) for r in active(AreaRow)),
            skills=tuple(Skill(r.id, r.area_id, r.title, r.description) for r in active(SkillRow)),
            milestones=tuple(Milestone(r.id, r.skill_id, r.level_id, r.title, r.description,
                                       r.weight, r.core, tuple(json.loads(r.requires)))
                             for r in active(MilestoneRow)),
            certifications=tuple(CatalogCertification(r.id, r.name, r.issuer,
                                                      tuple(json.loads(r.skills)), r.level_id,
                                                      r.url) for r in active(CatalogRow)),
        )
        object.__setattr__(cur, "content_hash", self._meta(s, "curriculum_hash", "") or "")
        return cur

    def retired_milestones(self) -> list[tuple[str, str]]:
        with self._tx() as s:
            return [(r.id, r.title) for r in
                    s.scalars(select(MilestoneRow).where(MilestoneRow.active.is_(False)))]

    # ---------------------------------------------------------------- profile
    def profile(self) -> Profile:
        with self._tx() as s:
            return self._profile(s)

    def _profile(self, s: Session) -> Profile:
        row = s.get(ProfileRow, 1)
        if row is None:
            return Profile()
        return Profile(row.name, row.target_level, row.experience_years)

    def set_profile(self, *, name: str = _UNSET, target_level: str | None = _UNSET,
                    experience_years: float | None = _UNSET) -> tuple[Profile, Profile]:
        """Change any of the fields given. Returns (previous, new) for undo."""
        if name is not _UNSET:
            name = v.check_text(name, "name", limit=v.MAX_NAME, required=True)
        if target_level is not _UNSET and target_level is not None:
            if target_level not in self.curriculum().level_by_id:
                known = ", ".join(lv.id for lv in self.curriculum().levels)
                raise InputError(f"unknown level {target_level!r} (one of: {known})")
        if experience_years is not _UNSET and experience_years is not None:
            experience_years = v.check_years(experience_years)
        with self._tx() as s:
            row = s.get(ProfileRow, 1)
            if row is None:
                row = ProfileRow(id=1, name="", target_level=None, experience_years=None,
                                 updated_at=self.now())
                s.add(row)
            before = Profile(row.name, row.target_level, row.experience_years)
            if name is not _UNSET:
                row.name = name
            if target_level is not _UNSET:
                row.target_level = target_level
            if experience_years is not _UNSET:
                row.experience_years = experience_years
            row.updated_at = self.now()
            return before, Profile(row.name, row.target_level, row.experience_years)

    def restore_profile(self, profile: Profile) -> None:
        """Put a previous profile back exactly (undo)."""
        with self._tx() as s:
            row = s.get(ProfileRow, 1)
            if row is None:
                row = ProfileRow(id=1, updated_at=self.now())
                s.add(row)
            row.name = profile.name
            row.target_level = profile.target_level
            row.experience_years = profile.experience_years
            row.updated_at = self.now()

    # ---------------------------------------------------------------- progress
    def progress(self) -> dict[str, ProgressEntry]:
        with self._tx() as s:
            return self._progress(s)

    def _progress(self, s: Session) -> dict[str, ProgressEntry]:
        return {r.milestone_id: ProgressEntry(r.milestone_id, r.state, r.updated_at, r.note)
                for r in s.scalars(select(ProgressRow))}

    def states(self) -> dict[str, str]:
        with self._tx() as s:
            return dict(s.execute(select(ProgressRow.milestone_id, ProgressRow.state)).all())

    def set_states(self, changes: Mapping[str, str], *, source: str = "app") -> dict[str, str]:
        """Set milestone states, all or nothing. Returns each milestone's previous state.

        Unknown or retired ids and unknown states raise InputError and change nothing.
        """
        cur = self.curriculum()
        unknown = [m for m in changes if m not in cur.milestone_by_id]
        if unknown:
            raise InputError(f"unknown milestone id {unknown[0]!r}"
                             + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
                             + "; nothing was changed")
        bad = [st for st in changes.values() if st not in STATES]
        if bad:
            raise InputError(f"unknown state {bad[0]!r} (one of: {', '.join(STATES)})")
        now = self.now()
        previous: dict[str, str] = {}
        with self._tx() as s:
            rows = {r.milestone_id: r for r in s.scalars(
                select(ProgressRow).where(ProgressRow.milestone_id.in_(list(changes))))}
            for mid, state in changes.items():
                row = rows.get(mid)
                before = row.state if row else "todo"
                previous[mid] = before
                if before == state:
                    continue
                if row is None:
                    s.add(ProgressRow(milestone_id=mid, state=state, updated_at=now, note=""))
                else:
                    row.state = state
                    row.updated_at = now
                s.add(ProgressEventRow(milestone_id=mid, state=state, previous_state=before,
                                       at=now, source=source))
        return previous

    def set_note(self, milestone: str, note: str) -> str:
        """Replace a milestone's note; returns the previous note (for undo)."""
        if milestone not in self.curriculum().milestone_by_id:
            raise InputError(f"unknown milestone id {milestone!r}")
        note = v.check_text(note, "note", limit=v.MAX_NOTE, single_line=False)
        with self._tx() as s:
            row = s.get(ProgressRow, milestone)
            before = row.note if row else ""
            if row is None:
                s.add(ProgressRow(milestone_id=milestone, state="todo", updated_at=self.now(),
                                  note=note))
            else:
                row.note = note
            return before

    def history(self, since: str | None = None) -> list[StateChange]:
        with self._tx() as s:
            return self._history(s, since)

    def _history(self, s: Session, since: str | None) -> list[StateChange]:
        q = select(ProgressEventRow.milestone_id, ProgressEventRow.state,
                   ProgressEventRow.previous_state, ProgressEventRow.at)
        if since:
            q = q.where(ProgressEventRow.at >= since)
        return [StateChange(m, st, prev, parse_iso(at))
                for m, st, prev, at in s.execute(q.order_by(ProgressEventRow.id))]

    def done_days(self, since: str) -> dict[str, int]:
        """Milestones newly done per day (YYYY-MM-DD) since a timestamp, for the heatmap."""
        with self._tx() as s:
            q = (select(func.substr(ProgressEventRow.at, 1, 10), func.count())
                 .where(ProgressEventRow.at >= since, ProgressEventRow.state == "done")
                 .group_by(func.substr(ProgressEventRow.at, 1, 10)))
            return dict(s.execute(q).all())

    # ---------------------------------------------------------------- evidence
    def evidence(self, milestone: str | None = None) -> list[Evidence]:
        with self._tx() as s:
            q = select(EvidenceRow).order_by(EvidenceRow.id)
            if milestone:
                q = q.where(EvidenceRow.milestone_id == milestone)
            return [Evidence(r.id, r.milestone_id, r.text, r.added_at) for r in s.scalars(q)]

    def add_evidence(self, milestone: str, text: str) -> Evidence:
        if milestone not in self.curriculum().milestone_by_id:
            raise InputError(f"unknown milestone id {milestone!r}")
        text = v.check_text(text, "evidence", limit=v.MAX_URL, required=True)
        with self._tx() as s:
            row = EvidenceRow(milestone_id=milestone, text=text, added_at=self.now())
            s.add(row)
            s.flush()
            return Evidence(row.id, milestone, text, row.added_at)

    def remove_evidence(self, evidence_id: int) -> Evidence | None:
        with self._tx() as s:
            row = s.get(EvidenceRow, evidence_id)
            if row is None:
                return None
            ev = Evidence(row.id, row.milestone_id, row.text, row.added_at)
            s.delete(row)
            return ev

    def restore_evidence(self, ev: Evidence) -> None:
        with self._tx() as s:
            s.add(EvidenceRow(id=ev.id, milestone_id=ev.milestone, text=ev.text,
                              added_at=ev.added_at))

    # ---------------------------------------------------------------- certifications
    def certifications(self) -> list[Certification]:
        with self._tx() as s:
            return self._certifications(s)

    def _certifications(self, s: Session) -> list[Certification]:
        q = select(CertificationRow).order_by(CertificationRow.earned.desc(), CertificationRow.id)
        return [_cert(r) for r in s.scalars(q)]

    @staticmethod
    def validate_certification(c: CertificationInput) -> CertificationInput:
        name = v.check_text(c.name, "name", limit=v.MAX_SHORT, required=True)
        issuer = v.check_text(c.issuer, "issuer", limit=v.MAX_SHORT, required=True)
        earned, expires = v.check_cert_dates(c.earned, c.expires)
        cred = v.check_text(c.credential_id or "", "credential id", limit=v.MAX_SHORT)
        url = v.check_url(c.url or "")
        return replace(c, name=name, issuer=issuer, earned=earned, expires=expires,
                       credential_id=cred, url=url)

    def add_certification(self, c: CertificationInput) -> Certification:
        c = self.validate_certification(c)
        with self._tx() as s:
            row = CertificationRow(name=c.name, issuer=c.issuer, earned=c.earned,
                                   expires=c.expires, credential_id=c.credential_id, url=c.url,
                                   catalog_id=c.catalog_id, source=c.source, verified=c.verified,
                                   raw=c.raw, created_at=self.now())
            s.add(row)
            s.flush()
            return _cert(row)

    def update_certification(self, cert_id: int, c: CertificationInput) -> Certification:
        """Replace a certification's fields; returns the previous version (for undo)."""
        c = self.validate_certification(c)
        with self._tx() as s:
            row = s.get(CertificationRow, cert_id)
            if row is None:
                raise InputError(f"no certification with id {cert_id}")
            before = _cert(row)
            for k in ("name", "issuer", "earned", "expires", "credential_id", "url",
                      "catalog_id", "source", "verified", "raw"):
                setattr(row, k, getattr(c, k))
            return before

    def delete_certification(self, cert_id: int) -> Certification:
        with self._tx() as s:
            row = s.get(CertificationRow, cert_id)
            if row is None:
                raise InputError(f"no certification with id {cert_id}")
            before = _cert(row)
            s.delete(row)
            return before

    def restore_certification(self, c: Certification) -> None:
        """Put a certification back exactly as it was (undo of delete or edit)."""
        with self._tx() as s:
            row = s.get(CertificationRow, c.id)
            if row is None:
                row = CertificationRow(id=c.id)
                s.add(row)
            for k in ("name", "issuer", "earned", "expires", "credential_id", "url",
                      "catalog_id", "source", "verified", "raw", "created_at"):
                setattr(row, k, getattr(c, k))

    # ---------------------------------------------------------------- study sessions
    def study_sessions(self, since_day: str | None = None) -> list[StudySession]:
        with self._tx() as s:
            return self._study(s, since_day)

    def _study(self, s: Session, since_day: str | None) -> list[StudySession]:
        q = select(StudySessionRow).order_by(StudySessionRow.day.desc(),
                                             StudySessionRow.id.desc())
        if since_day:
            q = q.where(StudySessionRow.day >= since_day)
        return [_study(r) for r in s.scalars(q)]

    def study_minutes_by_day(self, since_day: str) -> dict[str, int]:
        with self._tx() as s:
            q = (select(StudySessionRow.day, func.sum(StudySessionRow.minutes))
                 .where(StudySessionRow.day >= since_day).group_by(StudySessionRow.day))
            return {d: int(m) for d, m in s.execute(q)}

    def add_study_session(self, minutes: int, day: str | None = None, skill: str | None = None,
                          note: str = "") -> StudySession:
        minutes = v.check_minutes(minutes)
        day = v.check_date(day, "date") if day else self._clock().date().isoformat()
        if skill is not None and skill not in self.curriculum().skill_by_id:
            raise InputError(f"unknown skill {skill!r}")
        note = v.check_text(note, "note", limit=v.MAX_NOTE, single_line=False)
        with self._tx() as s:
            row = StudySessionRow(day=day, minutes=minutes, skill_id=skill, note=note,
                                  created_at=self.now())
            s.add(row)
            s.flush()
            return _study(row)

    def delete_study_session(self, session_id: int) -> StudySession:
        with self._tx() as s:
            row = s.get(StudySessionRow, session_id)
            if row is None:
                raise InputError(f"no study session with id {session_id}")
            before = _study(row)
            s.delete(row)
            return before

    def restore_study_session(self, st: StudySession) -> None:
        with self._tx() as s:
            s.add(StudySessionRow(id=st.id, day=st.day, minutes=st.minutes, skill_id=st.skill,
                                  note=st.note, created_at=st.created_at))

    # ---------------------------------------------------------------- reviews
    def reviews(self) -> dict[str, Review]:
        """The newest verdict per milestone."""
        with self._tx() as s:
            return self._reviews(s)

    def _reviews(self, s: Session) -> dict[str, Review]:
        out: dict[str, Review] = {}
        q = select(ReviewRow).order_by(ReviewRow.reviewed_at, ReviewRow.id)
        for r in s.scalars(q):
            out[r.milestone_id] = Review(r.milestone_id, r.verdict, r.comment, r.reviewer,
                                         r.reviewed_at, r.imported_at, r.progress_digest)
        return out

    def add_reviews(self, reviews: Iterable[Review]) -> int:
        """Store imported verdicts in one transaction; returns how many were added."""
        items = list(reviews)
        for r in items:
            if r.verdict not in VERDICTS:
                raise InputError(f"unknown verdict {r.verdict!r}")
        now = self.now()
        with self._tx() as s:
            for r in items:
                s.add(ReviewRow(milestone_id=r.milestone, verdict=r.verdict, comment=r.comment,
                                reviewer=r.reviewer, reviewed_at=r.reviewed_at,
                                imported_at=now, progress_digest=r.progress_digest))
        return len(items)

    # ---------------------------------------------------------------- snapshot
    def snapshot(self, *, with_history: bool = True) -> Snapshot:
        """Everything at one instant, read in one transaction."""
        cur = self.curriculum()
        with self._tx() as s:
            ev: dict[str, list[Evidence]] = {}
            for r in s.scalars(select(EvidenceRow).order_by(EvidenceRow.id)):
                ev.setdefault(r.milestone_id, []).append(
                    Evidence(r.id, r.milestone_id, r.text, r.added_at))
            return Snapshot(
                curriculum=cur, profile=self._profile(s), progress=self._progress(s),
                certifications=tuple(self._certifications(s)),
                study_sessions=tuple(self._study(s, None)), reviews=self._reviews(s),
                evidence={k: tuple(x) for k, x in ev.items()},
                history=tuple(self._history(s, None)) if with_history else ())

    def replace_all(self, snapshot: Snapshot, *, source: str = "restore") -> None:
        """Replace progress, profile, certifications, study log and reviews with a snapshot's
        (restore from a progress file). One transaction: all or nothing. History is kept:
        every state that changes gets an event."""
        cur = self.curriculum()
        now = self.now()
        with self._tx() as s:
            old = {r.milestone_id: r for r in s.scalars(select(ProgressRow))}
            for mid, entry in snapshot.progress.items():
                if mid not in cur.milestone_by_id:
                    continue
                row = old.pop(mid, None)
                before = row.state if row else "todo"
                if row is None:
                    s.add(ProgressRow(milestone_id=mid, state=entry.state,
                                      updated_at=entry.updated_at or now, note=entry.note))
                else:
                    row.state, row.note = entry.state, entry.note
                    row.updated_at = entry.updated_at or now
                if before != entry.state:
                    s.add(ProgressEventRow(milestone_id=mid, state=entry.state,
                                           previous_state=before, at=now, source=source))
            for mid, row in old.items():
                if row.state != "todo":
                    s.add(ProgressEventRow(milestone_id=mid, state="todo",
                                           previous_state=row.state, at=now, source=source))
                row.state, row.note, row.updated_at = "todo", "", now
            p = snapshot.profile
            prow = s.get(ProfileRow, 1) or ProfileRow(id=1, updated_at=now)
            prow.name, prow.experience_years, prow.updated_at = p.name, p.experience_years, now
            prow.target_level = p.target_level if p.target_level in cur.level_by_id else None
            s.merge(prow)
            s.execute(delete(CertificationRow))
            for c in snapshot.certifications:
                s.add(CertificationRow(name=c.name, issuer=c.issuer, earned=c.earned,
                                       expires=c.expires, credential_id=c.credential_id,
                                       url=c.url, catalog_id=c.catalog_id, source=c.source,
                                       verified=c.verified, raw=c.raw,
                                       created_at=c.created_at or now))
            s.execute(delete(StudySessionRow))
            for st in snapshot.study_sessions:
                s.add(StudySessionRow(day=st.day, minutes=st.minutes,
                                      skill_id=st.skill if st.skill in cur.skill_by_id else None,
                                      note=st.note, created_at=st.created_at or now))
            s.execute(delete(ReviewRow))
            for r in snapshot.reviews.values():
                s.add(ReviewRow(milestone_id=r.milestone, verdict=r.verdict, comment=r.comment,
                                reviewer=r.reviewer, reviewed_at=r.reviewed_at,
                                imported_at=r.imported_at or now,
                                progress_digest=r.progress_digest))

    def counts(self) -> dict[str, int]:
        with self._tx() as s:
            def n(model: Any) -> int:
                return int(s.scalar(select(func.count()).select_from(model)) or 0)

            return {"progress_events": n(ProgressEventRow), "certifications": n(CertificationRow),
                    "study_sessions": n(StudySessionRow), "reviews": n(ReviewRow),
                    "done": int(s.scalar(select(func.count()).select_from(ProgressRow)
                                         .where(ProgressRow.state == "done")) or 0)}


def _cert(r: CertificationRow) -> Certification:
    return Certification(r.id, r.name, r.issuer, r.earned, r.expires, r.credential_id, r.url,
                         r.catalog_id, r.source, bool(r.verified), r.raw, r.created_at)


def _study(r: StudySessionRow) -> StudySession:
    return StudySession(r.id, r.day, r.minutes, r.skill_id, r.note, r.created_at)


__all__ = ["Store", "CurriculumError", "iso", "parse_iso", "utc_now", "update"]
