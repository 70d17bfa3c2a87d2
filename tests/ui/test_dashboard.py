"""The dashboard: numbers equal the readiness engine's, next steps open the Skills page,
pace and ETA, and the heatmap/streak day logic on known data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import shown
from tracker import readiness as rd
from tracker.db.store import Store
from tracker.ui.context import AppContext
from tracker.ui.operations import SetStates, perform
from tracker.ui.pages.dashboard import DashboardPage
from tracker.ui.widgets import fmt_percent
from tracker.ui.widgets.charts import (HEATMAP_WEEKS, active_days, current_streak,
                                       heatmap_start, heatmap_weeks)

NOW = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # a Wednesday


# ------------------------------------------------------------------ pure day logic
def test_active_days_needs_a_done_milestone_or_15_minutes():
    done = {"2025-03-01": 2, "2025-03-02": 0}
    minutes = {"2025-03-03": 15, "2025-03-04": 14, "2025-03-01": 5}
    assert active_days(done, minutes) == {"2025-03-01", "2025-03-03"}


@pytest.mark.parametrize("days, expected", [
    (set(), 0),
    ({"2025-03-12"}, 1),
    ({"2025-03-12", "2025-03-11", "2025-03-10"}, 3),
    ({"2025-03-11", "2025-03-10"}, 2),             # today not yet active: streak still open
    ({"2025-03-12", "2025-03-10", "2025-03-09"}, 1),  # a gap yesterday breaks it
    ({"2025-03-10"}, 0),                           # nothing yesterday or today
])
def test_current_streak(days, expected):
    assert current_streak(days, date(2025, 3, 12)) == expected


def test_heatmap_grid_is_52_weeks_monday_first_ending_today():
    today = date(2025, 3, 12)
    grid = heatmap_weeks(today, {"2025-03-10": 1}, {"2025-03-11": 45, "2025-03-09": 10})
    assert len(grid) == HEATMAP_WEEKS and all(len(col) == 7 for col in grid)
    first = grid[0][0]
    assert first.day == heatmap_start(today) and first.day.weekday() == 0
    assert HEATMAP_WEEKS == 52
    assert first.day == today - timedelta(days=today.weekday()) - timedelta(weeks=51)
    last = grid[-1]
    assert [d.day for d in last[:3]] == [date(2025, 3, 10), date(2025, 3, 11), today]
    assert last[3:] == [None] * 4  # the rest of this week is in the future
    mon, tue, wed = last[:3]
    assert (mon.done, mon.active, mon.intensity) == (1, True, 2)
    assert (tue.minutes, tue.active, tue.intensity) == (45, True, 2)
    assert not wed.active and wed.intensity == 0
    sunday = grid[-2][6]
    assert sunday.day == date(2025, 3, 9) and sunday.minutes == 10 and not sunday.active


# ------------------------------------------------------------------ the page
@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "d", clock=lambda: NOW)
    yield s
    s.close()


@pytest.fixture
def page(qtbot, store):
    ctx = AppContext(store)
    p = DashboardPage(ctx)
    shown(qtbot, ctx, p, (1200, 900))
    return p


def _junior(store, n):
    return [m.id for m in store.curriculum().milestones if m.level == "junior"][:n]


def test_ticking_updates_the_numbers_to_the_engine_percent(page, store):
    cur = store.curriculum()
    assert page.current_label.text() == "None yet"
    assert page.next_label.text() == "Junior MLOps Engineer"
    perform(page.ctx, SetStates(page.ctx, {m: "done" for m in _junior(store, 12)}))
    results = rd.readiness(cur, store.states())
    junior = results[0]
    assert page.next_percent_label.text().startswith(fmt_percent(junior.percent) + " ready")
    assert junior.percent > 0
    rows = page.level_bars.rows()
    assert [r.title for r in rows] == [lv.title for lv in cur.levels]
    assert [round(r.percent, 6) for r in rows] == [round(r.percent, 6) for r in results]
    desc = page.level_bars.accessibleDescription()
    assert f"Junior MLOps Engineer: {fmt_percent(junior.percent)}, not ready" in desc


def test_a_ready_level_gets_its_mark_and_becomes_current(page, store):
    ids = _junior(store, 10_000)
    perform(page.ctx, SetStates(page.ctx, {m: "done" for m in ids}))
    assert page.current_label.text() == "Junior MLOps Engineer"
    assert page.next_label.text() == "MLOps Engineer"
    assert page.level_bars.rows()[0].ready
    assert "Junior MLOps Engineer: 100.0%, ready" in page.level_bars.accessibleDescription()


def test_area_chart_is_for_the_target_level_with_a_text_equivalent(page, store):
    store.set_profile(name="Ada", target_level="senior")
    perform(page.ctx, SetStates(page.ctx, {m: "done" for m in _junior(store, 20)}))
    cur = store.curriculum()
    expected = rd.breakdown(cur, store.states(), "senior")
    desc = page.area_chart.accessibleDescription()
    assert desc == "; ".join(f"{a.area.title} {fmt_percent(a.percent)}" for a in expected)
    assert "Senior MLOps Engineer" in page.area_chart.accessibleName()
    assert page.area_chart.accessibleName()
    # one tooltip per bar
    chart = page.area_chart
    h = chart.height() // len(expected)
    tip = chart.tooltip_at(QPoint(chart.width() // 2, h // 2))
    assert tip.startswith(f"{expected[0].area.title}: {fmt_percent(expected[0].percent)}")
    second = chart.tooltip_at(QPoint(chart.width() // 2, h + h // 2))
    assert second.startswith(expected[1].area.title)


def test_area_chart_follows_the_next_level_without_a_target(page, store):
    assert "Junior MLOps Engineer" in page.area_chart.accessibleName()


def test_next_steps_are_the_target_gaps_and_open_the_skills_page(qtbot, page, store):
    store.set_profile(name="Ada", target_level="mlops")
    page.on_changed(frozenset({"profile"}))
    from tracker.status import gap_milestone

    gaps = rd.level_readiness(store.curriculum(), store.states(), "mlops").gaps
    assert page.step_ids() == [gap_milestone(m) for m in gaps[:5]]  # "one of": first option
    first = page.step_buttons[0]
    assert gaps[0].title in first.full_text()
    with qtbot.waitSignal(page.ctx.navigate) as blocker:
        qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert blocker.args == ["skills", gaps[0].id]
    # keyboard too
    first.setFocus()
    with qtbot.waitSignal(page.ctx.navigate) as blocker:
        qtbot.keyClick(first, Qt.Key.Key_Space)
    assert blocker.args == ["skills", gaps[0].id]


def test_pace_and_eta(page, store):
    assert "0.0 milestone points per week" in page.pace_label.text()
    assert "no estimate" in page.eta_label.text()
    perform(page.ctx, SetStates(page.ctx, {m: "done" for m in _junior(store, 8)}))
    history = store.history(since="2025-02-01T00:00:00Z")
    p = rd.pace(store.curriculum(), history, NOW, store.states(), "junior")
    assert p.weight_per_week > 0
    assert page.pace_label.text().startswith(f"{p.weight_per_week:.1f} milestone points")
    assert page.eta_label.text().startswith("At this pace, Junior MLOps Engineer in about")
    assert f"{p.remaining_weight} points to go" in page.eta_label.text()


def test_heatmap_and_streak_on_known_data(page, store):
    store.add_study_session(20, "2025-03-12")
    store.add_study_session(30, "2025-03-11")
    store.add_study_session(10, "2025-03-10")   # under 15 minutes: does not count
    store.add_study_session(60, "2025-03-09")
    page.on_changed(frozenset({"study"}))
    assert page.streak_label.text() == "Current streak: 2 days"
    perform(page.ctx, SetStates(page.ctx, {_junior(store, 1)[0]: "done"}))  # done today
    by_day = {d.day.isoformat(): d for d in page.heatmap.days()}
    assert by_day["2025-03-12"].active and by_day["2025-03-12"].done == 1
    assert not by_day["2025-03-10"].active and by_day["2025-03-10"].minutes == 10
    assert "current streak 2 days" in page.heatmap.accessibleDescription()
    assert page.heatmap.accessibleName()


def test_hidden_page_defers_work_until_shown(qtbot, page, store):
    page.hide()
    perform(page.ctx, SetStates(page.ctx, {m: "done" for m in _junior(store, 5)}))
    assert page._dirty
    old = page.next_percent_label.text()
    page.show()
    qtbot.waitExposed(page)
    assert not page._dirty
    assert page.next_percent_label.text() != old


def test_irrelevant_changes_do_not_refresh(page, store):
    data = page.data
    page.on_changed(frozenset({"notes"}))  # certifications and reviews have cards now
    assert page.data is data


def test_link_button_shows_ampersands_literally(qtbot):
    from tracker.ui.widgets import LinkButton

    b = LinkButton("Track runs in MLflow or Weights & Biases")
    qtbot.addWidget(b)
    b.resize(600, 30)
    b.show()
    assert "Weights && Biases" in b.text()  # doubled: Qt shows one literal "&"
    assert b.full_text() == "Track runs in MLflow or Weights & Biases"


def test_all_still_needed_link_opens_the_cumulative_filter(qtbot, page, store):
    """Issue 14: the dashboard reaches the view of everything still needed for the target."""
    from tracker.ui.models.skill_tree import TreeFilter

    store.set_profile(name="Ada", target_level="senior")
    page.on_changed(frozenset({"profile"}))
    r = rd.level_readiness(store.curriculum(), store.states(), "senior")
    required = sum(1 for g in r.gaps if not g.elective)
    link = page.needed_link
    assert not link.isHidden()
    assert link.full_text() == f"All {required} still needed for Senior MLOps Engineer"
    with qtbot.waitSignal(page.ctx.navigate) as blocker:
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert blocker.args == ["skills", TreeFilter(needed_for="senior")]


class _Days:
    """A store's day queries over fixed data, recording which were asked."""

    def __init__(self, done: dict[str, int], minutes: dict[str, int]):
        self.done, self.minutes, self.asked = done, minutes, []

    def done_days(self, since: str) -> dict[str, int]:
        self.asked.append(("done_days", since))
        return {d: n for d, n in self.done.items() if d >= since}

    def study_minutes_by_day(self, since: str) -> dict[str, int]:
        return {d: m for d, m in self.minutes.items() if d >= since}

    def streak_before(self, day: str, min_minutes: int) -> int:
        self.asked.append(("streak_before", day))
        before = date.fromisoformat(day) - timedelta(days=1)
        active = active_days(self.done, self.minutes, min_minutes)
        return current_streak(active, before) if before.isoformat() in active else 0


@pytest.mark.parametrize("streak_days", [0, 1, 30, 300, 362, 363, 364, 365, 400, 1000])
def test_the_dashboard_reads_a_year_of_days_unless_the_streak_is_longer(streak_days):
    """The streak and the heatmap are those of the whole history; only a streak that
    reaches the heatmap's first day makes the dashboard count on before it."""
    from tracker.ui.pages.dashboard import active_history

    today = date(2025, 3, 12)
    done = {(today - timedelta(days=i)).isoformat(): 1 for i in range(streak_days)}
    done.update({(today - timedelta(days=i)).isoformat(): 2 for i in range(1500, 1600)})
    minutes = {(today - timedelta(days=i)).isoformat(): 20 for i in range(streak_days + 1,
                                                                          streak_days + 5)}
    store = _Days(done, minutes)
    got_done, got_minutes, streak = active_history(store, today)
    whole = active_days(done, minutes)
    assert streak == current_streak(whole, today)
    assert heatmap_weeks(today, got_done, got_minutes) == heatmap_weeks(today, done, minutes)
    start = heatmap_start(today).isoformat()
    assert all(since >= start for _, since in store.asked)  # never the whole history
    counted_on = any(what == "streak_before" for what, _ in store.asked)
    if streak_days <= 300:
        assert not counted_on
    if streak_days >= 400:
        assert counted_on


def test_the_database_counts_a_streak_as_the_dashboard_does(store):
    """Store.streak_before (SQL, a day per index lookup) agrees with the day logic."""
    import sqlite3

    from tracker.ui.widgets.charts import MIN_STUDY_MINUTES

    day0 = date(2025, 3, 12)
    rows, sessions = [], []
    for i in range(0, 200):
        d = day0 - timedelta(days=i)
        if i in (40, 41, 120):
            continue  # gaps
        if i % 3:
            rows.append(("python.venv", "done" if i % 2 else "learning", "todo",
                         f"{d.isoformat()}T{i % 24:02d}:00:00.000000Z"))
        if i % 3 == 0 or i % 4 == 0:
            sessions.append((d.isoformat(), 15 if i % 5 else 14))
    con = sqlite3.connect(store.path)
    with con:
        con.executemany("INSERT INTO progress_event (milestone_id, state, previous_state, at,"
                        " source) VALUES (?, ?, ?, ?, 'test')", rows)
        con.executemany("INSERT INTO study_session (day, minutes, skill_id, note, created_at)"
                        " VALUES (?, ?, NULL, '', '2025-01-01T00:00:00Z')", sessions)
    con.close()
    active = active_days(store.done_days("0001-01-01"), store.study_minutes_by_day("0001"))
    for i in (0, 1, 2, 5, 30, 39, 40, 42, 43, 100, 121, 199, 250):
        day = day0 - timedelta(days=i)
        expected = current_streak(active, day - timedelta(days=1)) if \
            (day - timedelta(days=1)).isoformat() in active else 0
        assert store.streak_before(day.isoformat(), MIN_STUDY_MINUTES) == expected, i
