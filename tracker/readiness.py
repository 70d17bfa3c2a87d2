"""The readiness engine: (curriculum, progress) -> readiness, gaps, breakdown, pace.

Pure functions over frozen dataclasses, exactly the rules of DESIGN.md:

- the requirement set of level L is every active milestone whose level rank <= rank(L);
- percent(L) = 100 * done weight in the set / weight of the set (``learning`` is not done);
- ready(L) = percent(L) >= threshold(L) and every core milestone in the set is done;
- current level = the highest ready level with every lower level ready too;
- gaps(L) = the set's not-done milestones: core first, then lower level, then heavier;
- pace = done weight gained per week over the last 28 days; ETA = remaining / pace.

No Qt, no database; safe to call from any thread. The GUI, the CLI, reports and a mentor's
review all go through these functions, so they all show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.curriculum.model import Area, Curriculum, Level, Milestone

DONE = "done"
LEARNING = "learning"
TODO = "todo"
STATES = (TODO, LEARNING, DONE)
PACE_WINDOW_DAYS = 28


@dataclass(frozen=True, slots=True)
class LevelReadiness:
    level: Level
    percent: float
    ready: bool
    done_weight: int
    total_weight: int
    core_done: int
    core_total: int
    gaps: tuple[Milestone, ...]

    @property
    def remaining_weight(self) -> int:
        return self.total_weight - self.done_weight


@dataclass(frozen=True, slots=True)
class AreaReadiness:
    area: Area
    percent: float
    done_weight: int
    total_weight: int


@dataclass(frozen=True, slots=True)
class StateChange:
    """One entry of the progress history, as the pace computation needs it."""

    milestone: str
    state: str
    previous: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Pace:
    weight_per_week: float
    remaining_weight: int
    eta_weeks: float | None

    @property
    def eta_days(self) -> int | None:
        return None if self.eta_weeks is None else max(0, round(self.eta_weeks * 7))


def is_done(states: Mapping[str, str], milestone_id: str) -> bool:
    return states.get(milestone_id) == DONE


def requirement_set(cur: Curriculum, level_id: str) -> list[Milestone]:
    rank = cur.rank(level_id)
    return [m for m in cur.milestones if cur.rank(m.level) <= rank]


def _percent(done: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * done / total


def gap_order(cur: Curriculum, milestones: Iterable[Milestone]) -> list[Milestone]:
    position = {m.id: i for i, m in enumerate(cur.milestones)}
    return sorted(milestones, key=lambda m: (not m.core, cur.rank(m.level), -m.weight,
                                             position[m.id]))


def level_readiness(cur: Curriculum, states: Mapping[str, str], level_id: str) -> LevelReadiness:
    level = cur.level_by_id[level_id]
    req = requirement_set(cur, level_id)
    total = sum(m.weight for m in req)
    done = sum(m.weight for m in req if is_done(states, m.id))
    core = [m for m in req if m.core]
    core_done = sum(1 for m in core if is_done(states, m.id))
    percent = _percent(done, total)
    return LevelReadiness(
        level=level, percent=percent,
        ready=percent >= level.threshold and core_done == len(core),
        done_weight=done, total_weight=total, core_done=core_done, core_total=len(core),
        gaps=tuple(gap_order(cur, (m for m in req if not is_done(states, m.id)))))


def readiness(cur: Curriculum, states: Mapping[str, str]) -> list[LevelReadiness]:
    """Readiness of every level, in rank order."""
    return [level_readiness(cur, states, lv.id) for lv in cur.levels]


def current_level(results: Iterable[LevelReadiness]) -> Level | None:
    """The highest ready level with every lower level ready too (None at the start)."""
    current = None
    for r in sorted(results, key=lambda r: r.level.rank):
        if not r.ready:
            break
        current = r.level
    return current


def next_level(cur: Curriculum, current: Level | None) -> Level | None:
    for lv in cur.levels:
        if current is None or lv.rank > current.rank:
            return lv
    return None


def breakdown(cur: Curriculum, states: Mapping[str, str], level_id: str) -> list[AreaReadiness]:
    """Per-area readiness for a level's requirement set (areas with nothing required omitted)."""
    totals: dict[str, list[int]] = {}
    for m in requirement_set(cur, level_id):
        t = totals.setdefault(cur.area_of(m), [0, 0])
        t[1] += m.weight
        if is_done(states, m.id):
            t[0] += m.weight
    return [AreaReadiness(a, _percent(*totals[a.id]), totals[a.id][0], totals[a.id][1])
            for a in cur.areas if a.id in totals]


def pace(cur: Curriculum, history: Iterable[StateChange], now: datetime,
         states: Mapping[str, str], target_level: str | None) -> Pace:
    """Done weight per week over the last 28 days and the ETA for the target level."""
    since = now - timedelta(days=PACE_WINDOW_DAYS)
    gained = 0
    for ch in history:
        if not since <= ch.at <= now:
            continue
        m = cur.milestone_by_id.get(ch.milestone)
        if m is None:
            continue
        if ch.state == DONE and ch.previous != DONE:
            gained += m.weight
        elif ch.previous == DONE and ch.state != DONE:
            gained -= m.weight
    per_week = max(0.0, gained / (PACE_WINDOW_DAYS / 7))
    remaining = 0
    if target_level and target_level in cur.level_by_id:
        remaining = level_readiness(cur, states, target_level).remaining_weight
    eta = None if per_week <= 0 else remaining / per_week
    return Pace(per_week, remaining, eta)
