"""The readiness engine: (curriculum, progress) -> readiness, gaps, breakdown, pace.

Pure functions over frozen dataclasses, exactly the rules of DESIGN.md (readiness v2):

- units: every active, non-elective milestone that is not an option of a choice, with its
  weight; every choice is one unit with its weight, done when ``pick`` of its options are;
- C(L), the cumulative set: every unit whose level rank <= rank(L); O(L): L's own units;
- percent(L) = 100 * done weight in C(L) / weight of C(L); own_percent(L) the same over
  O(L) (``learning`` is not done);
- ready(L) = O(L) is not empty and percent(L) >= threshold(L) and own_percent(L) >=
  own_threshold(L) and every core unit in C(L) is done;
- current level = the highest ready level with every lower level ready too;
- gaps(L) = C(L)'s not-done units: core first, then those whose prerequisites are done,
  then lower level, then heavier; the not-done electives up to L after all of them;
- pace = done unit weight gained per week over the last 28 days; ETA = remaining / pace.

No Qt, no database; safe to call from any thread. The GUI, the CLI, reports and a mentor's
review all go through these functions, so they all show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.curriculum.model import Area, Choice, Curriculum, Level, Milestone

DONE = "done"
LEARNING = "learning"
TODO = "todo"
STATES = (TODO, LEARNING, DONE)
PACE_WINDOW_DAYS = 28


@dataclass(frozen=True, slots=True)
class Unit:
    """One requirement: a milestone, or a choice (``options`` set, done when ``pick`` of
    them are done). Electives are units too, but never in a requirement set. Shaped like
    a :class:`Milestone` (id, title, skill, level, weight, core, requires) so a gap list
    can be shown the same way whatever it holds."""

    id: str
    title: str
    skill: str
    level: str
    weight: int
    core: bool
    requires: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    pick: int = 1
    elective: bool = False
    suggested: tuple[str, ...] = ()  # for a choice: the options the learner's stack names
    description: str = ""

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True, slots=True)
class LevelReadiness:
    level: Level
    percent: float
    ready: bool
    done_weight: int
    total_weight: int
    core_done: int
    core_total: int
    gaps: tuple[Unit, ...]
    own_percent: float = 0.0
    own_done_weight: int = 0
    own_total_weight: int = 0

    @property
    def remaining_weight(self) -> int:
        return self.total_weight - self.done_weight

    @property
    def own_empty(self) -> bool:
        return self.own_total_weight == 0


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


def stack_matches(value: str, option: Milestone | str) -> bool:
    """Whether a stack value (``gcp``, ``batch``, ``pytorch``) names this option: its id,
    its skill, the first part of its id, or one of the words of the rest of its id (split
    at dots and hyphens). The words of the skill part do not count: ``serving`` names
    ``model-serving.serving-framework`` but not ``model-serving.batch-scoring``."""
    oid = option if isinstance(option, str) else option.id
    skill = "" if isinstance(option, str) else option.skill
    first, _, rest = oid.partition(".")
    if value in (oid, skill, first):
        return True
    words = {w for part in rest.split(".") for w in [part, *part.split("-")]}
    return value in words


def stack_key(choice: Choice) -> str:
    """The stack entry a choice listens to: the first part of its id (``cloud`` for
    ``cloud.managed-endpoint``)."""
    return choice.id.split(".", 1)[0]


def _unit_of_choice(cur: Curriculum, ch: Choice, stack: Mapping[str, str] | None) -> Unit:
    want = (stack or {}).get(ch.id) or (stack or {}).get(stack_key(ch))
    suggested = tuple(o for o in ch.options
                      if want and stack_matches(want, cur.milestone_by_id.get(o, o)))
    requires: list[str] = []
    for o in ch.options:
        m = cur.milestone_by_id.get(o)
        if m is not None and (not suggested or o in suggested):
            requires.extend(r for r in m.requires if r not in requires)
    return Unit(ch.id, ch.title, ch.skill, ch.level, ch.weight, ch.core, tuple(requires),
                ch.options, ch.pick, False, suggested or ch.options, ch.description)


_UNITS: dict[tuple, tuple[Curriculum, tuple[Unit, ...]]] = {}


def units(cur: Curriculum, stack: Mapping[str, str] | None = None) -> list[Unit]:
    """Every unit of the pack, electives included (``elective`` set), in file order.

    Remembered per (curriculum, stack) - both immutable here - because a tick asks for
    them several times; the cache holds the curriculum itself, so an id is never reused
    while it is in there, and keeps a handful of entries."""
    key = (id(cur), tuple(sorted((stack or {}).items())))
    hit = _UNITS.get(key)
    if hit is not None and hit[0] is cur:
        return list(hit[1])
    out = _build_units(cur, stack)
    if len(_UNITS) >= 8:
        _UNITS.clear()
    _UNITS[key] = (cur, tuple(out))
    return out


def _build_units(cur: Curriculum, stack: Mapping[str, str] | None) -> list[Unit]:
    option_of = cur.choice_of
    out: list[Unit] = []
    seen_choices: set[str] = set()
    for m in cur.milestones:
        ch = option_of.get(m.id)
        if ch is None:
            out.append(Unit(m.id, m.title, m.skill, m.level, m.weight, m.core, m.requires,
                            elective=m.elective, description=m.description))
        elif ch.id not in seen_choices:
            seen_choices.add(ch.id)
            out.append(_unit_of_choice(cur, ch, stack))
    for ch in cur.choices:  # a choice whose options are all missing (cannot happen in a
        if ch.id not in seen_choices:  # loaded pack) still counts, never done
            out.append(_unit_of_choice(cur, ch, stack))
    return out


def unit_done(unit: Unit, states: Mapping[str, str]) -> bool:
    if unit.options:
        return sum(1 for o in unit.options if states.get(o) == DONE) >= unit.pick
    return states.get(unit.id) == DONE


def requirement_set(cur: Curriculum, level_id: str,
                    stack: Mapping[str, str] | None = None) -> list[Unit]:
    """C(L): every non-elective unit whose level rank <= rank(L)."""
    rank = cur.rank(level_id)
    return [u for u in units(cur, stack) if not u.elective and cur.rank(u.level) <= rank]


def own_set(cur: Curriculum, level_id: str, stack: Mapping[str, str] | None = None) -> list[Unit]:
    """O(L): the non-elective units of level L alone."""
    return [u for u in units(cur, stack) if not u.elective and u.level == level_id]


def _percent(done: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * done / total


def _met(cur: Curriculum, states: Mapping[str, str], milestone_id: str) -> bool:
    """A prerequisite is met when it is done, or when it is an option of a choice that
    another option already satisfies (requiring the AWS endpoint is met by the Azure one)."""
    if states.get(milestone_id) == DONE:
        return True
    ch = cur.choice_of.get(milestone_id)
    return ch is not None and sum(1 for o in ch.options if states.get(o) == DONE) >= ch.pick


def prerequisites_met(cur: Curriculum, states: Mapping[str, str], unit: Unit) -> bool:
    return all(_met(cur, states, r) for r in unit.requires)


def gap_order(cur: Curriculum, items: Iterable[Unit | Milestone],
              states: Mapping[str, str] | None = None) -> list[Unit | Milestone]:
    """Core first, then those whose prerequisites are done, then lower level, then
    heavier; electives after all of them; the pack's order breaks ties."""
    position = {m.id: i for i, m in enumerate(cur.milestones)}
    for ch in cur.choices:
        position.setdefault(ch.id, min((position.get(o, len(position)) for o in ch.options),
                                       default=len(position)))
    st = states or {}
    return sorted(items, key=lambda u: (
        bool(getattr(u, "elective", False)), not u.core,
        not all(_met(cur, st, r) for r in u.requires), cur.rank(u.level), -u.weight,
        position.get(u.id, len(position))))


def level_readiness(cur: Curriculum, states: Mapping[str, str], level_id: str,
                    stack: Mapping[str, str] | None = None) -> LevelReadiness:
    level = cur.level_by_id[level_id]
    rank = level.rank
    every = units(cur, stack)
    req = [u for u in every if not u.elective and cur.rank(u.level) <= rank]
    done_units = {u.id for u in every if unit_done(u, states)}
    total = sum(u.weight for u in req)
    done = sum(u.weight for u in req if u.id in done_units)
    own = [u for u in req if u.level == level_id]
    own_total = sum(u.weight for u in own)
    own_done = sum(u.weight for u in own if u.id in done_units)
    core = [u for u in req if u.core]
    core_done = sum(1 for u in core if u.id in done_units)
    percent = _percent(done, total)
    own_percent = _percent(own_done, own_total)
    ready = (bool(own) and percent >= level.threshold and own_percent >= level.own_needed
             and core_done == len(core))
    electives = [u for u in every if u.elective and cur.rank(u.level) <= rank
                 and u.id not in done_units]
    gaps = gap_order(cur, [u for u in req if u.id not in done_units], states)
    gaps += gap_order(cur, electives, states)
    return LevelReadiness(
        level=level, percent=percent, ready=ready, done_weight=done, total_weight=total,
        core_done=core_done, core_total=len(core), gaps=tuple(gaps),  # type: ignore[arg-type]
        own_percent=own_percent, own_done_weight=own_done, own_total_weight=own_total)


def percents(cur: Curriculum, states: Mapping[str, str],
             stack: Mapping[str, str] | None = None) -> dict[str, float]:
    """Level id -> readiness_percent(L), the same numbers as :func:`readiness` without the
    gaps and reasons (cheap enough to run before and after every tick). The learner's stack
    only names which option a gap suggests, so it changes no percentage; ``stack`` is
    accepted for the callers that have one. Computed by :class:`CurriculumIndex` (one way to
    count, kept equal to :func:`readiness` by a property test)."""
    return {s.level: s.percent for s in CurriculumIndex.of(cur).summarize(states)}


def needed_milestones(cur: Curriculum, states: Mapping[str, str], level_id: str,
                      stack: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every milestone still needed for L, cumulative: the not-done milestones of C(L)'s
    not-done units, in gap order. A choice that is not met contributes its not-done options
    (only those the learner's stack names, when it names some); electives are never needed."""
    rank = cur.rank(level_id)
    req = [u for u in units(cur, stack) if not u.elective and cur.rank(u.level) <= rank
           and not unit_done(u, states)]
    out: list[str] = []
    for u in gap_order(cur, req, states):
        ids = u.suggested if isinstance(u, Unit) and u.options else (u.id,)
        out.extend(i for i in ids if states.get(i) != DONE and i not in out)
    return tuple(out)


def readiness(cur: Curriculum, states: Mapping[str, str],
              stack: Mapping[str, str] | None = None) -> list[LevelReadiness]:
    """Readiness of every level, in rank order."""
    return [level_readiness(cur, states, lv.id, stack) for lv in cur.levels]


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


def breakdown(cur: Curriculum, states: Mapping[str, str], level_id: str,
              stack: Mapping[str, str] | None = None) -> list[AreaReadiness]:
    """Per-area readiness for a level's requirement set (areas with nothing required omitted)."""
    totals: dict[str, list[int]] = {}
    for u in requirement_set(cur, level_id, stack):
        t = totals.setdefault(cur.skill_by_id[u.skill].area, [0, 0])
        t[1] += u.weight
        if unit_done(u, states):
            t[0] += u.weight
    return [AreaReadiness(a, _percent(*totals[a.id]), totals[a.id][0], totals[a.id][1])
            for a in cur.areas if a.id in totals]


def done_weight(cur: Curriculum, states: Mapping[str, str]) -> int:
    """The done weight of every non-elective unit of the pack."""
    return sum(u.weight for u in units(cur) if not u.elective and unit_done(u, states))


def pace(cur: Curriculum, history: Iterable[StateChange], now: datetime,
         states: Mapping[str, str], target_level: str | None,
         stack: Mapping[str, str] | None = None) -> Pace:
    """Done weight per week over the last 28 days and the ETA for the target level.

    The gain is counted over units: each change in the window is replayed from the state
    before it, so ticking a second cloud option of a one-of choice gains nothing."""
    since = now - timedelta(days=PACE_WINDOW_DAYS)
    window = sorted((ch for ch in history if since <= ch.at <= now), key=lambda c: c.at)
    gained = 0
    if window:
        if cur.choices:
            replay = dict(states)
            for ch in reversed(window):  # back to the states before the window
                replay[ch.milestone] = ch.previous
            before = done_weight(cur, replay)
            for ch in window:
                replay[ch.milestone] = ch.state
            gained = done_weight(cur, replay) - before
        else:
            electives = {m.id for m in cur.milestones if m.elective}
            for ch in window:
                m = cur.milestone_by_id.get(ch.milestone)
                if m is None or m.id in electives:
                    continue
                if ch.state == DONE and ch.previous != DONE:
                    gained += m.weight
                elif ch.previous == DONE and ch.state != DONE:
                    gained -= m.weight
    per_week = max(0.0, gained / (PACE_WINDOW_DAYS / 7))
    remaining = 0
    if target_level and target_level in cur.level_by_id:
        remaining = level_readiness(cur, states, target_level, stack).remaining_weight
    eta = None if per_week <= 0 else remaining / per_week
    return Pace(per_week, remaining, eta)



def stack_options(cur: Curriculum) -> dict[str, list[tuple[str, str]]]:
    """For each stack key (``cloud``, ``serving``...), what a learner can pick, as (value,
    label), from the key's first choice. The value is the option ids' first part when
    those differ (``aws``, ``azure``, ``gcp``), else the first word of each option's own
    slug; the label is the options' skill title when those differ ("Microsoft Azure"),
    else the option's title."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ch in cur.choices:
        key = stack_key(ch)
        if key in out:
            continue
        firsts = [o.split(".", 1)[0] for o in ch.options]
        if len(set(firsts)) != len(firsts):
            firsts = [o.split(".", 1)[-1].split("-")[0] for o in ch.options]
        if len(set(firsts)) != len(firsts):
            firsts = list(ch.options)
        ms = [cur.milestone_by_id.get(o) for o in ch.options]
        skills = [cur.skill_by_id[m.skill].title if m and m.skill in cur.skill_by_id else ""
                  for m in ms]
        distinct = all(skills) and len(set(skills)) == len(skills)
        out[key] = [(v, sk if distinct else (m.title if m else o))
                    for v, sk, m, o in zip(firsts, skills, ms, ch.options, strict=True)]
    return out


# ------------------------------------------------------------------ fast summary
@dataclass(frozen=True, slots=True)
class LevelSummary:
    """A level's readiness without its gaps: what a cohort table needs."""

    level: str
    title: str
    rank: int
    percent: float
    ready: bool


class CurriculumIndex:
    """Per-curriculum numbers for :meth:`summarize`: built once per distinct pack (a
    cohort's files; the skills page's readiness line after every tick).

    ``summarize`` gives exactly :func:`tracker.readiness.readiness`'s percent and ready for
    every level (a property test checks they agree), in O(done milestones) instead of
    O(levels x milestones) plus a sort of the gaps per level.
    """

    _last: CurriculumIndex | None = None  # the index :meth:`of` built most recently

    @classmethod
    def of(cls, cur: Curriculum) -> CurriculumIndex:
        """The index of ``cur``, reused while the same curriculum object is asked for (the
        Store hands out one object per loaded pack)."""
        last = cls._last
        if last is None or last.curriculum is not cur:
            last = cls._last = cls(cur)
        return last

    def __init__(self, cur: Curriculum):
        self.curriculum = cur
        ranks = {lv.id: lv.rank for lv in cur.levels}
        # (rank, weight, core, options or None, pick, milestone id) per non-elective unit
        self.units = [(ranks[u.level], u.weight, u.core, u.options or None, u.pick, u.id)
                      for u in units(cur) if not u.elective]
        self.levels = cur.levels
        # The same units for summarize: each milestone unit under its id (a list, though
        # a loaded pack has one unit per id), each choice apart.
        self.single: dict[str, list[tuple[int, int, bool]]] = {}
        self.choices: list[tuple[int, int, bool, tuple[str, ...], int]] = []
        for rank, weight, core, options, pick, uid in self.units:
            if options is None:
                self.single.setdefault(uid, []).append((rank, weight, core))
            else:
                self.choices.append((rank, weight, core, options, pick))
        self.total: list[int] = []
        self.own_total: list[int] = []
        self.core_total: list[int] = []
        for lv in cur.levels:
            req = [v for v in self.units if v[0] <= lv.rank]
            self.total.append(sum(v[1] for v in req))
            self.own_total.append(sum(v[1] for v in req if v[0] == lv.rank))
            self.core_total.append(sum(1 for v in req if v[2]))

    def summarize(self, states: Mapping[str, str]) -> tuple[LevelSummary, ...]:
        done_w: dict[int, int] = {}
        done_core: dict[int, int] = {}
        # O(done milestones): only a done milestone can make a milestone unit done.
        single = self.single
        for mid, state in states.items():
            if state == DONE and mid in single:
                for rank, weight, core in single[mid]:
                    done_w[rank] = done_w.get(rank, 0) + weight
                    if core:
                        done_core[rank] = done_core.get(rank, 0) + 1
        for rank, weight, core, options, pick in self.choices:
            if sum(1 for o in options if states.get(o) == DONE) >= pick:
                done_w[rank] = done_w.get(rank, 0) + weight
                if core:
                    done_core[rank] = done_core.get(rank, 0) + 1
        out = []
        for i, lv in enumerate(self.levels):
            done_sum = sum(w for r, w in done_w.items() if r <= lv.rank)
            core_sum = sum(c for r, c in done_core.items() if r <= lv.rank)
            total = self.total[i]
            own_total = self.own_total[i]
            percent = 100.0 if total == 0 else 100.0 * done_sum / total
            own = 100.0 if own_total == 0 else 100.0 * done_w.get(lv.rank, 0) / own_total
            out.append(LevelSummary(lv.id, lv.title, lv.rank, percent,
                                    own_total > 0 and percent >= lv.threshold
                                    and own >= lv.own_needed
                                    and core_sum == self.core_total[i]))
        return tuple(out)
