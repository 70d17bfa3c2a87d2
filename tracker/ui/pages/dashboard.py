"""The dashboard: where the learner stands, what to do next, how fast they are going.

Reads the Store (a few ms) and runs the pure readiness engine on the GUI thread; refreshes
only when a relevant kind changed, and only when visible (otherwise it marks itself dirty and
refreshes on its next ``showEvent``). GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from tracker import readiness as rd
from tracker.status import gap_milestone, gap_tags, gap_title, gap_tooltip
from tracker.curriculum.model import Curriculum, Level
from tracker.ui import theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.models.skill_tree import TreeFilter
from tracker.ui.pages.base import Page
from tracker.ui.pages.onboarding import ChecklistCard, checklist
from tracker.ui.pages.dashboard_cards import (ExpiringCertsCard, MentorFeedbackCard,
                                             expiring_soon, needs_work)
from tracker.ui.widgets import Card, LinkButton, breakable, fmt_percent, label
from tracker.ui.widgets.charts import (AreaChart, AreaRow, LevelBars, LevelRow, StudyHeatmap,
                                       MIN_STUDY_MINUTES, current_streak, active_days,
                                       heatmap_start,
                                       heatmap_weeks)
from tracker.ui.widgets.study_totals import heat_totals_text

NEXT_STEPS = 5
RELEVANT = frozenset({Kinds.PROGRESS, Kinds.PROFILE, Kinds.STUDY, Kinds.CURRICULUM,
                      Kinds.CERTS, Kinds.REVIEWS})


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows, computed from plain Store data (no Qt)."""

    cur: Curriculum
    name: str
    results: list[rd.LevelReadiness]
    current: Level | None
    next: Level | None
    focus: Level | None            # the target level, else the next level
    target_set: bool
    breakdown: list[rd.AreaReadiness]
    steps: list[rd.Unit]
    pace: rd.Pace | None
    today: date
    heat: list
    streak: int
    expiring: list = field(default_factory=list)      # dashboard_cards.Expiring
    feedback: list = field(default_factory=list)      # (Milestone, Review) needing work
    getting_started: list = field(default_factory=list)  # onboarding.Step x 3


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def active_history(store, today: date) -> tuple[dict[str, int], dict[str, int], int]:
    """Milestones done and study minutes per day over the heatmap's weeks, and the current
    streak. When the streak reaches back to the heatmap's first day (it may be longer than
    the heatmap shows), the store counts on from there, a day per index lookup: a long
    history costs the dashboard a year of days, not all of them."""
    start = heatmap_start(today)
    done = store.done_days(start.isoformat())
    minutes = store.study_minutes_by_day(start.isoformat())
    active = active_days(done, minutes)
    streak = current_streak(active, today)
    last = today if today.isoformat() in active else today - timedelta(days=1)
    if last - timedelta(days=streak) < start:  # every day from the first one is active
        streak += store.streak_before(start.isoformat(), MIN_STUDY_MINUTES)
    return done, minutes, streak


def load(store) -> DashboardData:
    """Read the store and compute the dashboard (a few ms; any thread that owns the store)."""
    from tracker.db.store import iso

    cur = store.curriculum()
    states = store.states()
    profile = store.profile()
    now = _parse(store.now())
    today = now.date()
    results = rd.readiness(cur, states, profile.stack_map)
    current = rd.current_level(results)
    nxt = rd.next_level(cur, current)
    target_set = bool(profile.target_level and profile.target_level in cur.level_by_id)
    focus = cur.level_by_id[profile.target_level] if target_set else nxt
    by_id = {r.level.id: r for r in results}
    pace = steps = None
    area: list[rd.AreaReadiness] = []
    if focus is not None:
        area = rd.breakdown(cur, states, focus.id)
        steps = list(by_id[focus.id].gaps[:NEXT_STEPS])
        history = store.history(since=iso(now - timedelta(days=rd.PACE_WINDOW_DAYS)))
        pace = rd.pace(cur, history, now, states, focus.id)
    done, minutes, streak = active_history(store, today)
    return DashboardData(
        cur=cur, name=profile.name, results=results, current=current, next=nxt, focus=focus,
        target_set=target_set, breakdown=area, steps=steps or [], pace=pace, today=today,
        heat=heatmap_weeks(today, done, minutes), streak=streak,
        expiring=expiring_soon(store.certifications(), today),
        feedback=needs_work(store.reviews(), cur),
        getting_started=checklist(states, profile.target_level, any(minutes.values()),
                                  cur.level_by_id))


def pace_text(d: DashboardData) -> tuple[str, str]:
    """(pace line, ETA line) in words."""
    if d.focus is None or d.pace is None:
        return "", ""
    per_week = d.pace.weight_per_week
    pace = (f"{per_week:.1f} milestone points per week over the last "
            f"{rd.PACE_WINDOW_DAYS} days")
    title = d.focus.title
    if d.pace.remaining_weight == 0:
        eta = f"Every milestone for {title} is done."
    elif d.pace.eta_weeks is None:
        eta = (f"No milestones done in the last {rd.PACE_WINDOW_DAYS} days, so no estimate "
               f"yet for {title} ({d.pace.remaining_weight} points to go).")
    else:
        days = d.pace.eta_days or 0
        when = d.today + timedelta(days=days)
        span = (f"about {days} days" if days < 14 else f"about {round(days / 7)} weeks"
                if days < 120 else f"about {round(days / 30.4)} months")
        eta = (f"At this pace, {title} in {span} (around {when.isoformat()}); "
               f"{d.pace.remaining_weight} points to go.")
    return pace, eta


class _Stat(QWidget):
    """A caption over a big value over a detail line."""

    def __init__(self, caption: str):
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.caption = label(caption, role="muted")
        self.value = label("", point_delta=4, bold=True, wrap=True)
        self.detail = label("", wrap=True)
        for w in (self.caption, self.value, self.detail):
            lay.addWidget(w)
        lay.addStretch(1)


class DashboardPage(Page):
    title = "Dashboard"
    object_name = "dashboardPage"
    relevant = RELEVANT

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._dirty = True
        self._wide: bool | None = None
        self.data: DashboardData | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pageScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)
        body = QWidget()
        self.scroll.setWidget(body)
        self.grid = QGridLayout(body)
        m = theme.MARGIN
        self.grid.setContentsMargins(m, m, m, m)
        self.grid.setSpacing(theme.SPACING)

        # summary
        self.summary = Card()
        self.name_label = label("", point_delta=6, bold=True, wrap=True)
        self.name_label.setObjectName("learnerName")
        # A long name wraps instead of widening the page past the window.
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                      QSizePolicy.Policy.Minimum)
        self.summary.body.addWidget(self.name_label)
        stats = QHBoxLayout()
        stats.setSpacing(theme.SPACING * 2)
        self.current_stat = _Stat("Current level")
        self.next_stat = _Stat("Next level")
        self.target_stat = _Stat("Target level")
        for s in (self.current_stat, self.next_stat, self.target_stat):
            stats.addWidget(s, 1)
        self.summary.body.addLayout(stats)
        # aliases the tests and screen readers rely on
        self.current_label = self.current_stat.value
        self.next_label = self.next_stat.value
        self.next_percent_label = self.next_stat.detail
        self.target_label = self.target_stat.value
        self.target_percent_label = self.target_stat.detail

        # levels
        self.levels_card = Card("Readiness per level")
        self.level_bars = LevelBars()
        self.levels_card.body.addWidget(self.level_bars)
        self.levels_note = label("The tick on each bar marks the level's threshold; a level is "
                                 "ready at its threshold, with its own milestones at their "
                                 "threshold too and every core milestone done.",
                                 role="muted", wrap=True)
        self.levels_card.body.addWidget(self.levels_note)

        # per-area chart
        self.area_card = Card("Readiness by area")
        self.area_chart = AreaChart()
        self.area_card.body.addWidget(self.area_chart)

        # next steps
        self.steps_card = Card("Next steps")
        self.steps_box = QVBoxLayout()
        self.steps_box.setSpacing(2)
        self.steps_card.body.addLayout(self.steps_box)
        self.step_buttons: list[LinkButton] = []
        self.step_details = []
        for _ in range(NEXT_STEPS):
            b = LinkButton()
            b.clicked.connect(self._open_step)
            detail = label("", role="muted")
            self.steps_box.addWidget(b)
            self.steps_box.addWidget(detail)
            self.step_buttons.append(b)
            self.step_details.append(detail)
        self.steps_empty = label("", role="muted", wrap=True)
        self.steps_card.body.addWidget(self.steps_empty)
        # everything still needed for the focus level, cumulative, in the Skills tree
        self.needed_link = LinkButton()
        self.needed_link.clicked.connect(self._open_needed)
        self.steps_card.body.addWidget(self.needed_link)

        # pace
        self.pace_card = Card("Pace")
        self.pace_label = label("", wrap=True)
        self.eta_label = label("", wrap=True)
        self.pace_card.body.addWidget(self.pace_label)
        self.pace_card.body.addWidget(self.eta_label)

        # heatmap
        self.study_card = Card("Study activity")
        self.streak_label = label("", point_delta=2, bold=True)
        self.heat_totals = label("", role="muted", wrap=True)
        self.heat_totals.setAccessibleName("Study totals")
        self.heatmap = StudyHeatmap()
        self.heat_note = label("A day counts when you finish a milestone or log at least "
                               "15 minutes of study.", role="muted", wrap=True)
        self.study_card.body.addWidget(self.streak_label)
        self.study_card.body.addWidget(self.heat_totals)
        self.study_card.body.addWidget(self.heatmap)
        self.study_card.body.addWidget(self.heat_note)

        # certifications that expire soon, a mentor's verdicts that need work (hidden if none)
        self.certs_card = ExpiringCertsCard(ctx)
        self.feedback_card = MentorFeedbackCard(ctx)
        # the first steps, while any is left (hidden once all three are done)
        self.checklist_card = ChecklistCard(ctx)

        for card in (self.summary, self.levels_card, self.area_card, self.steps_card,
                     self.pace_card, self.study_card):
            card.finish()
        self.side = QWidget()
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(theme.SPACING)
        self.side_box = side
        self._reflow(True)

    # ------------------------------------------------------------------ layout
    def _reflow(self, wide: bool) -> None:
        """Two columns when there is room, one below ~900 px."""
        if wide == self._wide:
            return
        self._wide = wide
        g = self.grid
        for w in (self.summary, self.levels_card, self.area_card, self.steps_card,
                  self.pace_card, self.study_card, self.side, self.certs_card,
                  self.feedback_card, self.checklist_card):
            g.removeWidget(w)
        while self.side_box.count():
            self.side_box.takeAt(0)
        if wide:
            self.side_box.addWidget(self.feedback_card)
            self.side_box.addWidget(self.certs_card)
            self.side_box.addWidget(self.pace_card)
            self.side_box.addStretch(1)
            self.side.show()
            g.addWidget(self.summary, 0, 0, 1, 2)
            g.addWidget(self.checklist_card, 1, 0, 1, 2)
            g.addWidget(self.levels_card, 2, 0)
            g.addWidget(self.steps_card, 2, 1)
            g.addWidget(self.area_card, 3, 0)
            g.addWidget(self.side, 3, 1)
            g.addWidget(self.study_card, 4, 0, 1, 2)  # a year of days needs the full width
            g.setColumnStretch(0, 3)
            g.setColumnStretch(1, 2)
        else:
            self.side.hide()
            for i, w in enumerate((self.summary, self.checklist_card, self.feedback_card,
                                   self.certs_card,
                                   self.levels_card, self.steps_card, self.pace_card,
                                   self.study_card, self.area_card)):
                g.addWidget(w, i, 0, 1, 2)
            g.setColumnStretch(0, 1)
            g.setColumnStretch(1, 0)
        g.setRowStretch(10, 1)

    def resizeEvent(self, ev) -> None:
        self._reflow(ev.size().width() >= 880)
        super().resizeEvent(ev)

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        self._dirty = False
        self.data = d = load(self.ctx.store)
        self.name_label.setText(breakable(d.name) if d.name else "Your progress")
        self.name_label.setAccessibleName(d.name or "Your progress")
        by_id = {r.level.id: r for r in d.results}

        self.current_label.setText(d.current.title if d.current else "None yet")
        self.current_stat.detail.setText(
            fmt_percent(by_id[d.current.id].percent) + " ready" if d.current else
            "Reach a level's threshold with its core milestones done.")
        if d.next is not None:
            r = by_id[d.next.id]
            self.next_label.setText(d.next.title)
            self.next_percent_label.setText(
                f"{fmt_percent(r.percent)} ready · threshold {r.level.threshold:g}% · core "
                f"{r.core_done} of {r.core_total}")
        else:
            self.next_label.setText("All levels reached")
            self.next_percent_label.setText("")
        if d.target_set and d.focus is not None:
            r = by_id[d.focus.id]
            self.target_label.setText(d.focus.title)
            self.target_percent_label.setText(
                f"{fmt_percent(r.percent)} ready" + (" · Ready" if r.ready else ""))
        else:
            self.target_label.setText("Not set")
            self.target_percent_label.setText("Choose one with Edit > Profile. Until then "
                                              "the next level is the focus.")

        self.level_bars.set_rows([
            LevelRow(r.level.title, r.percent, r.ready, r.level.threshold,
                     current=d.current is not None and r.level.id == d.current.id,
                     target=d.target_set and d.focus is not None and r.level.id == d.focus.id)
            for r in d.results])

        focus_title = d.focus.title if d.focus else ""
        which = "target" if d.target_set else "next"
        self.area_card.title_label.setText(
            f"Readiness by area · {focus_title}" if d.focus else "Readiness by area")
        self.area_chart.set_rows(
            [AreaRow(a.area.title, a.percent, a.done_weight, a.total_weight)
             for a in d.breakdown],
            caption=f"Readiness by area for {focus_title} ({which} level)")

        self.steps_card.title_label.setText(f"Next steps · {focus_title}" if d.focus
                                            else "Next steps")
        for i, (b, detail) in enumerate(zip(self.step_buttons, self.step_details)):
            if i < len(d.steps):
                m = d.steps[i]
                area = d.cur.area_by_id[d.cur.area_of(m)]
                b.set_full_text(f"{i + 1}. {gap_title(d.cur, m)}",
                                tooltip=gap_tooltip(d.cur, m)
                                + "\n\nOpens it on the Skills page")
                b.setProperty("milestone", gap_milestone(m))
                detail.setText(f"{gap_tags(d.cur, m)} · {area.title}")
                b.show()
                detail.show()
            else:
                b.hide()
                detail.hide()
        if d.focus is None:
            self.steps_empty.setText("Every level is reached: nothing left to do.")
        elif not d.steps:
            self.steps_empty.setText(f"Every milestone for {d.focus.title} is done.")
        else:
            self.steps_empty.setText("")
        self.steps_empty.setVisible(bool(self.steps_empty.text()))
        needed = 0
        if d.focus is not None:
            r = by_id[d.focus.id]
            needed = sum(1 for g in r.gaps if not g.elective)
            self.needed_link.set_full_text(
                f"All {needed} still needed for {d.focus.title}",
                tooltip="Opens the Skills tree filtered to every requirement left for "
                        f"{d.focus.title}, including those of the levels below")
            self.needed_link.setProperty("level", d.focus.id)
        self.needed_link.setVisible(needed > 0)

        pace, eta = pace_text(d)
        self.pace_card.title_label.setText(f"Pace · {focus_title}" if d.focus else "Pace")
        self.pace_label.setText(pace)
        self.eta_label.setText(eta)

        self.streak_label.setText(
            f"Current streak: {d.streak:,} {'day' if d.streak == 1 else 'days'}")
        self.heat_totals.setText(heat_totals_text(self.heatmap_days(d)))
        self.heatmap.set_data(d.heat, d.streak)
        self.certs_card.set_items(d.expiring)
        self.feedback_card.set_items(d.feedback)
        self.checklist_card.set_steps(d.getting_started)

    @staticmethod
    def heatmap_days(d: DashboardData) -> list:
        return [day for col in d.heat for day in col if day is not None]

    def step_ids(self) -> list[str]:
        return [b.property("milestone") for b in self.step_buttons if not b.isHidden()]

    def _open_needed(self) -> None:
        level = self.needed_link.property("level")
        if level:
            self.ctx.navigate.emit("skills", TreeFilter(needed_for=str(level)))

    def _open_step(self) -> None:
        mid = self.sender().property("milestone")
        if mid:
            self.ctx.navigate.emit("skills", mid)
