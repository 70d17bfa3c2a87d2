"""What changed between two exports of the same learner ("progress since the last review").

Pure; the result is plain JSON-able data (``review FILE --since OLDER --json`` prints it as
``"changes"``, and review mode in the app shows the same facts).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tracker import readiness as rd
from tracker.curriculum.model import Curriculum
from tracker.db.errors import InputError
from tracker.exchange.progress import ProgressReading
from tracker.status import round_percent


def _cert_key(c: Any) -> tuple[str, str, str]:
    return (c.name.casefold(), c.issuer.casefold(), c.earned)


def _session_key(s: Any) -> tuple[Any, ...]:
    return (s.day, s.minutes, s.skill, s.note, s.created_at)


def instant(text: str, source: str) -> datetime:
    """An export's ``exported_at`` as an aware UTC datetime (``Z``, ``+05:00``, fractions of
    a second all compare correctly; as strings they do not)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except (ValueError, AttributeError):
        raise InputError(f"{source}: exported_at {str(text)[:40]!r} is not a date and time"
                         ) from None
    if when.tzinfo is None:  # not written by this app; read as UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def compare(older: ProgressReading, newer: ProgressReading) -> dict[str, Any]:
    """Changes from ``older`` to ``newer``. InputError when they are not two exports of
    the same learner in time order."""
    a, b = older.document, newer.document
    if a.learner.name.strip().casefold() != b.learner.name.strip().casefold():
        raise InputError(f"{older.source} and {newer.source} are of different learners "
                         f"({a.learner.name!r} and {b.learner.name!r})")
    since, until = instant(older.exported_at, older.source), instant(newer.exported_at,
                                                                     newer.source)
    if since > until:
        raise InputError(f"{older.source} was exported after {newer.source}; pass the older "
                         "file to --since")
    done_before = {m for m, s in older.states.items() if s == rd.DONE}
    done_after = {m for m, s in newer.states.items() if s == rd.DONE}
    order = {m.id: i for i, m in enumerate(newer.curriculum.milestones)}

    def ordered(ids: set[str]) -> list[str]:
        return sorted(ids, key=lambda m: (order.get(m, len(order)), m))

    before = {r.level.id: r for r in older.results}
    levels = []
    for r in newer.results:
        old = before.get(r.level.id)
        old_pct = round_percent(old.percent) if old else None
        new_pct = round_percent(r.percent)
        levels.append({
            "level": r.level.id,
            "before": old_pct, "after": new_pct,
            "change": None if old_pct is None else round_percent(new_pct - old_pct),
            "ready_before": old.ready if old else None, "ready_after": r.ready})
    old_certs = {_cert_key(c) for c in a.certifications}
    since_day, until_day = since.date().isoformat(), until.date().isoformat()
    new_certs = [c for c in b.certifications if _cert_key(c) not in old_certs]
    expired = [c for c in b.certifications
               if c.expires is not None and since_day <= c.expires < until_day]
    old_sessions = {_session_key(s) for s in a.study_sessions}
    sessions = [s for s in b.study_sessions if _session_key(s) not in old_sessions]
    before_current, after_current = older.current_level, newer.current_level
    return {
        "since": older.exported_at,
        "until": newer.exported_at,
        "current_level": {"before": before_current, "after": after_current},
        "newly_done": ordered(done_after - done_before),
        "reverted": ordered(done_before - done_after),
        "readiness": levels,
        "certifications": {
            "new": [{"name": c.name, "issuer": c.issuer, "earned": c.earned,
                     "expires": c.expires, **_signature(c)} for c in new_certs],
            "expired": [{"name": c.name, "issuer": c.issuer, "expires": c.expires}
                        for c in expired],
        },
        "study": {"sessions": len(sessions), "minutes": sum(s.minutes for s in sessions)},
    }


def curriculum_differences(file_cur: Curriculum, local_cur: Curriculum) -> dict[str, Any]:
    """How a file's embedded curriculum differs from the local one (the review banner)."""
    a, b = file_cur.milestone_by_id, local_cur.milestone_by_id
    return {
        "same": file_cur.content_hash == local_cur.content_hash and bool(file_cur.content_hash),
        "file": {"id": file_cur.id, "version": file_cur.version},
        "local": {"id": local_cur.id, "version": local_cur.version},
        "only_in_file": [m for m in a if m not in b],
        "only_local": [m for m in b if m not in a],
    }


def _signature(c: Any) -> dict[str, str]:
    """A new certification's signature, checked here from the credential in the file (the
    file's own claim counts for nothing): its state and the issuer's key when verified."""
    from tracker.exchange.credential_verify import recheck

    check = recheck(c.raw, c.verification or "", c.issuer_key)
    return {"verification": check.state, "issuer_key": check.key_id}
