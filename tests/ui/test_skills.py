"""The Skills page through real widgets: Space ticks, counts and readiness follow, undo and
redo restore exactly, filters narrow the tree, notes save themselves, evidence, reviews."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt

from tests.ui.conftest import shown
from tracker import readiness as rd
from tracker.db.types import Review
from tracker.ui.context import Kinds
from tracker.ui.models.skill_tree import STATE_COL, IdRole, KindRole, StateRole
from tracker.ui.pages.skills import SkillsPage


@pytest.fixture
def page(ctx, qtbot):
    p = SkillsPage(ctx)
    shown(qtbot, ctx, p, (1200, 800))
    yield p
    p.close()


def select(page: SkillsPage, *mids: str) -> None:
    """Select milestones in the tree the way a click / ctrl-click does."""
    sel = page.tree.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for i, mid in enumerate(mids):
        px = page.proxy.mapFromSource(page.model.index_for(mid))
        assert px.isValid(), mid
        page.tree.scrollTo(px)
        mode = flags.ClearAndSelect if i == 0 else flags.Select
        sel.setCurrentIndex(px, mode | flags.Rows)


def click(qtbot, page: SkillsPage, mid: str) -> None:
    page.open_item(mid)  # reveal
    px = page.proxy.mapFromSource(page.model.index_for(mid))
    rect = page.tree.visualRect(px)
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def skill_count(page: SkillsPage, mid: str) -> str:
    ix = page.model.index_for(mid)
    return page.model.data(ix.parent().siblingAtColumn(STATE_COL))


def area_count(page: SkillsPage, mid: str) -> str:
    ix = page.model.index_for(mid)
    return page.model.data(ix.parent().parent().siblingAtColumn(STATE_COL))


def snapshot(store):
    """States and notes of every milestone (a missing row is to do with no note)."""
    progress = store.progress()
    ids = [m.id for m in store.curriculum().milestones]
    return ({m: progress[m].state if m in progress else "todo" for m in ids},
            {m: progress[m].note if m in progress else "" for m in ids})


def test_space_ticks_updates_counts_and_readiness(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    m = cur.milestones[0]
    n_skill = sum(1 for x in cur.milestones if x.skill == m.skill)
    before = rd.level_readiness(cur, ctx.store.states(), m.level).percent
    assert skill_count(page, m.id) == f"0/{n_skill} done"
    label_before = page.readiness_label.text()

    click(qtbot, page, m.id)
    assert page.detail_title.text() == m.title
    with qtbot.waitSignal(ctx.changed):
        qtbot.keyClick(page.tree, Qt.Key.Key_Space)

    assert ctx.store.states()[m.id] == "done"
    assert skill_count(page, m.id) == f"1/{n_skill} done"
    assert area_count(page, m.id).startswith("1/")
    after = rd.level_readiness(cur, ctx.store.states(), m.level).percent
    assert after > before
    assert page.readiness_label.text() != label_before
    assert f"{after:.1f}%" in page.readiness_label.text()
    assert page.count_label.text().startswith("1 of ")
    assert page.state_combo.currentData() == "done"

    # Space again never undoes done: nothing changes and the status bar names the keys.
    steps = ctx.undo_stack.count()
    with qtbot.waitSignal(ctx.status_message) as said:
        qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    assert ctx.store.states()[m.id] == "done"
    assert ctx.undo_stack.count() == steps
    assert "Already done" in said.args[0] and "press 1" in said.args[0]
    # The key 1 is "to do".
    qtbot.keyClick(page.tree, Qt.Key.Key_1)
    assert ctx.store.states()[m.id] == "todo"
    assert skill_count(page, m.id) == f"0/{n_skill} done"


def test_undo_redo_restore_exactly_across_ticks_and_notes(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    a, b = cur.milestones[0].id, cur.milestones[7].id
    ctx.store.set_states({b: "learning"})
    ctx.notify(Kinds.PROGRESS)
    states0 = snapshot(ctx.store)

    select(page, a)
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    select(page, b)
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "my note")
    assert page.save_note()
    after = snapshot(ctx.store)
    assert after[0][a] == "done" and after[0][b] == "done" and after[1][b] == "my note"
    assert ctx.undo_stack.count() == 3

    for _ in range(3):
        ctx.undo_stack.undo()
    assert snapshot(ctx.store) == states0
    assert ctx.store.states()[b] == "learning"
    assert skill_count(page, a).startswith("0/")
    assert page.note_edit.toPlainText() == ""
    for _ in range(3):
        ctx.undo_stack.redo()
    assert snapshot(ctx.store) == after
    assert page.note_edit.toPlainText() == "my note"


def test_multi_selection_and_context_menu_set_any_state(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    ids = [cur.milestones[1].id, cur.milestones[2].id, cur.milestones[3].id]
    select(page, *ids)
    assert sorted(page.selected_milestones()) == sorted(ids)
    page.tree.customContextMenuRequested.emit(QPoint(1, 1))
    menu = page._menu
    learning = next(a for a in menu.actions() if a.text() == "Mark as Learning")
    learning.trigger()
    menu.close()
    states = ctx.store.states()
    assert all(states[i] == "learning" for i in ids)
    assert ctx.undo_stack.count() == 1          # one step for the whole selection
    # Space on a mixed/learning selection marks all done; again changes nothing; 1: to do.
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    assert all(ctx.store.states()[i] == "done" for i in ids)
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    assert all(ctx.store.states()[i] == "done" for i in ids)
    qtbot.keyClick(page.tree, Qt.Key.Key_1)
    assert all(ctx.store.states()[i] == "todo" for i in ids)
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert all(ctx.store.states()[i] == "learning" for i in ids)


def test_tick_keeps_selection_and_expansion_without_a_reset(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    m = cur.milestones[4]
    page.open_item(m.id)
    skill_px = page.tree.currentIndex().parent()
    assert page.tree.isExpanded(skill_px)
    other = cur.milestones[-1].id
    with qtbot.assertNotEmitted(page.model.modelReset):
        ctx.store.set_states({other: "done", m.id: "learning"})  # e.g. the command line
        ctx.notify(Kinds.PROGRESS)
    assert page.tree.currentIndex().data(IdRole) == m.id
    assert page.tree.isExpanded(page.tree.currentIndex().parent())
    assert page.model.index_for(other).data(Qt.ItemDataRole.DisplayRole) is not None
    assert page.state_combo.currentData() == "learning"


def test_filter_box_level_and_state_filters(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    total = len(cur.milestones)
    assert len(page.visible_milestone_ids()) == total
    page.focus_filter()
    assert page.filter_edit.hasFocus()
    qtbot.keyClicks(page.filter_edit, "docker")
    qtbot.waitUntil(lambda: len(page.visible_milestone_ids()) < total)  # after a pause
    shown = page.visible_milestone_ids()
    assert 0 < len(shown) < total
    for mid in shown:
        assert "docker" in page.model.milestone_node(mid).search
    assert page.count_label.text() == f"{len(shown)} of {total} shown"
    # Parents of matching milestones are there, expanded.
    px = page.proxy.mapFromSource(page.model.index_for(shown[0]))
    assert px.parent().isValid() and page.tree.isExpanded(px.parent())
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    assert page.filter_edit.text() == ""
    assert len(page.visible_milestone_ids()) == total

    page.level_filter.setCurrentIndex(page.level_filter.findData("lead"))
    lead = page.visible_milestone_ids()
    assert lead and {cur.milestone_by_id[i].level for i in lead} == {"lead"}

    page.level_filter.setCurrentIndex(0)
    ctx.store.set_states({cur.milestones[3].id: "done"})
    ctx.notify(Kinds.PROGRESS)
    page.state_filter.setCurrentIndex(page.state_filter.findData("done"))
    assert page.visible_milestone_ids() == [cur.milestones[3].id]
    page.state_filter.setCurrentIndex(page.state_filter.findData("todo"))
    assert len(page.visible_milestone_ids()) == total - 1
    page.clear_filters()
    assert len(page.visible_milestone_ids()) == total


def test_open_item_reveals_a_milestone_hidden_by_the_filter(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    target = next(m for m in cur.milestones if m.level == "director")
    page.level_filter.setCurrentIndex(page.level_filter.findData("junior"))
    page.open_item(target.id)
    assert page.level_filter.currentIndex() == 0
    ix = page.tree.currentIndex()
    assert ix.data(IdRole) == target.id
    assert page.tree.isExpanded(ix.parent()) and page.tree.isExpanded(ix.parent().parent())
    assert page.detail_title.text() == target.title
    assert page.tree.selectionModel().isRowSelected(ix.row(), ix.parent())


def test_note_saves_after_a_pause_and_on_focus_out_as_one_undo_step(qtbot, ctx, page):
    mid = ctx.store.curriculum().milestones[2].id
    click(qtbot, page, mid)
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "Read the docs")
    assert page.note_timer.isActive()
    qtbot.waitUntil(lambda: ctx.store.progress().get(mid) is not None
                    and ctx.store.progress()[mid].note == "Read the docs", timeout=3000)
    assert page.note_status.text() == "Saved"
    # More typing, then leave the editor: saved at once, merged into the same undo step.
    qtbot.keyClicks(page.note_edit, ", twice")
    page.tree.setFocus()
    page.note_edit.clearFocus()
    qtbot.waitUntil(lambda: ctx.store.progress()[mid].note == "Read the docs, twice",
                    timeout=1000)
    assert ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert ctx.store.progress()[mid].note == ""
    assert page.note_edit.toPlainText() == ""
    ctx.undo_stack.redo()
    assert page.note_edit.toPlainText() == "Read the docs, twice"


def test_switching_milestone_saves_the_pending_note(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    a, b = cur.milestones[0].id, cur.milestones[1].id
    select(page, a)
    qtbot.keyClicks(page.note_edit, "pending")
    select(page, b)
    assert ctx.store.progress()[a].note == "pending"
    assert page.note_edit.toPlainText() == ""
    select(page, a)
    assert page.note_edit.toPlainText() == "pending"


def test_evidence_add_remove_and_undo(qtbot, ctx, page):
    mid = ctx.store.curriculum().milestones[0].id
    select(page, mid)
    qtbot.keyClicks(page.evidence_edit, "https://example.org/<b>repo</b>")
    qtbot.mouseClick(page.evidence_add, Qt.MouseButton.LeftButton)
    ev = ctx.store.evidence(mid)
    assert [e.text for e in ev] == ["https://example.org/<b>repo</b>"]
    assert page.evidence_list.item(0).text() == "https://example.org/<b>repo</b>"
    page.evidence_list.setCurrentRow(0)
    qtbot.keyClick(page.evidence_list, Qt.Key.Key_Delete)
    assert ctx.store.evidence(mid) == []
    ctx.undo_stack.undo()
    assert ctx.store.evidence(mid) == ev
    assert page.evidence_list.item(0).text() == ev[0].text


def test_details_show_catalog_certs_and_reviews_as_plain_text(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    cat = cur.certifications[0]
    m = next(x for x in cur.milestones if x.skill in cat.skills)
    ctx.store.add_reviews([Review(m.id, "needs-work", "<b>x</b> try again", "<i>Ann</i>",
                                  "2025-01-02T00:00:00Z")])
    ctx.notify(Kinds.REVIEWS)
    select(page, m.id)
    assert cat.name in page.certs_label.text()
    assert page.review_card.isVisible()
    assert page.review_verdict.text() == "Needs work"
    assert page.review_comment.text() == "<b>x</b> try again"
    assert page.review_comment.textFormat() == Qt.TextFormat.PlainText
    assert "<i>Ann</i>" in page.review_by.text()
    assert page.review_by.textFormat() == Qt.TextFormat.PlainText
    ix = page.model.index_for(m.id)
    assert page.model.data(ix.siblingAtColumn(STATE_COL)) == "To do · needs work"
    assert ix.siblingAtColumn(STATE_COL).data(Qt.ItemDataRole.DecorationRole) is not None
    # A hostile note shows literally.
    qtbot.keyClicks(page.note_edit, "<b>x</b>")
    page.save_note()
    assert ctx.store.progress()[m.id].note == "<b>x</b>"
    assert page.detail_title.textFormat() == Qt.TextFormat.PlainText
    # A milestone without a review hides the box.
    other = next(x for x in cur.milestones if x.id != m.id)
    select(page, other.id)
    assert not page.review_card.isVisible()


def test_selecting_a_skill_shows_its_summary(qtbot, ctx, page):
    cur = ctx.store.curriculum()
    skill_px = page.proxy.mapFromSource(page.model.index_for(cur.milestones[0].id).parent())
    page.tree.setCurrentIndex(skill_px)
    assert skill_px.data(KindRole) == "skill"
    assert page.detail_title.text() == cur.skill_by_id[cur.milestones[0].skill].title
    assert not page.milestone_box.isVisible()
    assert page.detail_meta.text().startswith("Milestones: 0/")
    # Space on a skill row with no milestone selected expands / collapses it.
    expanded = page.tree.isExpanded(skill_px)
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)
    assert page.tree.isExpanded(skill_px) != expanded
    assert ctx.undo_stack.count() == 0


def test_keyboard_reachability_and_accessible_names(page):
    for w in (page.filter_edit, page.level_filter, page.state_filter, page.tree,
              page.state_combo, page.note_edit, page.evidence_list, page.evidence_edit):
        assert w.accessibleName()
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert page.filter_edit.placeholderText() == "Filter milestones (Ctrl+F)"
    assert page.title == "Skills"


def test_models_pass_the_model_tester(qtbot, qtmodeltester, page):
    qtmodeltester.check(page.model)
    qtbot.keyClicks(page.filter_edit, "kubernetes")
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Return)  # filters at once
    assert page.proxy.is_filtering()
    qtmodeltester.check(page.proxy)
    assert page.proxy.rowCount(QModelIndex()) > 0


def test_external_change_of_everything_updates_in_place(qtbot, ctx, page):
    """After the command line wrote, the window announces every kind: same pack, so the
    tree updates in place (no reset) and keeps the filter and selection."""
    cur = ctx.store.curriculum()
    m = cur.milestones[0]
    page.open_item(m.id)
    page.level_filter.setCurrentIndex(page.level_filter.findData(m.level))
    with qtbot.assertNotEmitted(page.model.modelReset):
        ctx.store.set_states({m.id: "done"})
        ctx.store.set_note(m.id, "from the CLI")
        ctx.notify(*Kinds.ALL)
    assert page.model.index_for(m.id).data(StateRole) == "done"
    assert page.tree.currentIndex().data(IdRole) == m.id
    assert page.level_filter.currentData() == m.level
    assert page.note_edit.toPlainText() == "from the CLI"
    assert page.count_label.text().endswith(" shown")


def test_a_new_curriculum_rebuilds_the_tree(qtbot, ctx, page, tiny_path):
    ctx.store.use_pack(tiny_path)
    with qtbot.waitSignal(page.model.modelReset):
        ctx.notify(Kinds.CURRICULUM)
    ids = page.visible_milestone_ids()
    assert sorted(ids) == sorted(m.id for m in ctx.store.curriculum().milestones)
    n = len(ctx.store.curriculum().levels)
    assert page.level_filter.count() == 1 + n + 1 + n  # all, levels, separator, "Needed for"


def test_an_unsigned_verified_verdict_is_never_shown_as_plainly_verified(qtbot, ctx, page):
    """Issue 12: the State column says "verified (unsigned)" for a verdict nobody signed."""
    m = ctx.store.curriculum().milestones[0]
    ctx.store.add_reviews([Review(m.id, "verified", "", "Grace Hopper",
                                  "2025-01-02T00:00:00Z")])
    ctx.notify(Kinds.REVIEWS)
    ix = page.model.index_for(m.id)
    assert page.model.data(ix.siblingAtColumn(STATE_COL)).endswith("· verified (unsigned)")
    assert "unsigned: not proven" in page.model.data(ix.siblingAtColumn(STATE_COL),
                                                      Qt.ItemDataRole.ToolTipRole)
    page.model.set_review_notes({})  # as for a signed verdict
    assert page.model.data(ix.siblingAtColumn(STATE_COL)).endswith("· verified")
