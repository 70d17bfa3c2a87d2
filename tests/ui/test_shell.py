"""The main window shell: pages, shortcuts, menus, undo/redo, theme, settings, external
changes, the welcome dialog and plain-text rendering of hostile names."""

from __future__ import annotations

import importlib.util

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout

from tracker import readiness as rd
from tracker.db.store import Store
from tracker.ui.context import Kinds
from tracker.ui.mainwindow import PAGE_KEYS, MainWindow
from tracker.ui.operations import SetStates, perform
from tracker.ui.pages.base import Page
from tracker.ui.widgets import fmt_percent


class StandIn(Page):
    """Records what the shell asks of a page (used when a real page is not wanted)."""

    title = "Stand-in"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.opened: list[object] = []
        self.changes: list[frozenset[str]] = []
        self.filter = QLineEdit()
        QVBoxLayout(self).addWidget(self.filter)

    def on_changed(self, kinds):
        self.changes.append(kinds)

    def open_item(self, arg):
        self.opened.append(arg)

    def focus_filter(self):
        self.filter.setFocus()
        self.filter.selectAll()


def _factories(force: bool = False) -> dict:
    """Stand-ins for the pages another part of the app provides, when they are missing
    (or always, with ``force``)."""
    out = {}
    for key, module in (("skills", "tracker.ui.pages.skills"),
                        ("certifications", "tracker.ui.pages.certifications"),
                        ("study", "tracker.ui.pages.study")):
        if force or importlib.util.find_spec(module) is None:
            out[key] = StandIn
    return out


@pytest.fixture
def make_window(qtbot, store):
    windows = []

    def make(*, s=None, welcome=False, stand_ins=False, **kw):
        win = MainWindow(s or store, welcome=welcome, factories=_factories(stand_ins), **kw)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for w in windows:
        w.settings.sync()


def _activate(qtbot, win):
    win.activateWindow()
    win.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)


def test_title_sidebar_and_lazy_pages(make_window):
    win = make_window()
    assert win.windowTitle() == "MLOps Career Tracker"
    assert [win.sidebar.item(i).text() for i in range(win.sidebar.count())] == [
        "Dashboard", "Skills", "Levels", "Certifications", "Study log"]
    assert all(not win.sidebar.item(i).icon().isNull() for i in range(5))
    assert win.current_key() == "dashboard"
    assert set(win.built_pages()) == {"dashboard"}  # the others are built on first show


def test_ctrl_number_switches_pages(qtbot, make_window):
    win = make_window()
    _activate(qtbot, win)
    for n, key in enumerate(PAGE_KEYS, start=1):
        qtbot.keyClick(win, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)
        assert win.current_key() == key
        assert win.stack.currentWidget() is win.page(key)
        assert win.sidebar.currentRow() == n - 1


def test_sidebar_selection_switches_page(make_window):
    win = make_window()
    win.sidebar.setCurrentRow(2)
    assert win.current_key() == "levels"
    assert win.stack.currentWidget().objectName() == "levelsPage"


def test_find_switches_to_skills_and_focuses_the_filter(qtbot, make_window):
    win = make_window()
    _activate(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "skills"
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert win.page("skills").isAncestorOf(QApplication.focusWidget())


def test_navigate_opens_the_item_on_the_page(make_window, store):
    win = make_window(stand_ins=True)
    mid = store.curriculum().milestones[3].id
    win.ctx.navigate.emit("skills", mid)
    assert win.current_key() == "skills"
    assert win.page("skills").opened == [mid]


def test_changes_reach_every_built_page(make_window, store):
    win = make_window(stand_ins=True)
    win.show_page("skills")
    perform(win.ctx, SetStates(win.ctx, {store.curriculum().milestones[0].id: "done"}))
    assert win.page("skills").changes[-1] == frozenset({Kinds.PROGRESS})


def test_menus_have_the_expected_shortcuts(make_window):
    win = make_window()
    assert win.undo_action.shortcut() == QKeySequence("Ctrl+Z")
    assert set(win.redo_action.shortcuts()) == {QKeySequence("Ctrl+Shift+Z"),
                                               QKeySequence("Ctrl+Y")}
    assert win.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert win.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]
    for menu_action in win.menuBar().actions():  # no dead items
        for a in menu_action.menu().actions():
            if a.isSeparator() or a.menu():
                continue
            assert a.receivers("2triggered(bool)") > 0 or a in (win.undo_action,
                                                                 win.redo_action), a.text()


def test_undo_redo_through_the_menu_actions_update_the_dashboard(qtbot, make_window, store):
    win = make_window()
    dash = win.page("dashboard")
    cur = store.curriculum()
    junior = [m.id for m in cur.milestones if m.level == "junior"][:10]
    before = dash.next_percent_label.text()
    assert not win.undo_action.isEnabled()
    perform(win.ctx, SetStates(win.ctx, {m: "done" for m in junior}))
    expected = fmt_percent(rd.level_readiness(cur, store.states(), "junior").percent)
    assert dash.next_percent_label.text().startswith(expected)
    assert "saved" in win.statusBar().currentMessage()
    assert win.undo_action.isEnabled()
    win.undo_action.trigger()
    assert store.states().get(junior[0], "todo") == "todo"
    assert dash.next_percent_label.text() == before
    win.redo_action.trigger()
    assert store.states()[junior[0]] == "done"
    assert dash.next_percent_label.text().startswith(expected)


def test_error_shows_a_plain_text_message_box(qtbot, make_window):
    win = make_window()
    win.ctx.error.emit("<b>broken</b> thing")
    box = win.last_error_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == "<b>broken</b> thing"
    box.accept()


def test_theme_choice_is_exclusive_applied_and_remembered(qtbot, make_window, store):
    win = make_window()
    try:
        win.theme_actions["dark"].trigger()
        assert win.theme_actions["dark"].isChecked()
        assert not win.theme_actions["light"].isChecked()
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
        win.close()
        again = make_window()
        assert again.theme_name() == "dark"
        assert again.theme_actions["dark"].isChecked()
        again.theme_actions["light"].trigger()
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
    finally:
        from tracker.ui import theme

        theme.apply_theme(QApplication.instance(), "light")


def test_settings_remember_last_page_and_geometry(make_window):
    win = make_window()
    win.show_page("levels")
    win.resize(1111, 733)
    win.close()
    again = make_window()
    assert again.current_key() == "levels"
    assert set(again.built_pages()) == {"levels"}
    avail = again.screen().availableGeometry()  # restoring keeps the window on screen
    assert again.height() == min(733, avail.height())
    assert again.width() == max(again.minimumWidth(), min(1111, avail.width()))


def test_external_change_shows_after_window_activation(qtbot, make_window, store):
    win = make_window()
    dash = win.page("dashboard")
    assert not win.check_external_changes()  # nothing changed: no refresh
    cur = store.curriculum()
    ids = [m.id for m in cur.milestones if m.level == "junior"][:7]
    other = Store.open(store.folder)  # the command line, in another connection
    try:
        other.set_states({m: "done" for m in ids}, source="cli")
        other.set_profile(name="Grace")
    finally:
        other.close()
    expected = fmt_percent(rd.level_readiness(cur, store.states(), "junior").percent)
    assert not dash.next_percent_label.text().startswith(expected)
    QApplication.sendEvent(win, QEvent(QEvent.Type.WindowActivate))
    assert dash.next_percent_label.text().startswith(expected)
    assert win.windowTitle() == "MLOps Career Tracker — Grace"
    assert not win.check_external_changes()


def test_hostile_name_shows_literally(make_window, store):
    store.set_profile(name="<b>x</b>")
    win = make_window()
    assert "<b>x</b>" in win.windowTitle()
    name = win.page("dashboard").name_label
    assert name.textFormat() == Qt.TextFormat.PlainText
    assert name.text() == "<b>x</b>"


def test_welcome_on_first_start_saves_through_an_undoable_operation(qtbot, make_window, store):
    win = make_window(welcome=True)
    qtbot.waitUntil(lambda: win.welcome_dialog is not None and win.welcome_dialog.isVisible())
    dlg = win.welcome_dialog
    assert not dlg.save_button.isEnabled()  # a name is needed to save
    qtbot.keyClicks(dlg.name, "Ada")
    dlg.target.setCurrentIndex(dlg.target.findData("senior"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.welcome_dialog is None)
    assert store.profile().name == "Ada" and store.profile().target_level == "senior"
    assert win.windowTitle() == "MLOps Career Tracker — Ada"
    assert "Senior MLOps Engineer" in win.page("dashboard").target_label.text()
    win.undo_action.trigger()
    assert store.profile().name == ""
    assert win.windowTitle() == "MLOps Career Tracker"


def test_welcome_skip_is_remembered(qtbot, make_window, store):
    win = make_window(welcome=True)
    qtbot.waitUntil(lambda: win.welcome_dialog is not None and win.welcome_dialog.isVisible())
    qtbot.mouseClick(win.welcome_dialog.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.welcome_dialog is None)
    assert store.profile().name == ""
    win.close()
    again = make_window(welcome=True)
    assert not again.needs_welcome()
    assert again.welcome_dialog is None


def test_no_welcome_when_a_name_is_set(make_window, store):
    store.set_profile(name="Ada")
    win = make_window(welcome=True)
    assert not win.needs_welcome()
