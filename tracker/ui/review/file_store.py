"""A read-only Store over a progress file, so review mode reuses the app's pages.

:class:`FileStore` satisfies :class:`~tracker.db.protocol.StoreAPI`, the interface of the
:class:`~tracker.db.store.Store` the pages use (mypy checks it): the reads
(``curriculum()``, ``states()``, ``progress()``, ``reviews()``, ``history(since)``, ...) are
answered from a :class:`~tracker.exchange.progress.ProgressReading`, and every write
(:data:`~tracker.db.protocol.WRITE_METHODS`) raises
:class:`~tracker.db.protocol.ReadOnlyError` saying this is a read-only review, so nothing a
page tries can change the file or the mentor's own data, whether or not it checks
``read_only`` first.

It also holds the review being written: the mentor's verdicts, kept in memory until they are
exported as a review file. ``reviews()`` shows them over the verdicts the file already carries,
so the Skills tree, the detail pane and the Levels gaps display them like imported ones.

Pure Python (no Qt, no database). The reading is immutable; the verdicts are changed on the
GUI thread only (by the review window's undo commands).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tracker import readiness as rd
from tracker import validation as v
from tracker.curriculum.model import Curriculum
from tracker.db.errors import InputError
from tracker.db.protocol import ReadOnlyError, StoreAPI
from tracker.db.types import (
    Certification,
    CertificationInput,
    Evidence,
    Profile,
    ProgressEntry,
    Review,
    Snapshot,
    StudySession,
)
from tracker.exchange.progress import ProgressReading
from tracker.readiness import StateChange

READ_ONLY_MESSAGE = ("This is a read-only review of someone else's progress: "
                     "nothing in it can be changed.")


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _refused(name: str) -> Callable[..., NoReturn]:
    """A write of the Store's interface, refused: review mode changes nothing."""
    def refuse(self: Any, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise ReadOnlyError(READ_ONLY_MESSAGE, name)
    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"Refused with ReadOnlyError: {name} would change the data."
    return refuse


class FileStore:
    """Read-only, Store-shaped access to one progress file.

    ``folder`` is the viewing app's data folder: only the window settings (theme) are read
    from there; nothing is written to the database in it.
    """

    read_only = True

    def __init__(self, reading: ProgressReading, *, folder: str | Path,
                 path: str | Path | None = None):
        self.reading = reading
        self.folder = Path(folder)
        self.source_path = Path(path) if path is not None else None
        snap = reading.to_snapshot()
        cur = reading.curriculum
        self._profile = snap.profile
        self._progress = {k: e for k, e in snap.progress.items() if k in cur.milestone_by_id}
        # Ids as the Store would give them (pages key rows by id); sorted as the Store does.
        certs = [replace(c, id=i) for i, c in enumerate(snap.certifications, 1)]
        self._certs = sorted(sorted(certs, key=lambda c: c.id), key=lambda c: c.earned,
                             reverse=True)
        sessions = [replace(s, id=i) for i, s in enumerate(snap.study_sessions, 1)]
        self._sessions = sorted(sessions, key=lambda s: (s.day, s.id), reverse=True)
        n = 0
        self._evidence: list[Evidence] = []
        for items in snap.evidence.values():
            for e in items:
                n += 1
                self._evidence.append(replace(e, id=n))
        self._file_reviews = snap.reviews
        # The file keeps each milestone's latest change only: that is the history we have.
        # Kept with UTC ISO strings, compared as strings like the Store's queries do.
        changes = sorted(
            (StateChange(mid, e.state, rd.TODO, _parse(e.updated_at))
             for mid, e in self._progress.items() if e.state != rd.TODO and e.updated_at),
            key=lambda ch: ch.at)
        self._history = [(_utc(ch.at), ch) for ch in changes]
        self._verdicts: dict[str, Review] = {}

    # ------------------------------------------------------------------ the review
    def verdicts(self) -> dict[str, Review]:
        """The mentor's verdicts in this session (milestone id -> Review), in milestone order."""
        order = {m.id: i for i, m in enumerate(self.reading.curriculum.milestones)}
        return {k: self._verdicts[k] for k in sorted(self._verdicts, key=order.__getitem__)}

    def verdict(self, milestone: str) -> Review | None:
        return self._verdicts.get(milestone)

    def set_verdict(self, milestone: str, review: Review | None) -> Review | None:
        """Set (or, with None, remove) the mentor's verdict on a milestone; returns the
        previous one. Only milestones of the file's curriculum can be reviewed."""
        if milestone not in self.reading.curriculum.milestone_by_id:
            raise InputError(f"milestone {milestone!r} is not in this file's curriculum")
        if review is not None and review.verdict not in ("verified", "needs-work"):
            raise InputError(f"unknown verdict {review.verdict!r}")
        before = self._verdicts.get(milestone)
        if review is None:
            self._verdicts.pop(milestone, None)
        else:
            self._verdicts[milestone] = review
        return before

    # ------------------------------------------------------------------ reads (Store API)
    def curriculum(self) -> Curriculum:
        return self.reading.curriculum

    def retired_milestones(self) -> list[tuple[str, str]]:
        return []

    def meta(self, key: str, default: str | None = None) -> str | None:
        cur = self.reading.curriculum
        return {"curriculum_id": cur.id, "curriculum_version": cur.version,
                "curriculum_title": cur.title, "curriculum_hash": cur.content_hash
                }.get(key, default)

    def profile(self) -> Profile:
        return self._profile

    def progress(self) -> dict[str, ProgressEntry]:
        return dict(self._progress)

    def states(self) -> dict[str, str]:
        return dict(self.reading.states)

    def history(self, since: str | None = None) -> list[StateChange]:
        return [ch for at, ch in self._history if not since or at >= since]

    def done_days(self, since: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for at, ch in self._history:
            if at >= since and ch.state == rd.DONE:
                out[at[:10]] = out.get(at[:10], 0) + 1
        return out

    def streak_before(self, day: str, min_minutes: int) -> int:
        from datetime import date, timedelta

        done = self.done_days("")
        minutes = self.study_minutes_by_day("")
        d, n = date.fromisoformat(day) - timedelta(days=1), 0
        while done.get(d.isoformat(), 0) > 0 or minutes.get(d.isoformat(), 0) >= min_minutes:
            n += 1
            d -= timedelta(days=1)
        return n

    def evidence(self, milestone: str | None = None) -> list[Evidence]:
        return [e for e in self._evidence if milestone is None or e.milestone == milestone]

    def certifications(self) -> list[Certification]:
        return list(self._certs)

    def study_sessions(self, since_day: str | None = None,
                       limit: int | None = None, offset: int = 0) -> list[StudySession]:
        rows = [s for s in self._sessions if not since_day or s.day >= since_day]
        rows = rows[max(0, offset):]
        return rows if limit is None else rows[:limit]

    def study_minutes_by_day(self, since_day: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self._sessions:
            if s.day >= since_day:
                out[s.day] = out.get(s.day, 0) + s.minutes
        return out

    def reviews(self) -> dict[str, Review]:
        """The file's own verdicts, with this session's verdicts over them."""
        out = dict(self._file_reviews)
        out.update(self._verdicts)
        return out

    def review_signature(self, review: Review) -> tuple[str, str]:
        """A progress file carries no signatures of the verdicts in it: never verified."""
        return "unsigned", ""

    def reviewer_keys(self) -> dict[str, str]:
        return {}

    def cert_verification(self, cert: Certification) -> tuple[str, str]:
        """Checked here when the file was read (ProgressReading.to_snapshot): the file's own
        "verified" flag and "verification" field are the learner's claim, not a check."""
        from tracker.exchange.credential_verify import stored_state

        return stored_state(cert.verification, cert.key_id, cert.raw)

    def now(self) -> str:
        """The export instant: review mode shows the learner as they were then."""
        return self.reading.exported_at

    def today(self) -> date:
        """The export day (see :meth:`now`)."""
        return v.local_today(_parse(self.reading.exported_at))

    def data_version(self) -> str:
        """Never changes: the file is read once."""
        return "file:" + self.reading.digest

    def snapshot(self, *, with_history: bool = True) -> Snapshot:
        return Snapshot(curriculum=self.reading.curriculum, profile=self._profile,
                        progress=dict(self._progress), certifications=tuple(self._certs),
                        study_sessions=tuple(self._sessions), reviews=self.reviews(),
                        evidence={m: tuple(self.evidence(m))
                                  for m in {e.milestone for e in self._evidence}},
                        history=tuple(self.history()) if with_history else ())

    def counts(self) -> dict[str, int]:
        return {"progress_events": len(self._history), "certifications": len(self._certs),
                "study_sessions": len(self._sessions), "reviews": len(self.reviews()),
                "done": sum(1 for s in self.reading.states.values() if s == rd.DONE)}

    def validate_certification(self, c: CertificationInput) -> CertificationInput:
        """The Store's rules (checks only; nothing is stored)."""
        return v.check_certification(c, today=self.today())

    def warm_up(self) -> None:
        pass  # nothing to load: no database

    def close(self) -> None:
        pass

    # ------------------------------------------------------------------ writes: refused
    # Every write of StoreAPI (tracker.db.protocol.WRITE_METHODS); a test checks that this
    # list covers them all and that each raises ReadOnlyError.
    ensure_curriculum = _refused("ensure_curriculum")
    sync_curriculum = _refused("sync_curriculum")
    use_pack = _refused("use_pack")
    use_default_pack = _refused("use_default_pack")
    set_profile = _refused("set_profile")
    restore_profile = _refused("restore_profile")
    set_states = _refused("set_states")
    set_note = _refused("set_note")
    add_evidence = _refused("add_evidence")
    remove_evidence = _refused("remove_evidence")
    restore_evidence = _refused("restore_evidence")
    add_certification = _refused("add_certification")
    update_certification = _refused("update_certification")
    delete_certification = _refused("delete_certification")
    restore_certification = _refused("restore_certification")
    add_study_session = _refused("add_study_session")
    delete_study_session = _refused("delete_study_session")
    delete_study_sessions = _refused("delete_study_sessions")
    restore_study_sessions = _refused("restore_study_sessions")
    restore_study_session = _refused("restore_study_session")
    add_reviews = _refused("add_reviews")
    import_reviews = _refused("import_reviews")
    remove_reviews = _refused("remove_reviews")
    trust_reviewer_key = _refused("trust_reviewer_key")
    record_export = _refused("record_export")
    replace_all = _refused("replace_all")


if TYPE_CHECKING:
    def _satisfies_the_store_interface(fs: FileStore) -> StoreAPI:
        return fs  # mypy verifies here that FileStore has every read and write of StoreAPI


def review_items(verdicts: Mapping[str, Review] | Iterable[Review]) -> list[tuple[str, str, str]]:
    """(milestone, verdict, comment) triples for ``build_review_document``."""
    items = verdicts.values() if isinstance(verdicts, Mapping) else verdicts
    return [(r.milestone, r.verdict, r.comment) for r in items]
