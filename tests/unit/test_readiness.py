"""The readiness engine: exact numbers on a hand-checked pack, and properties on random
curricula and progress (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import readiness as rd
from tracker.curriculum.loader import load_pack
from tracker.curriculum.model import Area, Curriculum, Level, Milestone, Skill

TINY = load_pack(Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_nothing_done_nothing_ready():
    results = rd.readiness(TINY, {})
    assert [r.percent for r in results] == [0.0] * 5
    assert rd.current_level(results) is None


def test_exact_percent_uses_weights_and_cumulative_sets():
    # junior set: venv(1, core) tests(2) build(1) -> 4; mlops adds multi-stage(2, core), packaging(1)
    states = {"python.venv": "done", "python.tests": "done"}
    junior = rd.level_readiness(TINY, states, "junior")
    assert junior.total_weight == 4 and junior.done_weight == 3
    assert junior.percent == 75.0 and junior.ready  # threshold 50, core done
    mlops = rd.level_readiness(TINY, states, "mlops")
    assert mlops.total_weight == 7 and abs(mlops.percent - 300 / 7) < 1e-9
    assert not mlops.ready
    assert rd.current_level(rd.readiness(TINY, states)).id == "junior"


def test_learning_counts_as_not_done():
    states = {"python.venv": "learning", "python.tests": "done", "docker.build": "done"}
    junior = rd.level_readiness(TINY, states, "junior")
    assert junior.percent == 75.0
    assert not junior.ready  # the core milestone is only being learned
    assert junior.core_done == 0 and junior.core_total == 1


def test_threshold_reached_but_core_missing_is_not_ready():
    states = {m.id: "done" for m in TINY.milestones if m.id != "docker.multi-stage"}
    r = rd.level_readiness(TINY, states, "mlops")
    assert r.percent >= 70 and not r.ready
    assert r.gaps[0].id == "docker.multi-stage"


def test_current_level_needs_every_lower_level_ready():
    # everything for mlops done except a junior core milestone
    states = {m.id: "done" for m in TINY.milestones if m.id != "python.venv"}
    results = rd.readiness(TINY, states)
    assert rd.current_level(results) is None


def test_gap_order_core_then_prerequisites_then_level_then_weight():
    # docker.build requires python.venv: while that is not done, it waits behind the rest
    gaps = [m.id for m in rd.level_readiness(TINY, {}, "director").gaps]
    assert gaps == ["python.venv", "docker.multi-stage", "leadership.review", "python.tests",
                    "python.packaging", "docker.scan", "leadership.strategy", "docker.build"]
    gaps = [m.id for m in rd.level_readiness(TINY, {"python.venv": "done"}, "director").gaps]
    assert gaps == ["docker.multi-stage", "leadership.review", "python.tests",
                    "docker.build", "python.packaging", "docker.scan", "leadership.strategy"]


def test_breakdown_per_area():
    states = {"python.venv": "done", "docker.build": "done"}
    by_area = {a.area.id: a for a in rd.breakdown(TINY, states, "junior")}
    assert by_area["programming"].percent == 100 / 3 * 1  # venv 1 of (venv 1 + tests 2)
    assert by_area["ops"].percent == 100.0
    assert set(by_area) == {"programming", "ops"}


def test_pace_and_eta():
    history = [
        rd.StateChange("python.tests", "done", "todo", NOW - timedelta(days=3)),   # +2
        rd.StateChange("docker.scan", "done", "todo", NOW - timedelta(days=10)),   # +3
        rd.StateChange("docker.scan", "todo", "done", NOW - timedelta(days=9)),    # -3
        rd.StateChange("python.venv", "done", "todo", NOW - timedelta(days=40)),   # too old
        rd.StateChange("docker.build", "learning", "todo", NOW - timedelta(days=1)),  # not done
    ]
    states = {"python.tests": "done", "python.venv": "done"}
    p = rd.pace(TINY, history, NOW, states, "mlops")
    assert p.weight_per_week == 0.5  # 2 weight over 4 weeks
    assert p.remaining_weight == 4    # mlops total 7 - done 3
    assert p.eta_weeks == 8.0 and p.eta_days == 56


def test_no_pace_no_eta():
    p = rd.pace(TINY, [], NOW, {}, "senior")
    assert p.weight_per_week == 0 and p.eta_weeks is None


# ------------------------------------------------------------------ properties

@st.composite
def curricula(draw) -> Curriculum:
    n_levels = draw(st.integers(1, 5))
    levels = tuple(Level(f"l{i}", i + 1, f"Level {i}",
                         threshold=float(draw(st.integers(0, 100)))) for i in range(n_levels))
    areas = (Area("a0", "A0"), Area("a1", "A1"))
    skills = (Skill("s0", "a0", "S0"), Skill("s1", "a1", "S1"))
    ms = []
    for i in range(draw(st.integers(n_levels, 30))):
        level = levels[i % n_levels].id if i < n_levels else draw(st.sampled_from(levels)).id
        ms.append(Milestone(f"m{i}", draw(st.sampled_from(["s0", "s1"])), level, f"M {i}",
                            weight=draw(st.integers(1, 5)), core=draw(st.booleans())))
    return Curriculum("gen", "1", "Generated", levels, areas, skills, tuple(ms))


@st.composite
def cur_and_states(draw):
    cur = draw(curricula())
    states = {m.id: draw(st.sampled_from(rd.STATES)) for m in cur.milestones
              if draw(st.booleans())}
    return cur, states


@settings(max_examples=150, deadline=None)
@given(cur_and_states())
def test_percent_is_within_bounds(data):
    cur, states = data
    for r in rd.readiness(cur, states):
        assert 0.0 <= r.percent <= 100.0
        for a in rd.breakdown(cur, states, r.level.id):
            assert 0.0 <= a.percent <= 100.0


@settings(max_examples=150, deadline=None)
@given(cur_and_states(), st.data())
def test_doing_more_never_lowers_readiness(data, more):
    cur, states = data
    before = rd.readiness(cur, states)
    extra = more.draw(st.sampled_from([m.id for m in cur.milestones]))
    after = rd.readiness(cur, {**states, extra: rd.DONE})
    for b, a in zip(before, after, strict=True):
        assert a.percent >= b.percent
        assert a.ready or not b.ready
    rank = lambda lv: lv.rank if lv else 0  # noqa: E731
    assert rank(rd.current_level(after)) >= rank(rd.current_level(before))


@settings(max_examples=100, deadline=None)
@given(curricula())
def test_all_done_is_100_and_ready_everywhere(cur):
    results = rd.readiness(cur, {m.id: rd.DONE for m in cur.milestones})
    assert all(r.percent == 100.0 and r.ready and not r.gaps for r in results)
    assert rd.current_level(results) == cur.levels[-1]


@settings(max_examples=100, deadline=None)
@given(curricula())
def test_learning_everything_is_not_done(cur):
    results = rd.readiness(cur, {m.id: rd.LEARNING for m in cur.milestones})
    assert all(r.percent == 0.0 for r in results)


@settings(max_examples=100, deadline=None)
@given(curricula(), st.data())
def test_ticking_exactly_one_levels_cumulative_set_makes_it_100(cur, data):
    level = data.draw(st.sampled_from(cur.levels))
    states = {m.id: rd.DONE for m in rd.requirement_set(cur, level.id)}
    results = {r.level.id: r for r in rd.readiness(cur, states)}
    assert results[level.id].percent == 100.0 and results[level.id].ready
    for lv in cur.levels:
        if lv.rank < level.rank:
            assert results[lv.id].percent == 100.0
        elif lv.rank > level.rank:
            higher_own = any(m.level == lv.id for m in cur.milestones)
            assert results[lv.id].percent < 100.0 or not higher_own
