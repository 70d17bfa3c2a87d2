"""Issue 14, onboarding: the self-assessment after the welcome (whole levels or skills,
reviewed before saving, one undo step) and the dashboard's three-step getting-started list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tracker import readiness as rd
from tracker.ui.assessment import AssessmentDialog, assessment_changes
from tracker.ui.mainwindow import MainWindow
from tracker.ui.operations import readiness_percents
from tracker.ui.widgets import fmt_percent


def test_a_level_leaves_one_of_options_to_the_stack_and_a_skill_takes_all(store):
    cur = store.curriculum()
    ch = next(c for c in cur.choices if c.level == "mlops")
    others = [m.id for m in cur.milestones if m.level == "mlops" and m.id not in cur.choice_of]
    store.set_states({others[0]: "done", others[1]: "learning"})
    states = store.states()
    marked = assessment_changes(cur, states, {}, ["mlops"], [])
    assert set(marked) == set(others) - {others[0]}  # done already: left out
    assert set(marked.values()) == {"done"}
    assert not set(ch.options) & set(marked)           # no stack: no option is guessed
    stack = {rd.stack_key(ch): rd.stack_options(cur)[rd.stack_key(ch)][0][0]}
    with_stack = assessment_changes(cur, states, stack, ["mlops"], [])
    picked = set(with_stack) & set(ch.options)
    assert len(picked) == 1                            # the learner's option only
    skill = cur.milestone_by_id[ch.options[0]].skill
    by_skill = assessment_changes(cur, states, {}, [], [skill])
    assert set(by_skill) == {m.id for m in cur.milestones if m.skill == skill} - {others[0]}


def _dialog(qtbot, window) -> AssessmentDialog:
    window.show_assessment()
    dlg = window.assessment_dialog
    qtbot.waitExposed(dlg)
    return dlg


def test_assess_review_and_save_as_one_undo_step(qtbot, window, store):
    cur = store.curriculum()
    window.show()
    qtbot.waitExposed(window)
    before = readiness_percents(store)
    dlg = _dialog(qtbot, window)
    assert not dlg.review_button.isEnabled()
    qtbot.mouseClick(dlg.level_boxes["junior"], Qt.MouseButton.LeftButton)
    # a whole skill by keyboard: the first area's first skill, Space on it
    tree = dlg.skill_tree
    area = tree.topLevelItem(tree.topLevelItemCount() - 1)
    skill_item = area.child(0)
    tree.expandAll()
    tree.setFocus()
    tree.setCurrentItem(skill_item)
    qtbot.keyClick(tree.viewport(), Qt.Key.Key_Space)
    assert skill_item.checkState(0) == Qt.CheckState.Checked
    skill = skill_item.data(0, Qt.ItemDataRole.UserRole + 1)
    want = assessment_changes(cur, store.states(), {}, ["junior"], [skill])
    assert f"{len(want)} milestones will be marked done" in dlg.summary.text()

    qtbot.mouseClick(dlg.review_button, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 1
    shown = dlg.review_ids()                          # what will be marked, all of it
    assert sorted(shown) == sorted(want) and len(shown) == len(want)
    assert dlg.save_button.text() == f"Mark {len(want)} done"
    assert store.states() == {} or set(store.states().values()) == {"todo"}  # not yet
    qtbot.mouseClick(dlg.back_button, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 0 and dlg.level_boxes["junior"].isChecked()
    qtbot.mouseClick(dlg.review_button, Qt.MouseButton.LeftButton)
    steps = window.ctx.undo_stack.count()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    states = store.states()
    assert all(states[m] == "done" for m in want)
    assert window.ctx.undo_stack.count() == steps + 1
    after = readiness_percents(store)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Self-assessment: mark {len(want)} milestones done (saved) · ")
    assert fmt_percent(after["junior"]) != fmt_percent(before["junior"])
    window.undo_action.trigger()
    assert all(store.states().get(m, "todo") == "todo" for m in want)


def test_not_now_changes_nothing(qtbot, window, store):
    dlg = _dialog(qtbot, window)
    qtbot.mouseClick(dlg.level_boxes["mlops"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.later_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert window.ctx.undo_stack.count() == 0
    assert not any(s == "done" for s in store.states().values())


def test_the_welcome_leads_to_the_assessment(qtbot, store):
    win = MainWindow(store, welcome=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.welcome_dialog is not None and win.welcome_dialog.isVisible())
    qtbot.keyClicks(win.welcome_dialog.name, "Ada")
    qtbot.mouseClick(win.welcome_dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(win, "assessment_dialog", None) is not None
                    and win.assessment_dialog.isVisible())
    win.assessment_dialog.reject()


def test_getting_started_ticks_each_step_and_goes_away(qtbot, window, store):
    window.resize(1366, 850)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("dashboard")
    page.refresh()
    card = page.checklist_card
    assert card.isVisible()
    assert card.title_label.text() == "Getting started · 0 of 3 done"
    links = {k: link for k, (_m, link, _d) in card.rows.items()}
    assert all(link.isVisible() for link in links.values())

    # step 1 through its link: the assessment opens; marking something ticks it
    qtbot.mouseClick(links["assess"], Qt.MouseButton.LeftButton)
    dlg = card.dialog
    assert isinstance(dlg, AssessmentDialog)
    qtbot.mouseClick(dlg.level_boxes["junior"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.review_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert card.title_label.text() == "Getting started · 1 of 3 done"
    mark, link, done = card.rows["assess"]
    assert mark.text() == "✓" and link.isHidden() and done.isVisible()

    store.set_profile(target_level="senior")
    window.ctx.notify("profile")
    assert card.title_label.text() == "Getting started · 2 of 3 done"

    # step 3's link opens the Study log; a session logged there ends the list
    links["study"].setFocus()
    qtbot.keyClick(links["study"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "study")
    store.add_study_session(30)
    window.ctx.notify("study")
    window.show_page("dashboard")
    qtbot.waitUntil(lambda: card.isHidden())
    assert QApplication.activeModalWidget() is None


def test_getting_started_can_be_put_away_and_never_shows_in_review_mode(qtbot, window, store):
    window.resize(1366, 850)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("dashboard")
    page.refresh()
    card = page.checklist_card
    assert card.isVisible()
    qtbot.mouseClick(card.hide_link, Qt.MouseButton.LeftButton)
    assert card.isHidden()
    page.refresh()
    assert card.isHidden()  # remembered (ui.ini in the data folder)
    again = MainWindow(store, welcome=False, page="dashboard")
    qtbot.addWidget(again)
    again.page("dashboard").refresh()
    assert again.page("dashboard").checklist_card.isHidden()


def test_review_mode_has_no_getting_started(qtbot, window, store):
    window.ctx.read_only = True
    page = window.show_page("dashboard")
    page.refresh()
    assert page.checklist_card.isHidden()


def test_assessment_by_keyboard_only(qtbot, window, store):
    dlg = _dialog(qtbot, window)
    first = dlg.level_boxes["junior"]
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert first.isChecked() and dlg.review_button.isEnabled()
    qtbot.keyClick(first, Qt.Key.Key_Return)  # the default button: Review…
    assert dlg.pages.currentIndex() == 1 and dlg.save_button.hasFocus()
    qtbot.keyClick(dlg.save_button, Qt.Key.Key_Return)
    assert not dlg.isVisible()
    assert any(s == "done" for s in store.states().values())
