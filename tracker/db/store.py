"""The Store: the single gateway to the database.

Every public method that changes something is one user action in one transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``), committed before it returns; every method returns plain
dataclasses. Reads go through :mod:`tracker.db.reader` (the standard library's sqlite3, so
opening the app never waits for SQLAlchemy); writes go through :mod:`tracker.db.writer`
(SQLAlchemy ORM sessions), loaded on the first write or by :meth:`Store.warm_up`.

Threading rule: methods may be called from any thread, one Store call at a time per thread;
the GUI runs the quick ones (a tick, a note: a few ms) directly and the slow ones (export,
restore, backups) in a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import paths
from tracker import validation as v
from tracker.curriculum.loader import CurriculumError
from tracker.curriculum.model import Curriculum
from tracker.db import engine as dbengine
from tracker.db.errors import InputError
from tracker.db.reader import Reader, parse_iso
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

if TYPE_CHECKING:
    from tracker.db.writer import Writer

VERDICTS = ("verified", "needs-work")
_UNSET: Any = object()


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stack_problem(cur: Curriculum, key: str, value: str) -> str | None:
    """Why ``key=value`` is not a stack entry of this pack (None when it is): ``key`` names
    a choice or the first part of choice ids (``cloud``), and ``value`` one of its options
    (``gcp``: an option id, its skill, or a word of its id)."""
    from tracker import readiness as rd

    keys: dict[str, list[str]] = {}
    for ch in cur.choices:
        for k in (ch.id, rd.stack_key(ch)):
            keys.setdefault(k, []).extend(ch.options)
    if key not in keys:
        known = ", ".join(sorted({rd.stack_key(ch) for ch in cur.choices})) or "none"
        return f"unknown choice {key!r} (the pack's choices: {known})"
    if not any(rd.stack_matches(value, cur.milestone_by_id.get(o, o)) for o in keys[key]):
        words = sorted({o.split(".", 1)[0] for o in keys[key]})
        return (f"{value!r} is not an option of {key!r} (for example: "
                f"{', '.join(words[:8])})")
    return None


class Store:
    """Open with :meth:`open`; close with :meth:`close` (or use as a context manager).

    Satisfies :class:`tracker.db.protocol.StoreAPI`, like review mode's read-only FileStore.
    Every input is checked with :mod:`tracker.validation`, the rules the file formats use,
    so whatever the Store accepts can be exported and read back.
    """

    read_only = False

    def __init__(self, folder: Path, engine: Any = None, *,
                 clock: Callable[[], datetime] = utc_now):
        self.folder = folder
        self.path = paths.db_path(folder)
        self._clock = clock
        self._read = Reader(self.path)
        self._engine_obj = engine
        self._writer_obj: Writer | None = None
        self._states_obj: Any = None  # tracker.db.state_writer.StateWriter, on first tick
        self._writer_lock = threading.Lock()
        self._curriculum: Curriculum | None = None
        # One line when the active pack file could not be used and the curriculum stored
        # in SQLite is in use instead (see tracker.db.pack_sync); the faces show it.
        self.curriculum_warning: str | None = None

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, folder: str | Path | None = None, *, clock: Callable[[], datetime] = utc_now,
             sync: bool = True, daily_backup: bool = True,
             check: bool = True) -> Store:
        """Open (creating if needed) the database in ``folder``, migrate, sync the pack.

        On the way: ``quick_check`` (a damaged file or one that is not a database is moved
        aside, never deleted, and DamagedDatabaseError names it, the newest good backup and
        the command that restores it); a file from a newer app raises NewerDatabaseError and
        is left untouched; a backup before any migration; and, with ``daily_backup``, a
        backup when the newest is over a day old and the file changed since (a listing and
        two stats when not due; milliseconds when due). When the schema is current and the
        pack unchanged, nothing here imports SQLAlchemy or Alembic.

        ``check=False`` (the GUI, for a fast start): no ``quick_check`` unless a migration
        is due; the caller must run :func:`tracker.db.integrity.quick_check` soon after
        (the GUI does it in a worker once its window shows) and handle damage as here.
        """
        from tracker.db import integrity

        folder = paths.data_dir(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if not check and daily_backup and paths.db_path(folder).exists():
            from tracker.db import backup

            # A backup is due: it copies the file anyway; check it first, as always.
            check = backup.backup_due(folder, now=clock())
        rev, needs_migration = integrity.open_check(folder, now=clock(), quick=check)
        if rev is not None and not needs_migration and daily_backup:
            from tracker.db import backup

            backup.backup_if_due(folder, now=clock())
        store = cls(folder, clock=clock)
        try:
            if needs_migration:
                if rev is not None:
                    from tracker.db import backup

                    backup.make_backup(folder, reason="before-migration", now=clock())
                dbengine.run_migrations(store._engine)
            if sync:
                store.ensure_curriculum()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def _engine(self) -> Any:
        """The SQLAlchemy engine for writes and migrations, created on first use."""
        if self._engine_obj is None:
            with self._writer_lock:
                if self._engine_obj is None:
                    self._engine_obj = dbengine.create_engine_for(self.path)
        return self._engine_obj

    def _w(self) -> Writer:
        if self._writer_obj is None:
            from tracker.db.writer import Writer

            engine = self._engine
            with self._writer_lock:
                if self._writer_obj is None:
                    self._writer_obj = Writer(engine, self.now)
        return self._writer_obj

    def warm_up(self) -> None:
        """Load the write side (SQLAlchemy) now, e.g. on a background thread after the
        window is shown, so the first tick does not pay for the import."""
        self._w()

    def close(self) -> None:
        self._read.close()
        if self._states_obj is not None:
            self._states_obj.close()
        if self._engine_obj is not None:
            self._engine_obj.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> str:
        return iso(self._clock())

    def today(self) -> date:
        """Today on this computer's calendar: the default study day, and the latest day a
        certification can have been earned or a session studied."""
        return v.local_today(self._clock())

    def data_version(self) -> str:
        """Changes whenever anything was committed through any Store, in this process or
        another (one indexed read); the GUI compares it when it regains focus."""
        return self._read.meta("change_counter", "0") or "0"

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._read.meta(key, default)

    # ---------------------------------------------------------------- curriculum
    def active_pack_path(self) -> Path:
        from tracker.db import pack_sync

        return pack_sync.active_pack_path(self)

    def ensure_curriculum(self) -> SyncReport:
        """Sync the active pack into SQLite when its file changed (hash of the bytes); a
        file that cannot be used leaves the stored curriculum and sets
        ``curriculum_warning`` (see :mod:`tracker.db.pack_sync`)."""
        from tracker.db import pack_sync

        return pack_sync.ensure(self, self._clock())

    def sync_curriculum(self, pack: Curriculum, *, file_sha256: str = "",
                        source: str | None = None,
                        expect: tuple[str | None, str | None] | None = None) -> SyncReport:
        """Make the SQLite curriculum match ``pack``; missing rows are retired, not deleted.
        With ``expect`` (pack_source, pack_file_sha256), only if they still hold."""
        report = self._w().sync_curriculum(pack, file_sha256=file_sha256, source=source,
                                           expect=expect)
        self._curriculum = None
        return report

    def use_pack(self, path: str | Path) -> tuple[Curriculum, SyncReport]:
        """Validate a custom pack, install a copy in the data folder and make it active
        (the previous custom pack's file is set aside; a kill never splits the switch)."""
        from tracker.db import pack_sync

        return pack_sync.use_pack(self, path, self._clock())

    def use_default_pack(self) -> tuple[Curriculum, SyncReport]:
        """Back to the shipped pack; the custom pack's file is set aside, never read."""
        from tracker.db import pack_sync

        return pack_sync.use_default_pack(self, self._clock())

    def curriculum(self) -> Curriculum:
        """The active curriculum as stored in SQLite, cached until its hash changes (also
        when another process installs a pack)."""
        current = self.meta("curriculum_hash", "")
        if self._curriculum is None or self._curriculum.content_hash != current:
            self._curriculum = self._read.curriculum()
        return self._curriculum

    def retired_milestones(self) -> list[tuple[str, str]]:
        return self._read.retired_milestones()

    # ---------------------------------------------------------------- profile
    def profile(self) -> Profile:
        return self._read.profile()

    def set_profile(self, *, name: str = _UNSET, target_level: str | None = _UNSET,
                    experience_years: float | None = _UNSET,
                    stack: Mapping[str, str | None] = _UNSET) -> tuple[Profile, Profile]:
        """Change any of the fields given. Returns (previous, new) for undo. ``stack``
        entries are merged into the stored stack; an entry set to None or "" is removed."""
        fields: dict[str, Any] = {}
        if stack is not _UNSET:
            merged = self.profile().stack_map
            cur = self.curriculum()
            for key, value in stack.items():
                if not value:
                    merged.pop(key, None)
                    continue
                problem = stack_problem(cur, key, value)
                if problem:
                    raise InputError(problem)
                merged[key] = value
            fields["stack"] = merged
        if name is not _UNSET:
            fields["name"] = v.check_name(name)
        if target_level is not _UNSET:
            if target_level is not None and target_level not in self.curriculum().level_by_id:
                known = ", ".join(lv.id for lv in self.curriculum().levels)
                raise InputError(f"unknown level {target_level!r} (one of: {known})")
            fields["target_level"] = target_level
        if experience_years is not _UNSET:
            fields["experience_years"] = (None if experience_years is None
                                          else v.check_years(experience_years))
        return self._w().set_profile(fields)

    def restore_profile(self, profile: Profile) -> None:
        """Put a previous profile back exactly (undo)."""
        self._w().set_profile({"name": profile.name, "target_level": profile.target_level,
                               "experience_years": profile.experience_years,
                               "stack": profile.stack_map})

    # ---------------------------------------------------------------- progress
    def progress(self) -> dict[str, ProgressEntry]:
        return self._read.progress()

    def states(self) -> dict[str, str]:
        return self._read.states()

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
        return self._states().set_states(changes, source, self.now())

    def _states(self) -> Any:
        if self._states_obj is None:
            from tracker.db.state_writer import StateWriter

            with self._writer_lock:
                if self._states_obj is None:
                    self._states_obj = StateWriter(self.path)
        return self._states_obj

    def set_note(self, milestone: str, note: str) -> str:
        """Replace a milestone's note; returns the previous note (for undo)."""
        self._known_milestone(milestone)
        note = v.check_note(note)
        return self._w().set_note(milestone, note)

    def _known_milestone(self, milestone: str) -> None:
        if milestone not in self.curriculum().milestone_by_id:
            raise InputError(f"unknown milestone id {milestone!r}")

    def history(self, since: str | None = None) -> list[StateChange]:
        return self._read.history(since)

    def done_days(self, since: str) -> dict[str, int]:
        """Milestones newly done per day (YYYY-MM-DD) since a timestamp, for the heatmap."""
        return self._read.done_days(since)

    def streak_before(self, day: str, min_minutes: int) -> int:
        """Consecutive active days ending the day before ``day`` (see Reader)."""
        return self._read.streak_before(day, min_minutes)

    # ---------------------------------------------------------------- evidence
    def evidence(self, milestone: str | None = None) -> list[Evidence]:
        return self._read.evidence(milestone)

    def add_evidence(self, milestone: str, text: str) -> Evidence:
        self._known_milestone(milestone)
        text = v.check_evidence(text)
        v.check_room(len(self._read.evidence(milestone)), v.MAX_EVIDENCE,
                     "evidence items for this milestone")
        return self._w().add_evidence(milestone, text)

    def remove_evidence(self, evidence_id: int) -> Evidence | None:
        return self._w().remove_evidence(evidence_id)

    def restore_evidence(self, ev: Evidence) -> Evidence:
        """Put removed evidence back; returns it with the id it now has."""
        return self._w().restore_evidence(ev)

    # ---------------------------------------------------------------- certifications
    def certifications(self) -> list[Certification]:
        return self._read.certifications()

    def validate_certification(self, c: CertificationInput) -> CertificationInput:
        """``c`` cleaned, or InputError (:func:`tracker.validation.check_certification`: an
        earned date in the future is refused)."""
        return v.check_certification(c, today=self.today())

    def add_certification(self, c: CertificationInput) -> Certification:
        c = self.validate_certification(c)
        v.check_room(self._read.counts()["certifications"], v.MAX_CERTIFICATIONS,
                     "certifications")
        return self._w().add_certification(c)

    def cert_verification(self, cert: Certification) -> tuple[str, str]:
        """(verification state, issuer key id) of a certification: as checked when it was
        imported; for one entered by hand, or imported before signatures were checked,
        "unsigned" or (it carries a proof) "unverifiable-offline"."""
        from tracker.db.types import stored_state

        return stored_state(cert.verification, cert.key_id, cert.raw)

    def update_certification(self, cert_id: int, c: CertificationInput) -> Certification:
        """Replace a certification's fields; returns the previous version (for undo)."""
        return self._w().update_certification(cert_id, self.validate_certification(c))

    def delete_certification(self, cert_id: int) -> Certification:
        return self._w().delete_certification(cert_id)

    def restore_certification(self, c: Certification) -> Certification:
        """Put a certification back exactly as it was (undo of delete or edit); returns it
        with the id it now has (a new one if another row took the old id meanwhile)."""
        return self._w().restore_certification(c)

    # ---------------------------------------------------------------- study sessions
    def study_sessions(self, since_day: str | None = None,
                       limit: int | None = None, offset: int = 0) -> list[StudySession]:
        """Newest first; ``limit`` keeps a screen's work bounded whatever the history, and
        ``offset`` skips that many newer ones (a page further back)."""
        return self._read.study_sessions(since_day, limit, offset)

    def study_minutes_by_day(self, since_day: str) -> dict[str, int]:
        return self._read.study_minutes_by_day(since_day)

    def add_study_session(self, minutes: int, day: str | None = None, skill: str | None = None,
                          note: str = "") -> StudySession:
        """Log a session; ``day`` (default today) cannot be in the future."""
        minutes = v.check_minutes(minutes)
        today = self.today()
        day = today.isoformat() if day is None else v.check_past_date(day, "date", today)
        if skill is not None and skill not in self.curriculum().skill_by_id:
            raise InputError(f"unknown skill {skill!r}")
        note = v.check_note(note)
        v.check_room(self._read.counts()["study_sessions"], v.MAX_STUDY_SESSIONS,
                     "study sessions")
        return self._w().add_study_session(minutes, day, skill, note)

    def delete_study_session(self, session_id: int) -> StudySession:
        return self._w().delete_study_session(session_id)

    def delete_study_sessions(self, ids: Iterable[int]) -> list[StudySession]:
        """Delete several sessions in one transaction (all or nothing); returns them."""
        return self._w().delete_study_sessions(list(ids))

    def restore_study_sessions(self, sessions: Iterable[StudySession]) -> list[StudySession]:
        """Undo of delete_study_sessions, in one transaction; returns them with their ids."""
        return self._w().restore_study_sessions(list(sessions))

    def restore_study_session(self, st: StudySession) -> StudySession:
        """Put a deleted session back; returns it with the id it now has."""
        return self._w().restore_study_session(st)

    # ---------------------------------------------------------------- reviews
    def reviews(self) -> dict[str, Review]:
        """The newest verdict per milestone."""
        return self._read.reviews()

    def add_reviews(self, reviews: Iterable[Review]) -> int:
        """Store imported verdicts in one transaction; returns how many were added."""
        return len(self.import_reviews(reviews))

    def import_reviews(self, reviews: Iterable[Review], signature: str = "",
                       public_key: str = "") -> list[int]:
        """Like add_reviews, returning the new rows' ids (so an import can be undone).
        ``signature`` (a state of :mod:`tracker.exchange.signing`) and the signer's
        ``public_key`` are remembered for these verdicts in the same transaction; a
        ``signed`` review's key becomes the one known for its reviewer (trust on first
        use; a known reviewer's key is never replaced by an import)."""
        items = list(reviews)
        for r in items:
            _check_review(r)
        if not items:
            return []
        meta: dict[str, str] = {}
        if signature:
            if signature not in REVIEW_SIGNATURE_STATES:
                raise InputError(f"unknown signature state {signature[:20]!r}")
            for r in items:
                meta[review_signature_key(r)] = f"{signature} {public_key}".strip()
            name = reviewer_key_name(items[0].reviewer)
            if signature == "signed" and public_key and name not in self.reviewer_keys():
                meta[REVIEWER_KEY_PREFIX + name] = public_key
        return self._w().add_reviews(items, meta)

    def reviewer_keys(self) -> dict[str, str]:
        """Reviewer name (casefolded) -> the base64 Ed25519 key trusted for it."""
        return self._read.meta_with_prefix(REVIEWER_KEY_PREFIX)

    def trust_reviewer_key(self, name: str, public_key: str) -> str | None:
        """Trust ``public_key`` for reviewer ``name`` (a key the mentor published);
        returns the key it replaces, if another one was known."""
        name = reviewer_key_name(v.check_name(name, "reviewer name"))
        before = self.reviewer_keys().get(name)
        self._w().set_meta({REVIEWER_KEY_PREFIX + name: public_key})
        return before if before != public_key else None

    def review_signature(self, review: Review) -> tuple[str, str]:
        """(signature state, signer's public key) remembered for an imported verdict;
        ("unsigned", "") for verdicts imported before signatures existed."""
        value = self._read.meta(review_signature_key(review)) or "unsigned"
        state, _, key = value.partition(" ")
        return state, key

    def record_export(self, digest: str, exported_at: str) -> None:
        """Remember that this learner exported the progress file with ``digest``: a mentor's
        review names the export it reviews, and an import checks it against these."""
        problem = v.digest_problem(digest) or v.timestamp_problem(exported_at)
        if problem:
            raise InputError(f"export record: {problem}")
        self._w().record_export(digest, exported_at)

    def remove_reviews(self, ids: Iterable[int]) -> None:
        """Delete imported verdict rows by id (undo of an import)."""
        self._w().remove_reviews(list(ids))

    # ---------------------------------------------------------------- snapshot
    def snapshot(self, *, with_history: bool = True) -> Snapshot:
        """Everything at one instant, read in one transaction."""
        cur = self.curriculum()
        with self._read.read():
            ev: dict[str, list[Evidence]] = {}
            for e in self._read.evidence():
                ev.setdefault(e.milestone, []).append(e)
            return Snapshot(
                curriculum=cur, profile=self._read.profile(), progress=self._read.progress(),
                certifications=tuple(self._read.certifications()),
                study_sessions=tuple(self._read.study_sessions()),
                reviews=self._read.reviews(),
                evidence={k: tuple(x) for k, x in ev.items()},
                history=tuple(self._read.history()) if with_history else ())

    def replace_all(self, snapshot: Snapshot, *, source: str = "restore",
                    backup: bool = False) -> Any:
        """Replace progress, notes, evidence, profile, certifications, study log and reviews
        with a snapshot's (restore from a progress file). One transaction: all or nothing.
        History is kept: every state that changes gets an event.

        With ``backup``, a ``before-restore`` backup is made inside that transaction, once
        it holds the write lock, and its BackupInfo returned: a change another process
        commits meanwhile waits and lands after the restore, never between the backup and
        the replacement, so the restore can always be undone."""
        if not backup:
            self._w().replace_all(snapshot, self.curriculum(), source)
            return None
        from tracker.db import backup as backups

        made = self._w().replace_all(
            snapshot, self.curriculum(), source,
            before=lambda: backups.make_backup(self.folder, reason="before-restore",
                                               now=self._clock(), prune=False))
        backups.prune_backups(self.folder, self._clock(), also_keep=(made.name,))
        return made

    def counts(self) -> dict[str, int]:
        return self._read.counts()


if TYPE_CHECKING:
    from tracker.db.protocol import StoreAPI

    def _satisfies_the_store_interface(store: Store) -> StoreAPI:
        return store  # mypy verifies here that the Store matches StoreAPI


def _check_review(r: Review) -> None:
    """An imported verdict follows the review file's rules (it normally comes from one)."""
    if r.verdict not in VERDICTS:
        raise InputError(f"unknown verdict {r.verdict!r}")
    v.check_id(r.milestone, "milestone id")
    for what, problem in (("reviewer", v.text_problem(r.reviewer, limit=v.MAX_NAME)),
                          ("comment", v.text_problem(r.comment, limit=v.MAX_NOTE,
                                                     single_line=False)),
                          ("review time", v.timestamp_problem(r.reviewed_at)),
                          ("progress digest", v.digest_problem(r.progress_digest,
                                                               optional=True))):
        if problem:
            raise InputError(f"{what} {problem}")


__all__ = ["Store", "CurriculumError", "iso", "parse_iso", "utc_now"]


# Signatures of imported reviews live in the meta table (no schema change): the key a
# reviewer's name is trusted with, and the state each imported review was found in.
REVIEWER_KEY_PREFIX = "reviewer_key:"
REVIEW_SIGNATURE_PREFIX = "review_signature:"
REVIEW_SIGNATURE_STATES = ("signed", "other-key", "invalid", "unsigned")


def reviewer_key_name(reviewer: str) -> str:
    """The name a reviewer's key is remembered under: spaces collapsed, case folded."""
    return " ".join(reviewer.split()).casefold()


def review_signature_key(r: Review) -> str:
    """One review file's verdicts share reviewer, time and reviewed export."""
    import hashlib

    ident = "\x1f".join((reviewer_key_name(r.reviewer), r.reviewed_at, r.progress_digest))
    return REVIEW_SIGNATURE_PREFIX + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:40]
