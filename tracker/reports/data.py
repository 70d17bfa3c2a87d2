"""What a report shows, gathered once from a progress reading: HTML and PDF render the
same facts. Pure, no Qt; any thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker import readiness as rd
from tracker.exchange.progress import ProgressReading
from tracker.status import cert_status, gap_title, round_percent

MAX_GAPS = 60


@dataclass(frozen=True)
class ReportData:
    title: str
    learner: str
    experience_years: float | None
    source: str
    exported_at: str
    generated_at: str
    integrity: str
    curriculum: str
    current_level: str | None
    target_level: str | None           # title
    focus_level: str                   # title of the level the breakdown and gaps are for
    focus_is_target: bool
    levels: tuple[dict[str, Any], ...]  # title, percent, ready, threshold, core_done, core_total
    areas: tuple[dict[str, Any], ...]   # title, percent, done, total
    gaps: tuple[dict[str, Any], ...]    # id, title, level, core, weight, area, verdict,
    #   mark, elective, options (a choice: its options' titles, else ())
    gaps_total: int
    certifications: tuple[dict[str, Any], ...]  # name, issuer, earned, expires, status,
    #              verified, source, verification (a credential_verify state), issuer_key,
    #              signature (in plain words), revocation_unchecked
    verdicts: tuple[dict[str, Any], ...]  # milestone, title, verdict, comment, reviewer, date,
    #                                        signature (state), signature_text, mark
    study_total_minutes: int
    study_recent_minutes: int          # last 28 days before the export
    study_sessions: int
    study_weeks: tuple[tuple[str, int], ...]  # (week starting YYYY-MM-DD, minutes), 12 weeks
    unknown_milestones: tuple[str, ...]
    #: the file's curriculum against the reader's pack of that id and version
    #: ("known" | "differs" | "unknown"), in people's words, and what differs
    curriculum_check: str = "unknown"
    curriculum_text: str = ""
    integrity_text: str = ""
    #: True when the verdicts' signatures are known (the learner's own report: the app
    #: checked each review file's signature on import); a progress file carries none
    signatures_known: bool = False


def verdict_mark(verdict: str, signature: str) -> str:
    """How a report names a verdict: "verified" only for a signed one (the skills tree's
    words otherwise: "verified (unsigned)", ...); "needs work"."""
    if verdict != "verified":
        return "needs work" if verdict == "needs-work" else verdict
    if signature == "signed":
        return "verified"
    return f"verified ({UNPROVEN.get(signature, 'signature not valid')})"


#: why a "verified" verdict is not proven, by signature state (as the skills tree says it)
UNPROVEN = {"unsigned": "unsigned", "other-key": "signed with another key",
            "invalid": "signature not valid"}


def own_progress(store: Any) -> tuple[ProgressReading, dict[str, tuple[str, str]]]:
    """The learner's own progress as a reading (what an export holds now) and, per milestone
    with a verdict, the (signature state, public key) the app recorded when it imported the
    review (``Store.review_signature``): for ``report --self`` and File > Export Report.
    Store reads only (a worker may call it)."""
    from tracker.exchange.progress import (build_progress_document, dumps_document,
                                           read_progress_bytes)

    doc = build_progress_document(store.snapshot(with_history=False))
    reading = read_progress_bytes(dumps_document(doc), "your progress")
    signatures = {mid: store.review_signature(r)
                  for mid, r in reading.reviews_by_milestone().items()}
    return reading, signatures


def report_data(reading: ProgressReading, *, today: date | None = None,
                known: Any = None,
                signatures: Mapping[str, tuple[str, str]] | None = None) -> ReportData:
    """``known``: a :class:`tracker.exchange.known_pack.KnownPacks` to check the file's
    curriculum against (default: the shipped pack alone). ``signatures``: milestone id ->
    (signature state, public key) of its verdict (see :func:`own_progress`); without it
    every verdict is unsigned (a progress file carries no signatures), so none is
    presented as verified. Given, the reading is also this app's own export (``report
    --self``, File > Export Report, from :func:`own_progress`), so its certifications'
    signature checks are this app's; in someone else's file they are checked again here,
    never taken from it."""
    from tracker.exchange.known_pack import KnownPacks, integrity_text
    from tracker.exchange.signing import describe, fingerprint

    cur = reading.curriculum
    check = (known or KnownPacks.for_reader(None)).check(cur)
    doc = reading.document
    results = reading.results
    current = rd.current_level(results)
    target_id = doc.learner.target_level
    if target_id in cur.level_by_id:
        focus = cur.level_by_id[target_id]
    else:  # no target: the first level not yet ready (or the top one)
        focus = next((r.level for r in results if not r.ready), cur.levels[-1])
    by_level = {r.level.id: r for r in results}
    fr = by_level[focus.id]
    stack = dict(doc.learner.stack) if getattr(doc.learner, "stack", None) else None
    if stack:  # the same numbers; a choice gap names the option the learner's stack picks
        fr = rd.level_readiness(cur, reading.states, focus.id, stack)
    today_s = (today or datetime.now(UTC).date()).isoformat()
    exported_day = date.fromisoformat(reading.exported_at[:10])
    recent_from = (exported_day - timedelta(days=28)).isoformat()
    first_week = exported_day - timedelta(days=exported_day.weekday() + 7 * 11)
    weeks = {(first_week + timedelta(weeks=i)).isoformat(): 0 for i in range(12)}
    for s in doc.study_sessions:
        d = date.fromisoformat(s.day)
        start = (d - timedelta(days=d.weekday())).isoformat()
        if start in weeks:
            weeks[start] += s.minutes
    verdicts = []
    for mid, r in sorted(reading.reviews_by_milestone().items(),
                         key=lambda kv: kv[1].reviewed_at, reverse=True):
        m = cur.milestone_by_id.get(mid)
        state, key = (signatures or {}).get(mid, ("unsigned", ""))
        verdicts.append({"milestone": mid, "title": m.title if m else mid,
                         "verdict": r.verdict, "comment": r.comment, "reviewer": r.reviewer,
                         "date": r.reviewed_at[:10], "signature": state,
                         "signature_text": describe(state, r.reviewer or "the reviewer",
                                                    fingerprint(key) if key else ""),
                         "mark": verdict_mark(r.verdict, state)})
    by_milestone = {v["milestone"]: v for v in verdicts}
    name = doc.learner.name or "(no name)"
    return ReportData(
        title=f"Progress report: {name}",
        learner=name, experience_years=doc.learner.experience_years,
        source=reading.source, exported_at=reading.exported_at,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        integrity=reading.integrity,
        curriculum=f"{cur.title} ({cur.id} {cur.version})",
        current_level=current.title if current else None,
        target_level=cur.level_by_id[target_id].title if target_id in cur.level_by_id else None,
        focus_level=focus.title, focus_is_target=focus.id == target_id,
        levels=tuple({"title": r.level.title, "percent": round_percent(r.percent),
                      "ready": r.ready, "threshold": r.level.threshold,
                      "core_done": r.core_done, "core_total": r.core_total}
                     for r in results),
        areas=tuple({"title": a.area.title, "percent": round_percent(a.percent),
                     "done": a.done_weight, "total": a.total_weight}
                    for a in rd.breakdown(cur, reading.states, focus.id)),
        gaps=tuple({"id": m.id, "title": gap_title(cur, m),
                    "level": cur.level_by_id[m.level].title,
                    "core": m.core, "weight": m.weight,
                    "area": cur.area_by_id[cur.skill_by_id[m.skill].area].title,
                    "verdict": by_milestone.get(m.id, {}).get("verdict"),
                    "mark": by_milestone.get(m.id, {}).get("mark"),
                    "elective": bool(getattr(m, "elective", False)),
                    "options": tuple(cur.milestone_by_id[o].title
                                     for o in getattr(m, "options", ())
                                     if o in cur.milestone_by_id)}
                   for m in fr.gaps[:MAX_GAPS]),
        gaps_total=len(fr.gaps),
        certifications=tuple({"name": c.name, "issuer": c.issuer, "earned": c.earned,
                              "expires": c.expires, "status": cert_status(c.expires, today_s),
                              "source": c.source, **_signature(c, signatures is not None)}
                             for c in doc.certifications),
        verdicts=tuple(verdicts),
        study_total_minutes=sum(s.minutes for s in doc.study_sessions),
        study_recent_minutes=sum(s.minutes for s in doc.study_sessions
                                 if recent_from < s.day <= exported_day.isoformat()),
        study_sessions=len(doc.study_sessions),
        study_weeks=tuple(weeks.items()),
        unknown_milestones=reading.unknown_milestones,
        curriculum_check=check.status, curriculum_text=check.text(),
        integrity_text=integrity_text(reading.integrity),
        signatures_known=signatures is not None,
    )


#: Under the verdicts of a report on a progress file: it carries no signatures for them.
VERDICTS_NOTE = ("These verdicts are copied from the learner's progress file, which carries "
                 "no signatures for them: they are unsigned here, not verified. The mentor's "
                 "signed review files show who gave them.")
#: Under the verdicts of the learner's own report: the app checked each review on import.
SIGNED_VERDICTS_NOTE = ("A verdict is shown as verified only when the mentor's review file "
                        "was signed with the key this app knows for that mentor; it checked "
                        "the signature when the review was imported. Anything else is marked "
                        "as not proven.")


def verdicts_note(d: ReportData) -> str:
    return SIGNED_VERDICTS_NOTE if d.signatures_known else VERDICTS_NOTE


def verdict_summary(d: ReportData) -> str:
    """"2 verified (signed), 1 verified (unsigned), 3 need work" (empty: no verdicts)."""
    counts: dict[str, int] = {}
    for v in d.verdicts:
        counts[v["mark"]] = counts.get(v["mark"], 0) + 1
    parts = []
    for mark in sorted(counts, key=lambda k: (k != "verified", k.startswith("needs"), k)):
        n = counts[mark]
        if mark == "needs work":
            parts.append(f"{n} need{'s' if n == 1 else ''} work")
        else:
            parts.append(f"{n} {mark}")
    return ", ".join(parts)


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def _signature(c: Any, own: bool) -> dict[str, Any]:
    from tracker.exchange import credential_verify as cv

    if own:
        state, key = cv.stored_state(c.verification or "", c.issuer_key, c.raw)
    else:
        check = cv.recheck(c.raw, c.verification or "", c.issuer_key)
        state, key = check.state, check.key_id
    return {"verified": state == cv.VERIFIED, "verification": state, "issuer_key": key,
            "signature": cv.plain(state, key),
            "revocation_unchecked": cv.has_status_list(c.raw)}


#: Under the certifications of every report.
CERTS_NOTE = ("Signatures are checked offline with the key the credential itself carries. "
              "Revocation lists are never checked (they need the network). A certification "
              "that is not signature-verified is the learner's own record: check it with "
              "the issuer before relying on it.")


def cert_evidence(c: dict[str, Any]) -> str:
    """How far a certification is checked, in plain words: "Signature verified (key …)",
    "Signature does not match", "Cannot be checked offline" or "Not signed"; plus
    "revocation not checked" when it names a revocation list."""
    text = str(c.get("signature") or "Not signed")
    if c.get("revocation_unchecked"):
        text += "; revocation not checked"
    return text
