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
