"""The Study log page through real widgets: add, delete, undo, minutes bounds, the weekly
chart on known data, plain-text notes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from tests.ui.conftest import shown
from tracker.ui.models.study_table import MINUTES_COL, NOTE_COL, SKILL_COL
from tracker.ui.operations import AddStudySession, perform
from tracker.ui.pages.study import NO_SKILL, StudyPage
from tracker.ui.widgets.weekly_chart import week_start

TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.fixture
def page(ctx, qtbot):
    p = StudyPage(ctx, today=lambda: TODAY)
    shown(qtbot, ctx, p, (1100, 800))
    yield p
    p.close()


def log(ctx, minutes, day, skill=None, note=""):
    op = AddStudySession(ctx, minutes, day, skill, note)
    assert perform(ctx, op)
    return op.added


def test_form_defaults_and_minutes_bounds(page):
    assert page.date_edit.date() == QDate(TODAY)
    assert page.date_edit.maximumDate() == QDate(TODAY)     # no study in the future
    assert (page.minutes_spin.minimum(), page.minutes_spin.maximum()) == (1, 720)
    page.minutes_spin.setValue(0)
    assert page.minutes_spin.value() == 1
    page.minutes_spin.setValue(10_000)
    assert page.minutes_spin.value() == 720
    assert page.skill_combo.itemText(0) == NO_SKILL and page.skill_combo.currentData() is None


def test_add_session_through_the_form_then_undo_redo(qtbot, ctx, page):
    skill = ctx.store.curriculum().skills[1]
    page.date_edit.setDate(QDate(2025, 3, 10))
    page.minutes_spin.selectAll()
    qtbot.keyClicks(page.minutes_spin, "95")
    assert page.minutes_spin.value() == 95
    page.skill_combo.setCurrentIndex(page.skill_combo.findData(skill.id))
    qtbot.keyClicks(page.note_edit, "<b>x</b> read a chapter")
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)

    [s] = ctx.store.study_sessions()
    assert (s.day, s.minutes, s.skill, s.note) == ("2025-03-10", 95, skill.id,
                                                   "<b>x</b> read a chapter")
    assert page.note_edit.text() == ""
    m = page.proxy
    assert m.rowCount() == 1
    assert m.index(0, MINUTES_COL).data() == "1 h 35 min"
    assert m.index(0, SKILL_COL).data() == skill.title
    assert m.index(0, NOTE_COL).data() == "<b>x</b> read a chapter"   # literally
    assert page.chart.totals()[-1] == (week_start(TODAY), 95)
    assert not page.empty.isVisible()

    ctx.undo_stack.undo()
    assert ctx.store.study_sessions() == [] and m.rowCount() == 0
    assert page.chart.totals()[-1][1] == 0
    ctx.undo_stack.redo()
    assert ctx.store.study_sessions() == [s]                          # same id and fields


def test_add_button_with_no_skill(qtbot, ctx, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    [s] = ctx.store.study_sessions()
    assert (s.day, s.minutes, s.skill, s.note) == (TODAY.isoformat(), 30, None, "")


def test_delete_with_key_and_button_and_undo_restores_exactly(qtbot, ctx, page):
    a = log(ctx, 20, "2025-03-01", note="first")
    b = log(ctx, 40, "2025-03-05", note="second")
    c = log(ctx, 60, "2025-03-11")
    assert [page.proxy.index(r, 0).data() for r in range(3)] == [
        "2025-03-11", "2025-03-05", "2025-03-01"]
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert ctx.store.study_sessions() == [c, a]
    ctx.undo_stack.undo()
    assert ctx.store.study_sessions() == [c, b, a]

    page.table.selectRow(0)
    assert page.delete_button.isEnabled()
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert ctx.store.study_sessions() == [b, a]
    ctx.undo_stack.undo()
    assert ctx.store.study_sessions() == [c, b, a]


def test_weekly_chart_totals_and_text_equivalent(qtbot, ctx, page):
    log(ctx, 30, "2025-03-10")
    log(ctx, 45, "2025-03-12")
    log(ctx, 60, "2025-03-09")               # Sunday: the previous week
    log(ctx, 120, (TODAY - timedelta(weeks=20)).isoformat())   # outside the 16 weeks
    totals = page.chart.totals()
    assert len(totals) == 16
    assert totals[-1] == (date(2025, 3, 10), 75)
    assert totals[-2] == (date(2025, 3, 3), 60)
    assert sum(m for _, m in totals) == 135
    desc = page.chart.accessibleDescription()
    assert "Week of 2025-03-10 to 2025-03-16: 1 h 15 min" in desc
    assert "2 h 15 min in all" in desc
    assert page.chart.accessibleName().startswith("Weekly study totals")
    assert page.chart_summary.text().startswith("This week: 1 h 15 min")
    # Keyboard: focus the chart, walk the weeks.
    page.chart.setFocus()
    qtbot.keyClick(page.chart, Qt.Key.Key_Left)
    assert page.chart.current_week() == 14
    assert "2025-03-03" in page.chart.accessibleName()
    qtbot.keyClick(page.chart, Qt.Key.Key_Home)
    assert page.chart.current_week() == 0
    # Bars grow with the data.
    assert page.chart.bar_rect(15).height() > page.chart.bar_rect(14).height() > 0
    assert page.chart.bar_rect(0).height() == 0


def test_model_tester_and_accessibility(qtmodeltester, ctx, page):
    log(ctx, 25, "2025-03-02", note="n")
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    for w in (page.date_edit, page.minutes_spin, page.skill_combo, page.note_edit,
              page.table, page.chart):
        assert w.accessibleName()
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert page.title == "Study log"


def test_a_long_history_shows_the_newest_sessions_and_deletes_in_one_step(
        ctx, page, qtbot, monkeypatch):
    from PySide6.QtCore import QItemSelectionModel

    import tracker.ui.pages.study as study

    monkeypatch.setattr(study, "TABLE_LIMIT", 5)
    for i in range(8):
        log(ctx, 10 + i, (TODAY - timedelta(days=i)).isoformat())
    page.reload()
    assert page.model.rowCount() == 5
    assert page.page_label.text() == "1–5 of 8, newest first"
    sel = page.table.selectionModel()
    page.table.clearSelection()
    for r in range(3):
        sel.select(page.proxy.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)
    before = ctx.undo_stack.count()
    page.delete_selected()
    assert len(ctx.store.study_sessions()) == 5
    assert ctx.undo_stack.count() == before + 1  # one undo step for the three
    ctx.undo_stack.undo()
    assert sorted(s.minutes for s in ctx.store.study_sessions()) == list(range(10, 18))


def test_every_session_of_a_long_history_is_reachable_page_by_page(ctx, page, qtbot,
                                                                  monkeypatch):
    import tracker.ui.pages.study as study

    monkeypatch.setattr(study, "TABLE_LIMIT", 4)
    for i in range(10):
        log(ctx, 10 + i, (TODAY - timedelta(days=i)).isoformat())
    page.reload()

    def days():
        return sorted((page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())),
                      reverse=True)

    assert page.older_button.isVisible() and page.newer_button.isVisible()
    assert not page.newer_button.isEnabled() and page.older_button.isEnabled()
    seen = days()
    assert page.page_label.text() == "1–4 of 10, newest first"
    qtbot.mouseClick(page.older_button, Qt.MouseButton.LeftButton)
    assert page.page_label.text() == "5–8 of 10, newest first"
    seen += days()
    qtbot.mouseClick(page.older_button, Qt.MouseButton.LeftButton)
    assert page.page_label.text() == "9–10 of 10, newest first"
    assert not page.older_button.isEnabled()
    seen += days()
    assert seen == [(TODAY - timedelta(days=i)).isoformat() for i in range(10)]  # all of them
    qtbot.mouseClick(page.newer_button, Qt.MouseButton.LeftButton)
    assert days()[0] == (TODAY - timedelta(days=4)).isoformat()
    # Deleting the last page's sessions elsewhere falls back to the page before.
    page.show_sessions_from(8)
    for s in ctx.store.study_sessions(limit=2, offset=8):
        ctx.store.delete_study_session(s.id)
    page.reload()
    assert page.page_offset() == 4 and page.proxy.rowCount() == 4
    # A new session shows on the newest page.
    qtbot.keyClicks(page.note_edit, "new one")
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)
    assert page.page_offset() == 0 and page.page_label.text().startswith("1–4 of 9")


def test_short_histories_show_no_paging(ctx, page):
    log(ctx, 30, TODAY.isoformat())
    page.reload()
    assert page.older_button.isHidden() and page.newer_button.isHidden()
    assert page.page_label.isHidden() and page.empty.isHidden()
