"""The JSON documents ``status --json`` and ``milestones --json`` print, built from plain
data so that a learner's own status and a mentor's review of an export are the same
function of the same input. Pure, Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker import readiness as rd
from tracker.curriculum.model import Curriculum


def round_percent(p: float) -> float:
    return round(p, 2)


def status_document(cur: Curriculum, learner: Mapping[str, Any],
                    states: Mapping[str, str]) -> dict[str, Any]:
    stack = learner.get("stack") if isinstance(learner.get("stack"), Mapping) else None
    results = rd.readiness(cur, states, stack)
    current = rd.current_level(results)
    return {
        "learner": dict(learner),
        "current_level": current.id if current else None,
        "levels": [
            {"id": r.level.id, "title": r.level.title, "rank": r.level.rank,
             "readiness_percent": round_percent(r.percent),
             "own_percent": round_percent(r.own_percent), "ready": r.ready,
             "gaps": [m.id for m in r.gaps]}
            for r in results
        ],
    }


def milestones_document(cur: Curriculum, states: Mapping[str, str],
                        reviews: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    choice_of = cur.choice_of

    def row(m: Any) -> dict[str, Any]:
        ch = choice_of.get(m.id)
        return {"id": m.id, "title": m.title, "skill": m.skill, "area": cur.area_of(m),
                "level": m.level,
                # an option shows its choice's core flag and weight
                "core": ch.core if ch else m.core, "weight": ch.weight if ch else m.weight,
                "state": states.get(m.id, rd.TODO),
                "review": dict(reviews[m.id]) if m.id in reviews else None,
                "elective": m.elective, "choice": ch.id if ch else None,
                "requires": list(m.requires)}

    return {"milestones": [row(m) for m in cur.milestones]}


def gap_title(cur: Curriculum, unit: Any) -> str:
    """A gap as a learner reads it: a choice names its options ("one of") or the option
    their stack picks; an elective says so. Plain text (shown with Qt.PlainText)."""
    if getattr(unit, "options", ()):
        chosen = [cur.milestone_by_id[o].title for o in unit.suggested
                  if o in cur.milestone_by_id]
        if len(chosen) == 1 and len(unit.options) > 1:
            return f"{unit.title}: {chosen[0]}"
        return f"{unit.title} (one of {len(unit.options)})"
    return unit.title


def gap_tags(cur: Curriculum, unit: Any) -> str:
    """"Core · " / "Elective · " / "One of 3 · " then the level title."""
    tags = []
    if unit.core:
        tags.append("Core")
    if getattr(unit, "elective", False):
        tags.append("Elective")
    if getattr(unit, "options", ()):
        tags.append(f"One of {len(unit.options)}")
    tags.append(cur.level_by_id[unit.level].title)
    return " · ".join(tags)


def gap_milestone(unit: Any) -> str:
    """The milestone a gap opens: itself, or the first option the learner's stack picks."""
    options = getattr(unit, "suggested", ()) or getattr(unit, "options", ())
    return options[0] if options else unit.id


def gap_tooltip(cur: Curriculum, unit: Any) -> str:
    lines = [unit.title]
    if getattr(unit, "options", ()):
        lines.append("Any one of these counts:")
        lines += [f"  - {cur.milestone_by_id[o].title}" for o in unit.options
                  if o in cur.milestone_by_id]
    if unit.requires:
        lines.append("Needs first: " + ", ".join(
            cur.milestone_by_id[r].title if r in cur.milestone_by_id else r
            for r in unit.requires))
    return "\n".join(lines)


def bar(percent: float, width: int = 20) -> str:
    filled = int(round(max(0.0, min(100.0, percent)) / 100 * width))
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def status_text(doc: Mapping[str, Any], cur: Curriculum) -> str:
    learner = doc["learner"]
    lines = []
    name = learner.get("name") or "(no name set)"
    target = learner.get("target_level")
    target_title = cur.level_by_id[target].title if target in cur.level_by_id else "not set"
    lines.append(f"Learner: {name}    Target level: {target_title}")
    current = doc["current_level"]
    lines.append("Current level: " + (cur.level_by_id[current].title if current else
                                      "none yet"))
    lines.append("")
    width = max(len(lv["title"]) for lv in doc["levels"]) if doc["levels"] else 10
    electives = {m.id for m in cur.milestones if m.elective}
    lines.append(f"{'Level':<{width}}  {'Readiness':<30}  {'Own':>6}  Ready  Gaps")
    for lv in doc["levels"]:
        mark = "yes" if lv["ready"] else "no"
        required = sum(1 for g in lv["gaps"] if g not in electives)
        own = lv.get("own_percent", lv["readiness_percent"])
        lines.append(f"{lv['title']:<{width}}  {bar(lv['readiness_percent'])} "
                     f"{lv['readiness_percent']:6.1f}%  {own:5.1f}%  {mark:<5}  {required}")
    lines.append("")
    lines.append("Readiness counts everything up to a level; Own counts the level's own "
                 "milestones. Gaps leave out electives.")
    return "\n".join(lines)


EXPIRING_DAYS = 60


def cert_status(expires: str | None, today: str) -> str:
    """``valid``, ``expiring`` (within 60 days) or ``expired``; dates as YYYY-MM-DD."""
    if not expires:
        return "valid"
    from datetime import date, timedelta

    if expires < today:
        return "expired"
    if date.fromisoformat(expires) <= date.fromisoformat(today) + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


def days_left(expires: str | None, today: str) -> int | None:
    """Days from ``today`` to ``expires`` (0 on the day, negative once past; None: never)."""
    if not expires:
        return None
    from datetime import date

    return (date.fromisoformat(expires) - date.fromisoformat(today)).days


def expiry_text(days: int) -> str:
    """How a coming expiry reads: "Expires today", "Expires tomorrow", "Expires in 20 days"."""
    if days <= 0:
        return "Expires today" if days == 0 else "Expired"
    return "Expires tomorrow" if days == 1 else f"Expires in {days} days"
