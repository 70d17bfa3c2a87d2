"""The write side of the Store: SQLAlchemy ORM sessions, one transaction per user action.

Imported lazily by the Store on the first write (or by ``Store.warm_up`` in the
background after the window is shown), so start-up never waits for SQLAlchemy. Inputs are
already validated by the Store; every method here is one ``BEGIN IMMEDIATE ... COMMIT``
that also bumps the ``change_counter`` meta row, which is how every reader (this process's
GUI, another process's CLI) can tell cheaply that something changed.

Threading rule: safe from any thread (the engine's pool hands each thread its own
connection); one call at a time per thread.
"""

from __future__ import annotations

import json
from dataclasses import replace as dc_replace
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.curriculum.model import Curriculum
from tracker.db.models import (
    AreaRow,
    CatalogRow,
    CertificationRow,
    ChoiceRow,
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
from tracker.db.errors import InputError
from tracker.db.types import (
    CERT_VERIFICATION_PREFIX,
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

CERT_FIELDS = ("name", "issuer", "earned", "expires", "credential_id", "url", "catalog_id",
               "source", "verified", "raw")


def _profile(row: ProfileRow) -> Profile:
    from tracker.db.reader import parse_stack

    return Profile(row.name, row.target_level, row.experience_years,
                   parse_stack(row.stack or "{}"))


class Writer:
    def __init__(self, engine: Any, now: Callable[[], str]):
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self.now = now

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        with self._session.begin() as s:
            yield s
            row = s.get(Meta, "change_counter")
            if row is None:
                s.add(Meta(key="change_counter", value="1"))
            else:
                row.value = str(int(row.value) + 1)

    @staticmethod
    def _set_meta(s: Session, key: str, value: str) -> None:
        row = s.get(Meta, key)
        if row:
            row.value = value
        else:
            s.add(Meta(key=key, value=value))

    # ---------------------------------------------------------------- curriculum
    def sync_curriculum(self, pack: Curriculum, *, file_sha256: str = "",
                        source: str | None = None,
                        expect: tuple[str | None, str | None] | None = None) -> SyncReport:
        added: list[str] = []
        retired: list[str] = []
        reactivated: list[str] = []
        with self.tx() as s:
            if expect is not None and expect != tuple(
                    row.value if row else None
                    for row in (s.get(Meta, "pack_source"), s.get(Meta, "pack_file_sha256"))):
                return SyncReport()  # another process switched packs meanwhile: it wins
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
                                            threshold=lv.threshold,
                                            own_threshold=lv.own_threshold))
                             for lv in pack.levels))
            upsert(AreaRow, ((a.id, dict(title=a.title, description=a.description))
                             for a in pack.areas))
            upsert(SkillRow, ((sk.id, dict(area_id=sk.area, title=sk.title,
                                           description=sk.description)) for sk in pack.skills))
            upsert(MilestoneRow, ((m.id, dict(skill_id=m.skill, level_id=m.level, title=m.title,
                                              description=m.description, weight=m.weight,
                                              core=m.core, requires=json.dumps(list(m.requires)),
                                              elective=m.elective,
                                              replaces=json.dumps(list(m.replaces))))
                                  for m in pack.milestones), track=True)
            upsert(ChoiceRow, ((ch.id, dict(skill_id=ch.skill, level_id=ch.level, title=ch.title,
                                            description=ch.description, weight=ch.weight,
                                            core=ch.core, options=json.dumps(list(ch.options)),
                                            pick=ch.pick)) for ch in pack.choices))
            upsert(CatalogRow, ((c.id, dict(name=c.name, issuer=c.issuer,
                                            skills=json.dumps(list(c.skills)), level_id=c.level,
                                            url=c.url, status=c.status, retired_on=c.retired_on,
                                            replaced_by=c.replaced_by,
                                            last_verified=c.last_verified))
                                for c in pack.certifications))
            carried = self._carry_replaced(s, pack)
            # Inactive levels must not collide in rank with active ones.
            for row in s.scalars(select(LevelRow).where(LevelRow.active.is_(False))):
                row.rank = -abs(row.rank) if row.rank else 0
            self._set_meta(s, "curriculum_id", pack.id)
            self._set_meta(s, "curriculum_version", pack.version)
            self._set_meta(s, "curriculum_title", pack.title)
            self._set_meta(s, "curriculum_description", pack.description)
            self._set_meta(s, "curriculum_hash", pack.content_hash)
            self._set_meta(s, "curriculum_format", str(pack.format))
            if file_sha256:
                self._set_meta(s, "pack_file_sha256", file_sha256)
            if source is not None:
                self._set_meta(s, "pack_source", source)
            profile = s.get(ProfileRow, 1)
            if profile and profile.target_level and profile.target_level not in pack.level_by_id:
                profile.target_level = None
        return SyncReport(tuple(added), tuple(retired), tuple(reactivated), changed=True,
                          carried=tuple(carried))

    def _carry_replaced(self, s: Session, pack: Curriculum) -> list[str]:
        """A milestone's ``replaces`` carries its predecessors' progress over: state (the
        furthest of them), notes, evidence and verdicts are copied to the new id, once,
        and only while the new id has nothing of its own. The old rows stay as they were
        (the milestone is retired, its history kept). Returns the ids that received."""
        rank = {"todo": 0, "learning": 1, "done": 2}
        carried: list[str] = []
        now = self.now()
        for m in pack.milestones:
            if not m.replaces:
                continue
            olds = [r for r in m.replaces if s.get(MilestoneRow, r) is not None]
            if not olds or s.get(ProgressRow, m.id) is not None:
                continue
            if s.scalars(select(EvidenceRow.id).where(EvidenceRow.milestone_id == m.id)).first():
                continue
            rows = [r for r in (s.get(ProgressRow, o) for o in olds) if r is not None]
            evidence = list(s.scalars(select(EvidenceRow).where(
                EvidenceRow.milestone_id.in_(olds)).order_by(EvidenceRow.id)))
            reviews = list(s.scalars(select(ReviewRow).where(
                ReviewRow.milestone_id.in_(olds)).order_by(ReviewRow.id)))
            if not rows and not evidence and not reviews:
                continue
            if rows:
                best = max(rows, key=lambda r: (rank.get(r.state, 0), r.updated_at))
                note = "\n\n".join(r.note for r in rows if r.note)
                s.add(ProgressRow(milestone_id=m.id, state=best.state,
                                  updated_at=best.updated_at, note=note))
                if best.state != "todo":
                    # dated when the old milestone reached that state, not now: the pace
                    # must not count an upgrade as learning
                    s.add(ProgressEventRow(milestone_id=m.id, state=best.state,
                                           previous_state="todo",
                                           at=best.updated_at or now, source="replaces"))
            for ev in evidence:
                s.add(EvidenceRow(milestone_id=m.id, text=ev.text, added_at=ev.added_at))
            for rv in reviews:
                s.add(ReviewRow(milestone_id=m.id, verdict=rv.verdict, comment=rv.comment,
                                reviewer=rv.reviewer, reviewed_at=rv.reviewed_at,
                                imported_at=rv.imported_at,
                                progress_digest=rv.progress_digest))
            carried.append(m.id)
        s.flush()
        return carried

    # ---------------------------------------------------------------- profile
    def set_profile(self, fields: Mapping[str, Any]) -> tuple[Profile, Profile]:
        with self.tx() as s:
            row = s.get(ProfileRow, 1)
            if row is None:
                row = ProfileRow(id=1, name="", target_level=None, experience_years=None,
                                 updated_at=self.now())
                s.add(row)
            before = _profile(row)
            for key, value in fields.items():
                if key == "stack":
                    value = json.dumps(dict(value), sort_keys=True)
                setattr(row, key, value)
            row.updated_at = self.now()
            return before, _profile(row)

    # ---------------------------------------------------------------- progress
    def set_states(self, changes: Mapping[str, str], source: str) -> dict[str, str]:
        now = self.now()
        previous: dict[str, str] = {}
        with self.tx() as s:
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
        with self.tx() as s:
            row = s.get(ProgressRow, milestone)
            before = row.note if row else ""
            if row is None:
                s.add(ProgressRow(milestone_id=milestone, state="todo", updated_at=self.now(),
                                  note=note))
            else:
                row.note = note
            return before

    # ---------------------------------------------------------------- evidence
    def add_evidence(self, milestone: str, text: str) -> Evidence:
        with self.tx() as s:
            row = EvidenceRow(milestone_id=milestone, text=text, added_at=self.now())
            s.add(row)
            s.flush()
            return Evidence(row.id, milestone, text, row.added_at)

    def remove_evidence(self, evidence_id: int) -> Evidence | None:
        with self.tx() as s:
            row = s.get(EvidenceRow, evidence_id)
            if row is None:
                return None
            ev = Evidence(row.id, row.milestone_id, row.text, row.added_at)
            s.delete(row)
            return ev

    def restore_evidence(self, ev: Evidence) -> Evidence:
        """Put removed evidence back; under a new id if another row took its old one."""
        with self.tx() as s:
            row = EvidenceRow(id=_free_id(s, EvidenceRow, ev.id), milestone_id=ev.milestone,
                              text=ev.text, added_at=ev.added_at)
            s.add(row)
            s.flush()
            return Evidence(row.id, ev.milestone, ev.text, ev.added_at)

    # ---------------------------------------------------------------- certifications
    def add_certification(self, c: CertificationInput) -> Certification:
        with self.tx() as s:
            row = CertificationRow(created_at=self.now(),
                                   **{k: getattr(c, k) for k in CERT_FIELDS})
            s.add(row)
            s.flush()
            self._set_cert_check(s, row.id, c.verification, c.key_id)
            return cert_of(row, c.verification, c.key_id)

    def _set_cert_check(self, s: Session, cert_id: int, state: str, key_id: str) -> None:
        """Record (or, with no state, forget) a certification's signature check. A freed id
        is reused by SQLite, so a deleted certification's check must not outlive it."""
        key = f"{CERT_VERIFICATION_PREFIX}{cert_id}"
        if state:
            self._set_meta(s, key, f"{state} {key_id}".strip())
        elif (row := s.get(Meta, key)) is not None:
            s.delete(row)

    @staticmethod
    def _cert_check(s: Session, cert_id: int) -> tuple[str, str]:
        row = s.get(Meta, f"{CERT_VERIFICATION_PREFIX}{cert_id}")
        state, _, key = (row.value if row is not None else "").partition(" ")
        return state, key

    def update_certification(self, cert_id: int, c: CertificationInput) -> Certification:
        with self.tx() as s:
            row = s.get(CertificationRow, cert_id)
            if row is None:
                raise InputError(f"no certification with id {cert_id}")
            before = cert_of(row, *self._cert_check(s, cert_id))
            for k in CERT_FIELDS:
                setattr(row, k, getattr(c, k))
            return before

    def delete_certification(self, cert_id: int) -> Certification:
        with self.tx() as s:
            row = s.get(CertificationRow, cert_id)
            if row is None:
                raise InputError(f"no certification with id {cert_id}")
            before = cert_of(row, *self._cert_check(s, cert_id))
            s.delete(row)
            self._set_cert_check(s, cert_id, "", "")
            return before

    def restore_certification(self, c: Certification) -> Certification:
        """Put a certification back exactly (undo of an edit: same row; undo of a delete:
        a new row, under its old id unless another certification has taken it since)."""
        with self.tx() as s:
            row = s.get(CertificationRow, c.id)
            if row is None or row.created_at != c.created_at:  # gone, or the id reused
                row = CertificationRow(id=_free_id(s, CertificationRow, c.id))
                s.add(row)
            for k in CERT_FIELDS + ("created_at",):
                setattr(row, k, getattr(c, k))
            s.flush()
            self._set_cert_check(s, row.id, c.verification, c.key_id)
            return cert_of(row, c.verification, c.key_id)

    # ---------------------------------------------------------------- study sessions
    def add_study_session(self, minutes: int, day: str, skill: str | None,
                          note: str) -> StudySession:
        with self.tx() as s:
            row = StudySessionRow(day=day, minutes=minutes, skill_id=skill, note=note,
                                  created_at=self.now())
            s.add(row)
            s.flush()
            return study_of(row)

    def delete_study_session(self, session_id: int) -> StudySession:
        with self.tx() as s:
            row = s.get(StudySessionRow, session_id)
            if row is None:
                raise InputError(f"no study session with id {session_id}")
            before = study_of(row)
            s.delete(row)
            return before

    def delete_study_sessions(self, ids: list[int]) -> list[StudySession]:
        with self.tx() as s:
            rows = list(s.scalars(select(StudySessionRow).where(StudySessionRow.id.in_(ids))))
            if len(rows) != len(set(ids)):
                raise InputError("some of these study sessions no longer exist; "
                                 "nothing was deleted")
            gone = [study_of(r) for r in rows]
            for r in rows:
                s.delete(r)
            return gone

    def restore_study_sessions(self, sessions: list[StudySession]) -> list[StudySession]:
        with self.tx() as s:
            rows = []
            for st in sessions:
                row = StudySessionRow(id=_free_id(s, StudySessionRow, st.id), day=st.day,
                                      minutes=st.minutes, skill_id=st.skill, note=st.note,
                                      created_at=st.created_at)
                s.add(row)
                s.flush()
                rows.append(row)
            return [study_of(r) for r in rows]

    def restore_study_session(self, st: StudySession) -> StudySession:
        """Put a deleted session back; under a new id if another row took its old one."""
        with self.tx() as s:
            row = StudySessionRow(id=_free_id(s, StudySessionRow, st.id), day=st.day,
                                  minutes=st.minutes, skill_id=st.skill, note=st.note,
                                  created_at=st.created_at)
            s.add(row)
            s.flush()
            return study_of(row)

    # ---------------------------------------------------------------- reviews
    def record_export(self, digest: str, exported_at: str) -> None:
        from tracker.db.reader import export_key

        with self.tx() as s:
            self._set_meta(s, export_key(digest), exported_at)

    def add_reviews(self, items: list[Review],
                    meta: dict[str, str] | None = None) -> list[int]:
        now = self.now()
        with self.tx() as s:
            for key, value in (meta or {}).items():
                self._set_meta(s, key, value)
            rows = [ReviewRow(milestone_id=r.milestone, verdict=r.verdict, comment=r.comment,
                              reviewer=r.reviewer, reviewed_at=r.reviewed_at,
                              imported_at=now, progress_digest=r.progress_digest)
                    for r in items]
            s.add_all(rows)
            s.flush()
            return [r.id for r in rows]

    def set_meta(self, items: dict[str, str]) -> None:
        with self.tx() as s:
            for key, value in items.items():
                self._set_meta(s, key, value)

    def remove_reviews(self, ids: list[int]) -> None:
        with self.tx() as s:
            s.execute(delete(ReviewRow).where(ReviewRow.id.in_(ids)))

    # ---------------------------------------------------------------- restore
    def replace_all(self, snapshot: Snapshot, cur: Curriculum, source: str,
                    before: Callable[[], Any] | None = None) -> Any:
        """One transaction. ``before`` (e.g. the before-restore backup) runs once this
        transaction holds the write lock and before anything changes; its result is
        returned. No other writer can commit in between, so what ``before`` sees is
        exactly what is replaced."""
        now = self.now()
        result = None
        snapshot = with_heirs(snapshot, cur)
        with self.tx() as s:
            if before is not None:
                s.connection()  # BEGIN IMMEDIATE now: the write lock is ours
                result = before()
            old = {r.milestone_id: r for r in s.scalars(select(ProgressRow))}
            known = set(s.scalars(select(MilestoneRow.id)))  # active and retired
            for mid, entry in snapshot.progress.items():
                if mid not in known:
                    continue
                row = old.pop(mid, None)
                was = row.state if row else "todo"
                if row is None:
                    s.add(ProgressRow(milestone_id=mid, state=entry.state,
                                      updated_at=entry.updated_at or now, note=entry.note))
                else:
                    row.state, row.note = entry.state, entry.note
                    row.updated_at = entry.updated_at or now
                if was != entry.state:
                    s.add(ProgressEventRow(milestone_id=mid, state=entry.state,
                                           previous_state=was, at=now, source=source))
            for mid, row in old.items():
                if mid not in cur.milestone_by_id:
                    continue  # retired: the file cannot speak for it; keep its progress
                if row.state != "todo":
                    s.add(ProgressEventRow(milestone_id=mid, state="todo",
                                           previous_state=row.state, at=now, source=source))
                row.state, row.note, row.updated_at = "todo", "", now
            p = snapshot.profile
            prow = s.get(ProfileRow, 1) or ProfileRow(id=1, updated_at=now)
            prow.name, prow.experience_years, prow.updated_at = p.name, p.experience_years, now
            prow.target_level = p.target_level if p.target_level in cur.level_by_id else None
            prow.stack = json.dumps(dict(p.stack), sort_keys=True)
            s.merge(prow)
            # Evidence of milestones the file can speak for is replaced; a retired
            # milestone's evidence that the file does not mention is kept.
            speaks = set(cur.milestone_by_id) | set(snapshot.evidence)
            s.execute(delete(EvidenceRow).where(EvidenceRow.milestone_id.in_(speaks)))
            for items in snapshot.evidence.values():
                for ev in items:
                    if ev.milestone in known:
                        s.add(EvidenceRow(milestone_id=ev.milestone, text=ev.text,
                                          added_at=ev.added_at or now))
            s.execute(delete(CertificationRow))
            s.execute(delete(Meta).where(Meta.key.startswith(CERT_VERIFICATION_PREFIX)))
            for c in snapshot.certifications:
                crow = CertificationRow(created_at=c.created_at or now,
                                        **{k: getattr(c, k) for k in CERT_FIELDS})
                s.add(crow)
                if c.verification:
                    s.flush()
                    self._set_cert_check(s, crow.id, c.verification, c.key_id)
            s.execute(delete(StudySessionRow))
            # Oldest first, so new ids keep the file's order within a day (lists show
            # newest first by day, then id).
            for st in sorted(snapshot.study_sessions, key=lambda x: (x.day, x.created_at, x.id)):
                s.add(StudySessionRow(day=st.day, minutes=st.minutes,
                                      skill_id=st.skill if st.skill in cur.skill_by_id else None,
                                      note=st.note, created_at=st.created_at or now))
            s.execute(delete(ReviewRow))
            for r in snapshot.reviews.values():
                s.add(ReviewRow(milestone_id=r.milestone, verdict=r.verdict, comment=r.comment,
                                reviewer=r.reviewer, reviewed_at=r.reviewed_at,
                                imported_at=r.imported_at or now,
                                progress_digest=r.progress_digest))
        return result


def with_heirs(snapshot: Snapshot, cur: Curriculum) -> Snapshot:
    """``snapshot`` (e.g. a progress file written with an older pack) plus, for each id
    that ``cur`` replaced, the same progress, evidence and verdict on the milestone that
    replaces it, unless the snapshot already has something of its own for that milestone:
    a restore then keeps ticks made on milestones the new pack merged or renamed. Of
    several old ids, the furthest state wins and their notes are joined."""
    heirs = cur.heir_of
    if not heirs:
        return snapshot
    rank = {"todo": 0, "learning": 1, "done": 2}
    progress = dict(snapshot.progress)
    evidence = dict(snapshot.evidence)
    reviews = dict(snapshot.reviews)
    olds: dict[str, list[str]] = {}
    for old, new in heirs.items():
        if old not in cur.milestone_by_id:
            olds.setdefault(new, []).append(old)
    for new, ids in olds.items():
        entries = [snapshot.progress[o] for o in ids if o in snapshot.progress]
        if entries and new not in snapshot.progress:
            best = max(entries, key=lambda e: (rank.get(e.state, 0), e.updated_at))
            progress[new] = ProgressEntry(new, best.state, best.updated_at,
                                          "\n\n".join(e.note for e in entries if e.note))
        items = [ev for o in ids for ev in snapshot.evidence.get(o, ())]
        if items and new not in snapshot.evidence:
            evidence[new] = tuple(dc_replace(ev, milestone=new) for ev in items)
        verdicts = [snapshot.reviews[o] for o in ids if o in snapshot.reviews]
        if verdicts and new not in snapshot.reviews:
            reviews[new] = dc_replace(max(verdicts, key=lambda r: r.reviewed_at), milestone=new)
    return dc_replace(snapshot, progress=progress, evidence=evidence, reviews=reviews)


def _free_id(s: Session, model: Any, wanted: int) -> int | None:
    """``wanted`` if no row has it (SQLite reuses the highest freed id, so a row added by
    another process may hold it now), else None: the database picks a new one."""
    return wanted if s.get(model, wanted) is None else None


def cert_of(r: CertificationRow, verification: str = "",
            key_id: str = "") -> Certification:
    return Certification(r.id, r.name, r.issuer, r.earned, r.expires, r.credential_id, r.url,
                         r.catalog_id, r.source, bool(r.verified), r.raw, r.created_at,
                         verification, key_id)


def study_of(r: StudySessionRow) -> StudySession:
    return StudySession(r.id, r.day, r.minutes, r.skill_id, r.note, r.created_at)


__all__ = ["Writer"]
