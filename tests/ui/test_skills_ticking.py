"""Issue 14, the learner's tree: the circle before a milestone is its checkbox (real mouse
clicks on its rect), one key per state, Space never undoes done, the verdict and "Needed for"
filters, and the readiness change in the status message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import shown
from tracker import readiness as rd
from tracker.db.types import Review
from tracker.ui.context import Kinds
from tracker.ui.models.skill_tree import TreeFilter
from tracker.ui.operations import readiness_percents
from tracker.ui.pages.skills import SkillsPage
from tracker.ui.widgets import fmt_percent


@pytest.fixture
def page(ctx, qtbot):
    p = SkillsPage(ctx)
    shown(qtbot, ctx, p, (1200, 800))
    yield p
    p.close()


def circle(page: SkillsPage, mid: str) -> QPoint:
    """The centre of a milestone's state circle in the tree's viewport (revealed first)."""
    page.open_item(mid)
    px = page.proxy.mapFromSource(page.model.index_for(mid))
    rect = page.tree.circle_rect(px)
    assert rect.isValid() and rect.width() >= 12, rect
    assert page.tree.viewport().rect().contains(rect), "circle not in view"
    return rect.center()


def click_at(qtbot, page: SkillsPage, pos: QPoint) -> None:
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_a_click_on_the_circle_cycles_todo_learning_done_todo(qtbot, ctx, page):
    m = ctx.store.curriculum().milestones[5]
    pos = circle(page, m.id)
    seen = []
    for _ in range(3):
        with qtbot.waitSignal(ctx.changed):
            click_at(qtbot, page, pos)
        seen.append(ctx.store.states().get(m.id, "todo"))
    assert seen == ["learning", "done", "todo"]
    assert ctx.undo_stack.count() == 3  # one undo step per click
    assert page.tree.currentIndex().data(Qt.ItemDataRole.DisplayRole) == m.title
    ctx.undo_stack.undo()
    assert ctx.store.states()[m.id] == "done"
    ctx.undo_stack.undo()
    assert ctx.store.states()[m.id] == "learning"
    ix = page.model.index_for(m.id)
    assert page.model.data(ix.siblingAtColumn(2)) == "Learning"


def test_a_click_on_the_title_only_selects(qtbot, ctx, page):
    m = ctx.store.curriculum().milestones[6]
    page.open_item(m.id)
    px = page.proxy.mapFromSource(page.model.index_for(m.id))
    text_pos = page.tree.visualRect(px).center()
    assert not page.tree.circle_rect(px).adjusted(-3, -3, 3, 3).contains(text_pos)
    page.tree.clearSelection()
    click_at(qtbot, page, text_pos)
    assert page.selected_milestones() == [m.id]
    assert ctx.store.states().get(m.id, "todo") == "todo"
    assert ctx.undo_stack.count() == 0


def test_one_key_per_state_on_the_selection(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    m = cur.milestones[2]
    click_at(qtbot, page, circle(page, m.id))  # todo -> learning, and current
    assert ctx.store.states()[m.id] == "learning"
    for key, state in ((Qt.Key.Key_3, "done"), (Qt.Key.Key_2, "learning"),
                       (Qt.Key.Key_1, "todo"), (Qt.Key.Key_3, "done")):
        qtbot.keyClick(page.tree, key)
        assert ctx.store.states()[m.id] == state
    steps = ctx.undo_stack.count()
    qtbot.keyClick(page.tree, Qt.Key.Key_3)  # already done: no step
    assert ctx.undo_stack.count() == steps
    # The number keypad works too.
    qtbot.keyClick(page.tree, Qt.Key.Key_2, Qt.KeyboardModifier.KeypadModifier)
    assert ctx.store.states()[m.id] == "learning"


def test_digits_typed_in_the_filter_box_filter_and_tick_nothing(qtbot, ctx, page):
    page.filter_edit.setFocus()
    qtbot.keyClicks(page.filter_edit, "123")
    assert page.filter_edit.text() == "123"
    assert ctx.store.states() == {} or set(ctx.store.states().values()) == {"todo"}
    assert ctx.undo_stack.count() == 0


def test_the_tooltips_and_menu_name_the_keys(qtbot, ctx, page):
    m = ctx.store.curriculum().milestones[0]
    ix = page.model.index_for(m.id)
    tip = page.model.data(ix, Qt.ItemDataRole.ToolTipRole)
    assert "Click the circle" in tip and "1 To do" in tip and "3 Done" in tip
    page.open_item(m.id)
    page.tree.customContextMenuRequested.emit(QPoint(1, 1))
    keys = {a.text(): a.shortcut().toString() for a in page._menu.actions() if a.text()}
    page._menu.close()
    assert keys["Mark as To do"] == "1" and keys["Mark as Learning"] == "2"
    assert keys["Mark as Done"] == "3"
    assert "Toggle done" not in keys


def test_status_message_has_the_full_title_and_the_readiness_change(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    ctx.store.set_profile(target_level="junior")
    senior = next(m for m in cur.milestones if m.level == "senior" and m.id not in cur.choice_of
                  and not m.elective)
    with qtbot.waitSignal(ctx.status_message) as said:
        click_at(qtbot, page, circle(page, senior.id))
    assert "→" not in said.args[0]  # learning counts as not done: no percent changed
    before = readiness_percents(ctx.store)
    with qtbot.waitSignal(ctx.status_message) as said:
        qtbot.keyClick(page.tree, Qt.Key.Key_3)
    text = said.args[0]
    after = readiness_percents(ctx.store)
    assert f"“{senior.title}”" in text  # the whole title: the status bar elides by width
    want = f"Senior {fmt_percent(before['senior'])} → {fmt_percent(after['senior'])}"
    assert want in text, text
    assert "Junior" not in text  # its percent did not change
    # Undo says what it took back.
    with qtbot.waitSignal(ctx.status_message) as said:
        ctx.undo_stack.undo()
    assert said.args[0].startswith("Undone: ")
    assert f"Senior {fmt_percent(after['senior'])} →" in said.args[0]


def test_review_filter_shows_only_that_verdict(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    a, b, c = cur.milestones[1].id, cur.milestones[20].id, cur.milestones[40].id
    ctx.store.add_reviews([
        Review(a, "needs-work", "again", "Ann", "2025-01-02T00:00:00Z"),
        Review(b, "needs-work", "", "Ann", "2025-01-02T00:00:00Z"),
        Review(c, "verified", "", "Ann", "2025-01-02T00:00:00Z")])
    ctx.notify(Kinds.REVIEWS)
    box = page.review_filter
    box.setCurrentIndex(box.findData("needs-work"))
    assert page.visible_milestone_ids() == [a, b]
    box.setCurrentIndex(box.findData("verified"))
    assert page.visible_milestone_ids() == [c]
    page.clear_filters()
    assert len(page.visible_milestone_ids()) == len(cur.milestones)
    page.open_item(TreeFilter(review="needs-work"))
    assert page.visible_milestone_ids() == [a, b]
    assert page.tree.currentIndex().data(Qt.ItemDataRole.DisplayRole) == \
        cur.milestone_by_id[a].title
    # and with the keyboard: a 3 on the first of them marks it done
    qtbot.keyClick(page.tree, Qt.Key.Key_3)
    assert ctx.store.states()[a] == "done"


def test_needed_for_is_cumulative_and_follows_ticks(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    page.open_item(TreeFilter(needed_for="mlops"))
    shown = set(page.visible_milestone_ids())
    want = set(rd.needed_milestones(cur, ctx.store.states(), "mlops"))
    assert shown == want
    levels = {cur.milestone_by_id[m].level for m in shown}
    assert levels == {"junior", "mlops"}  # the level below too
    assert not any(cur.milestone_by_id[m].elective for m in shown)
    assert "still needed for" in page.count_label.text()
    # A choice: every option is offered until one is done, then none.
    ch = next(c for c in cur.choices if cur.rank(c.level) <= cur.rank("mlops"))
    assert set(ch.options) <= shown
    # ticking the first one shown (3) removes it, and a chosen option removes its siblings
    first = page.visible_milestone_ids()[0]
    qtbot.keyClick(page.tree, Qt.Key.Key_3)
    assert ctx.store.states()[first] == "done"
    assert first not in page.visible_milestone_ids()
    page.set_state([ch.options[0]], "done")
    assert not set(ch.options) & set(page.visible_milestone_ids())
    assert len(page.visible_milestone_ids()) == len(
        rd.needed_milestones(cur, ctx.store.states(), "mlops"))
    # the level combo offers it by name
    page.clear_filters()
    box = page.level_filter
    box.setCurrentIndex(box.findText("Needed for Senior MLOps Engineer"))
    assert set(page.visible_milestone_ids()) == set(
        rd.needed_milestones(cur, ctx.store.states(), "senior"))


def test_review_mode_circle_click_changes_nothing(qtbot, ctx, page):
    m = ctx.store.curriculum().milestones[3]
    ctx.read_only = True
    pos = circle(page, m.id)
    with qtbot.waitSignal(ctx.status_message):
        click_at(qtbot, page, pos)
    assert ctx.store.states().get(m.id, "todo") == "todo"
    assert page.selected_milestones() == [m.id]


def test_help_lists_the_tree_keys_and_no_menu_shortcut_uses_them(qtbot, window):
    from tracker.ui.shortcuts_help import ShortcutsDialog, menu_shortcuts

    keys = [k for _menu, k, _text in menu_shortcuts(window)]
    assert "Ctrl+Z" in keys
    assert not {"1", "2", "3", "Space"} & set(keys)  # the tree's keys stay the tree's
    window.shortcuts_action.trigger()
    dlg = window.shortcuts_dialog
    assert isinstance(dlg, ShortcutsDialog)
    rows = dict(dlg.rows())
    assert rows["1"].endswith("To do") and rows["2"].endswith("Learning")
    assert rows["3"].endswith("Done") and "never undoes done" in rows["Space"]
    assert rows["Ctrl+F"] == "Find"
    dlg.close()


def test_the_hand_cursor_marks_the_circle(qtbot, ctx, page):
    m = ctx.store.curriculum().milestones[1]
    pos = circle(page, m.id)
    vp = page.tree.viewport()
    qtbot.mouseMove(vp, pos)
    qtbot.waitUntil(lambda: vp.cursor().shape() == Qt.CursorShape.PointingHandCursor)
    px = page.proxy.mapFromSource(page.model.index_for(m.id))
    qtbot.mouseMove(vp, page.tree.visualRect(px).center())
    qtbot.waitUntil(lambda: vp.cursor().shape() != Qt.CursorShape.PointingHandCursor)
