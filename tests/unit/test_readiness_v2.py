"""Readiness v2 (DESIGN.md, Readiness): choices, electives, own-level depth and
prerequisites, on a hand-checked format-2 pack and as properties on random packs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import readiness as rd
from tracker.curriculum.loader import CurriculumError, load_pack, parse_pack, parse_toml_text
from tracker.curriculum.model import Area, Choice, Curriculum, Level, Milestone, Skill
from tracker.exchange.progress import CurriculumIndex

TINY2 = load_pack(Path(__file__).resolve().parent.parent / "fixtures" / "tiny2.toml")
DONE = rd.DONE
JUNIOR_ALL = ("python.venv", "python.tests")


def by_level(cur, states, stack=None):
    return {r.level.id: r for r in rd.readiness(cur, states, stack)}


def test_any_cloud_satisfies_the_cloud_choice():
    for cloud in ("aws", "azure", "gcp"):
        states = {m: DONE for m in JUNIOR_ALL} | {f"{cloud}.storage": DONE}
        junior = by_level(TINY2, states)["junior"]
        assert junior.percent == 100.0 and junior.ready, cloud
        assert rd.current_level(rd.readiness(TINY2, states)).id == "junior"


def test_two_clouds_count_once():
    states = {"aws.storage": DONE, "gcp.storage": DONE}
    junior = by_level(TINY2, states)["junior"]
    assert junior.done_weight == 1 and junior.total_weight == 4


def test_batch_or_online_satisfies_the_serving_choice():
    base = {m: DONE for m in JUNIOR_ALL} | {"azure.storage": DONE, "serving.pipeline": DONE}
    for mode in ("serving.batch-scoring", "serving.online-canary"):
        mlops = by_level(TINY2, base | {mode: DONE})["mlops"]
        assert mlops.ready and mlops.percent == 100.0, mode
    assert not by_level(TINY2, base)["mlops"].ready


def test_electives_are_outside_every_requirement_set():
    results = by_level(TINY2, {"python.scala": DONE, "serving.lora": DONE})
    assert all(r.done_weight == 0 for r in results.values())
    assert "python.scala" not in [g.id for g in results["mlops"].gaps]
    results = by_level(TINY2, {})
    gaps = [g.id for g in results["mlops"].gaps]
    assert gaps[-2:] == ["python.scala", "serving.lora"]  # suggested after every required gap
    assert all(not g.elective for g in results["mlops"].gaps[:-2])


def test_own_level_depth_the_cumulative_set_cannot_dilute():
    # everything below senior plus one of senior's own units (2 of 5): 10/13 = 76.9% < 80
    below = {m: DONE for m in JUNIOR_ALL} | {"gcp.storage": DONE, "serving.pipeline": DONE,
                                             "serving.batch-scoring": DONE}
    senior = by_level(TINY2, below | {"python.standards": DONE})["senior"]
    assert senior.own_percent == 40.0 and not senior.ready
    # the heavier own unit: 11/13 = 84.6% >= 80 and own 60% >= own_threshold 60
    senior = by_level(TINY2, below | {"serving.architecture": DONE})["senior"]
    assert senior.own_percent == 60.0 and senior.ready


def test_own_threshold_defaults_to_the_threshold():
    assert TINY2.level_by_id["mlops"].own_needed == 80.0
    assert TINY2.level_by_id["senior"].own_needed == 60.0


def test_a_level_with_no_own_units_makes_nobody_that_level():
    cur = Curriculum("p", "1", "P", (Level("a", 1, "A", threshold=0), Level("b", 2, "B", threshold=0)),
                     (Area("x", "X"),), (Skill("s", "x", "S"),),
                     (Milestone("s.one", "s", "a", "One"), Milestone("s.two", "s", "b", "Two",
                                                                     elective=True)), format=2)
    results = by_level(cur, {"s.one": DONE, "s.two": DONE})
    assert results["a"].ready and not results["b"].ready


def test_gaps_core_first_then_prerequisites_met_then_level_then_weight():
    # serving.online-canary requires python.venv; with nothing done, the serving choice (its
    # options' prerequisites unmet) still comes before non-core units because it is core
    gaps = [g.id for g in by_level(TINY2, {})["senior"].gaps]
    assert gaps[:4] == ["python.venv", "cloud.storage", "serving.mode", "serving.pipeline"]
    assert gaps[4:7] == ["python.tests", "serving.architecture", "python.standards"]


def test_a_prerequisite_on_one_option_is_met_by_another_option():
    # serving.pipeline requires aws.storage; an Azure learner has met it
    unit = next(u for u in rd.units(TINY2) if u.id == "serving.pipeline")
    assert rd.prerequisites_met(TINY2, {"azure.storage": DONE}, unit)
    assert not rd.prerequisites_met(TINY2, {}, unit)


def test_a_choice_gap_names_the_learners_option():
    gap = next(g for g in by_level(TINY2, {}, {"cloud": "gcp"})["junior"].gaps
               if g.id == "cloud.storage")
    assert gap.suggested == ("gcp.storage",)
    gap = next(g for g in by_level(TINY2, {})["junior"].gaps if g.id == "cloud.storage")
    assert gap.suggested == ("aws.storage", "azure.storage", "gcp.storage")


def test_pace_counts_a_choice_once():
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 30, tzinfo=UTC)
    history = [rd.StateChange("aws.storage", DONE, "todo", now - timedelta(days=3)),
               rd.StateChange("gcp.storage", DONE, "todo", now - timedelta(days=2)),
               rd.StateChange("python.scala", DONE, "todo", now - timedelta(days=1))]
    states = {"aws.storage": DONE, "gcp.storage": DONE, "python.scala": DONE}
    assert rd.pace(TINY2, history, now, states, "junior").weight_per_week == 0.25


def test_certification_status_is_loaded():
    old = TINY2.certification_by_id["aws-ml-specialty"]
    assert old.retired and old.retired_on == "2026-03-31"
    assert old.replaced_by == "aws-ml-engineer" and old.last_verified == "2026-11-01"
    assert not TINY2.certification_by_id["aws-ml-engineer"].retired


def test_format_2_round_trips_and_format_1_keeps_its_shape():
    again = parse_pack(TINY2.to_dict())
    assert again == TINY2 and again.content_hash == TINY2.content_hash
    tiny1 = load_pack(Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml")
    assert tiny1.format == 1 and "choices" not in tiny1.to_dict()
    assert "elective" not in tiny1.to_dict()["milestones"][0]


# ------------------------------------------------------------------ loader problems
BASE = TINY2.to_dict()


def problems(mutate) -> list[str]:
    import copy

    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(CurriculumError) as info:
        parse_pack(data)
    return [str(p) for p in info.value.problems]


def test_an_option_in_two_choices_is_a_problem():
    def two(d):
        d["choices"][1]["options"].append("aws.storage")
    assert any("already an option of choice 'cloud.storage'" in p for p in problems(two))


def test_an_option_at_another_level_is_a_problem():
    def other(d):
        d["choices"][0]["options"].append("serving.architecture")
    assert any("is at level 'senior', the choice at 'junior'" in p for p in problems(other))


def test_an_option_with_its_own_core_flag_is_a_problem():
    def core(d):
        d["milestones"][2]["core"] = True
    assert any("no weight or core flag of its own" in p for p in problems(core))


def test_replacing_a_milestone_still_in_the_pack_is_a_problem():
    def keep(d):
        d["milestones"][1]["replaces"] = ["python.venv"]
    assert any("still in the pack" in p for p in problems(keep))


def test_a_retired_certification_needs_its_date():
    def undated(d):
        del d["certifications"][0]["retired_on"]
    assert any("needs retired_on" in p for p in problems(undated))


def test_a_newer_format_is_refused_with_both_versions():
    def newer(d):
        d["format"] = 3
    assert any("format 3 is newer than this app reads (format 2)" in p for p in problems(newer))


def test_format_2_keys_in_a_format_1_pack_are_unknown():
    text = (Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml").read_text()
    text = text.replace('title = "Create a virtual environment"',
                        'title = "Create a virtual environment"\nelective = true')
    with pytest.raises(CurriculumError, match="unknown key 'elective'"):
        parse_toml_text(text)


# ------------------------------------------------------------------ properties
@st.composite
def packs(draw) -> Curriculum:
    n_levels = draw(st.integers(1, 4))
    levels = tuple(Level(f"l{i}", i + 1, f"Level {i}",
                         threshold=float(draw(st.integers(0, 100))),
                         own_threshold=draw(st.one_of(st.none(), st.integers(0, 100).map(float))))
                   for i in range(n_levels))
    ms: list[Milestone] = []
    choices: list[Choice] = []
    for i in range(draw(st.integers(n_levels, 24))):
        level = levels[i % n_levels].id if i < n_levels else draw(st.sampled_from(levels)).id
        ms.append(Milestone(f"m{i}", "s", level, f"M {i}", weight=draw(st.integers(1, 5)),
                            core=draw(st.booleans()), elective=i >= n_levels and draw(st.booleans())))
    # a few choices over the non-elective, non-core milestones of one level
    free = [m for m in ms[n_levels:] if not m.elective]
    for level in levels:
        pool = [m for m in free if m.level == level.id]
        if len(pool) >= 2 and draw(st.booleans()):
            opts = pool[:draw(st.integers(2, len(pool)))]
            choices.append(Choice(f"c.{level.id}", "s", level.id, "C", tuple(o.id for o in opts),
                                  weight=draw(st.integers(1, 5)), core=draw(st.booleans()),
                                  pick=draw(st.integers(1, len(opts)))))
    options = {o for c in choices for o in c.options}
    ms = [Milestone(m.id, m.skill, m.level, m.title, weight=1, core=False) if m.id in options
          else m for m in ms]
    return Curriculum("gen", "1", "Generated", levels, (Area("a", "A"),), (Skill("s", "a", "S"),),
                      tuple(ms), choices=tuple(choices), format=2)


@st.composite
def pack_and_states(draw):
    cur = draw(packs())
    states = {m.id: draw(st.sampled_from(rd.STATES)) for m in cur.milestones
              if draw(st.booleans())}
    return cur, states


@settings(max_examples=150, deadline=None)
@given(pack_and_states())
def test_percents_are_within_bounds(data):
    cur, states = data
    for r in rd.readiness(cur, states):
        assert 0.0 <= r.percent <= 100.0 and 0.0 <= r.own_percent <= 100.0
        assert r.ready <= (r.own_total_weight > 0)


@settings(max_examples=150, deadline=None)
@given(pack_and_states(), st.data())
def test_doing_more_never_lowers_readiness(data, more):
    cur, states = data
    before = rd.readiness(cur, states)
    extra = more.draw(st.sampled_from([m.id for m in cur.milestones]))
    after = rd.readiness(cur, {**states, extra: DONE})
    for b, a in zip(before, after, strict=True):
        assert a.percent >= b.percent and a.own_percent >= b.own_percent
        assert a.ready or not b.ready


@settings(max_examples=150, deadline=None)
@given(pack_and_states(), st.data())
def test_electives_never_change_readiness(data, more):
    cur, states = data
    electives = [m.id for m in cur.milestones if m.elective]
    if not electives:
        return
    flip = more.draw(st.sampled_from(electives))
    a = rd.readiness(cur, {**states, flip: DONE})
    b = rd.readiness(cur, {**states, flip: rd.TODO})
    assert [(r.percent, r.own_percent, r.ready) for r in a] == \
        [(r.percent, r.own_percent, r.ready) for r in b]


@settings(max_examples=100, deadline=None)
@given(packs())
def test_all_done_is_100_and_ready_where_a_level_has_own_units(cur):
    results = rd.readiness(cur, {m.id: DONE for m in cur.milestones})
    for r in results:
        assert r.percent == 100.0 and not r.gaps
        assert r.ready == (r.own_total_weight > 0)


@settings(max_examples=100, deadline=None)
@given(packs(), st.data())
def test_one_option_per_choice_is_enough(cur, data):
    states = {u.id: DONE for u in rd.units(cur) if not u.options and not u.elective}
    for ch in cur.choices:
        for o in data.draw(st.permutations(ch.options))[:ch.pick]:
            states[o] = DONE
    assert all(r.percent == 100.0 for r in rd.readiness(cur, states))


@settings(max_examples=150, deadline=None)
@given(pack_and_states())
def test_the_cohort_index_agrees_with_the_engine(data):
    cur, states = data
    fast = CurriculumIndex(cur).summarize(states)
    full = rd.readiness(cur, states)
    assert [(s.level, s.percent, s.ready) for s in fast] == \
        [(r.level.id, r.percent, r.ready) for r in full]


def test_needed_milestones_are_the_cumulative_gaps_without_electives():
    """Issue 14's "Needed for" view: C(L)'s not-done units, a choice as its options."""
    needed = rd.needed_milestones(TINY2, {}, "mlops")
    gaps = [g for g in by_level(TINY2, {})["mlops"].gaps if not g.elective]
    expected: list[str] = []
    for g in gaps:
        expected += list(g.options) if g.options else [g.id]
    assert list(needed) == expected                    # gap order, options in pack order
    assert "python.scala" not in needed and "serving.lora" not in needed
    assert {"aws.storage", "azure.storage", "gcp.storage"} <= set(needed)
    # one cloud done: the cloud choice is met and none of its options is needed
    after = rd.needed_milestones(TINY2, {"gcp.storage": DONE, "python.venv": DONE}, "mlops")
    assert not {"aws.storage", "azure.storage", "gcp.storage", "python.venv"} & set(after)
    # the stack narrows a choice that is not met to the learner's option
    stacked = rd.needed_milestones(TINY2, {}, "mlops", {"cloud": "azure"})
    assert "azure.storage" in stacked and "aws.storage" not in stacked
    # the junior set is included in the mlops one (cumulative)
    assert set(rd.needed_milestones(TINY2, {}, "junior")) < set(needed)


@pytest.mark.parametrize("states", [{}, {"gcp.storage": DONE, "python.venv": DONE},
                                    {"python.scala": DONE, "serving.pipeline": DONE}])
def test_percents_equal_the_full_readiness(states):
    assert rd.percents(TINY2, states) == {r.level.id: r.percent
                                          for r in rd.readiness(TINY2, states)}
