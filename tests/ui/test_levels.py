"""The Levels page: one card per level with percent, the reasons, gaps, reviews and facts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import shown
from tracker import readiness as rd
from tracker.db.types import Review
from tracker.ui.context import AppContext
from tracker.ui.operations import SetStates, perform
from tracker.ui.pages.levels import GAPS_SHOWN, LevelsPage
from tracker.ui.widgets import fmt_percent


@pytest.fixture
def page(qtbot, store):
    ctx = AppContext(store)
    p = LevelsPage(ctx)
    shown(qtbot, ctx, p, (1200, 900))
    return p


def test_one_card_per_level_with_facts(page, store):
    cur = store.curriculum()
    assert list(page.cards) == [lv.id for lv in cur.levels]
    for lv in cur.levels:
        card = page.cards[lv.id]
        assert card.title.text() == lv.title
        assert card.focus.text() == lv.focus
        assert card.experience.text() == lv.experience
        assert card.salary.text() == (lv.salary or "not given by the curriculum")
        assert card.focus.textFormat() == Qt.TextFormat.PlainText
        assert card.percent.text() == "0.0%"
        assert card.status.text() == "Not ready yet"


def test_ticking_updates_percent_reasons_and_gaps(page, store):
    from tracker.status import gap_milestone

    cur = store.curriculum()
    junior = [m for m in cur.milestones if m.level == "junior"]
    perform(page.ctx, SetStates(page.ctx, {m.id: "done" for m in junior[:30]}))
    r = rd.level_readiness(cur, store.states(), "junior")
    card = page.cards["junior"]
    assert card.percent.text() == fmt_percent(r.percent)
    assert card.why[0].text().startswith(
        f"✗ Threshold not reached: {fmt_percent(r.percent)} of the 80% needed; this level's "
        f"own milestones {fmt_percent(r.own_percent)} of the 80% needed")
    assert card.why[1].text() == f"✗ Core milestones done: {r.core_done} of {r.core_total}"
    # a "one of" gap opens its first option
    assert card.gap_ids() == [gap_milestone(m) for m in r.gaps[:GAPS_SHOWN]]
    assert card.more.full_text() == f"and {len(r.gaps) - GAPS_SHOWN} more"
    assert not card.more.isHidden()
    electives = sum(1 for g in r.gaps if g.elective)
    assert card.gaps_title.text() == (f"Gaps in order ({len(r.gaps) - electives} required, "
                                      f"then {electives} electives)")
    desc = card.breakdown.accessibleDescription()
    for a in rd.breakdown(cur, store.states(), "junior"):
        assert f"{a.area.title} {fmt_percent(a.percent)}" in desc

    perform(page.ctx, SetStates(page.ctx, {m.id: "done" for m in junior
                                           if not m.elective}))
    assert card.percent.text() == "100.0%"
    assert card.status.text() == "✓ Ready"
    assert card.why[0].text().startswith("✓ Threshold reached: 100.0%")
    assert card.why[1].text().startswith("✓ Core milestones done")
    assert card.why[0].text().endswith("this level's own milestones 100.0% of the 80% needed")
    # what is left are electives, marked as such, after every required gap
    left = rd.level_readiness(cur, store.states(), "junior").gaps
    assert left and all(g.elective for g in left)
    assert card.gap_ids() == [g.id for g in left][:GAPS_SHOWN]
    assert all(b.full_text().startswith("Elective: ") for b, _ in card.gap_rows
               if not b.isHidden())
    assert card.gaps_title.text() == f"Gaps in order (0 required, then {len(left)} electives)"
    assert "current level" in card.tags.text()
    page.ctx.undo_stack.undo()
    assert card.status.text() == "Not ready yet"


def test_review_verdict_shows_next_to_a_gap(page, store):
    cur = store.curriculum()
    gaps = rd.level_readiness(cur, store.states(), "junior").gaps
    store.add_reviews([
        Review(gaps[0].id, "verified", "<i>nice</i>", "Mentor <M>", "2025-01-01T00:00:00Z"),
        Review(gaps[1].id, "needs-work", "", "Mentor", "2025-01-01T00:00:00Z"),
    ])
    page.ctx.notify("reviews")
    card = page.cards["junior"]
    (b0, mark0), (b1, mark1), (b2, mark2) = card.gap_rows[:3]
    assert mark0.text() == "✓ Verified" and not mark0.isHidden()
    assert "&lt;i&gt;nice&lt;/i&gt;" in mark0.toolTip()  # escaped, shown literally
    assert mark1.text() == "⚠ Needs work"
    assert mark2.isHidden()


def test_gap_opens_the_skills_page(qtbot, page, store):
    card = page.cards["senior"]
    first = card.gap_rows[0][0]
    # as a user does: once the page is laid out, scroll to the link, then click it
    qtbot.waitUntil(lambda: page.scroll.verticalScrollBar().maximum() > 0)
    page.scroll.ensureWidgetVisible(first)
    with qtbot.waitSignal(page.ctx.navigate) as blocker:
        qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert blocker.args == ["skills", card.gap_ids()[0]]


def test_target_tag_and_irrelevant_changes(page, store):
    store.set_profile(name="Ada", target_level="lead")
    page.ctx.notify("profile")
    assert "target" in page.cards["lead"].tags.text()
    assert page.cards["senior"].tags.text() == ""
    page.hide()
    page.ctx.notify("study")
    assert not page._dirty
    page.ctx.notify("progress")
    assert page._dirty


def test_the_page_has_its_heading_above_the_intro_and_cards_in_rank_order(page, store):
    """Every page opens with its title (issue 14); the cards follow the intro in rank order."""
    from PySide6.QtWidgets import QLabel

    col = page.column
    first = col.itemAt(0).widget()
    assert isinstance(first, QLabel) and first.text() == "Levels"
    assert col.indexOf(page.intro) == 1
    cur = store.curriculum()
    assert [col.indexOf(page.cards[lv.id]) for lv in cur.levels] == list(
        range(2, 2 + len(cur.levels)))


def test_and_n_more_opens_everything_needed_for_the_level(qtbot, window, store):
    """Issue 14: "and 41 more" is a link to the cumulative list in the Skills tree."""
    cur = store.curriculum()
    store.set_states({m.id: "done" for m in cur.milestones if m.level == "junior"})
    window.resize(1366, 850)
    window.show()
    qtbot.waitExposed(window)
    levels = window.show_page("levels")
    levels.refresh()
    card = levels.cards["senior"]
    assert not card.more.isHidden() and card.more.full_text().startswith("and ")
    card.more.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(card.more, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "skills")
    skills = window.page("skills")
    assert skills.needed_level() == "senior"
    shown = skills.visible_milestone_ids()
    assert set(shown) == set(rd.needed_milestones(cur, store.states(), "senior"))
    assert {cur.milestone_by_id[m].level for m in shown} == {"mlops", "senior"}
