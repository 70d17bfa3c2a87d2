"""The keyboard, driven with real key events: date fields type as written and are one Tab
stop, Tab leaves the tables, Enter opens a focused link, and every menu's mnemonics are
unique (so Alt+letter always reaches the one item it names)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMenu, QTableView

from tracker.exchange.progress import export_progress, read_progress_file
from tracker.ui.widgets import LinkButton
from tracker.ui.widgets.dates import DATE_FORMAT, DateField

TODAY = date(2025, 3, 12)


def focused():
    return QApplication.focusWidget()


def activate(qtbot, w) -> None:
    """Show ``w`` as the active window (key events follow the focus of the active one)."""
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)


def type_text(qtbot, text: str) -> None:
    """Type into whatever has the focus, one key event per character (as a person does)."""
    for ch in text:
        qtbot.keyClick(focused(), ch)


# ------------------------------------------------------------------ mnemonics
def mnemonic(text: str) -> str | None:
    m = re.search(r"&([^&])", text.replace("&&", ""))
    return m.group(1).casefold() if m else None


def menu_problems(menu: QMenu, where: str) -> list[str]:
    """Items of ``menu`` (and its submenus) without a mnemonic or sharing one."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for a in menu.actions():
        if a.isSeparator() or not a.isVisible():
            continue
        text = a.text()
        key = mnemonic(text)
        if key is None:
            problems.append(f"{where} › {text!r} has no mnemonic")
        elif key in seen:
            problems.append(f"{where} › {text!r} and {seen[key]!r} share Alt+{key.upper()}")
        else:
            seen[key] = text
        if a.menu() is not None:
            problems += menu_problems(a.menu(), f"{where} › {text}")
    return problems


def window_problems(win) -> list[str]:
    problems: list[str] = []
    top: dict[str, str] = {}
    for a in win.menuBar().actions():
        if a.menu() is None or not a.isVisible():
            continue
        key = mnemonic(a.text())
        if key is None or key in top:
            problems.append(f"menu bar: {a.text()!r} has no unique mnemonic")
        else:
            top[key] = a.text()
        problems += menu_problems(a.menu(), a.text().replace("&", ""))
    return problems


def test_every_menu_of_the_main_window_has_unique_mnemonics(window):
    assert window_problems(window) == []


def test_every_menu_of_the_review_window_has_unique_mnemonics(qtbot, store, tmp_path):
    from tracker.ui.review.review_window import ReviewWindow

    store.set_profile(name="Ann", target_level="mlops")
    path = tmp_path / "ann.mlops-progress.json"
    export_progress(store, path)
    rw = ReviewWindow(read_progress_file(path), settings_folder=tmp_path / "mentor", path=path,
                      local_curriculum=store.curriculum())
    qtbot.addWidget(rw)
    rw._discard_ok = True
    assert window_problems(rw) == []


# ------------------------------------------------------------------ dates
@pytest.fixture
def form(qtbot):
    """A date field between two line edits, with a label whose Alt+E focuses it."""
    from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

    w = QWidget()
    lay = QVBoxLayout(w)
    w.before, w.after = QLineEdit(), QLineEdit()
    w.field = DateField("Earned on", lo=date(1950, 1, 1), hi=date(2199, 12, 31))
    w.field.setDate(QDate(2027, 2, 2))
    lab = QLabel("&Earned on")
    lab.setBuddy(w.field)
    for x in (w.before, lab, w.field, w.after):
        lay.addWidget(x)
    qtbot.addWidget(w)
    activate(qtbot, w)
    w.before.setFocus()
    qtbot.waitUntil(lambda: w.before.hasFocus())
    return w


def arrive(qtbot, field, key=Qt.Key.Key_Tab, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    assert focused() is field
    qtbot.wait(10)  # the field picks its section on the next turn of the event loop


def test_a_typed_iso_date_is_the_date(qtbot, form):
    arrive(qtbot, form.field)
    type_text(qtbot, "2025-06-15")
    assert form.field.date().toString(DATE_FORMAT) == "2025-06-15"  # not 2025-02-06


def test_a_date_typed_after_the_label_shortcut_replaces_the_old_one(qtbot, form):
    arrive(qtbot, form.field, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, "2024-03-09")
    assert form.field.iso() == "2024-03-09"
    # Again, while the field still has the focus (the cursor sits after the date).
    qtbot.keyClick(focused(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, "2023-11-30")
    assert form.field.iso() == "2023-11-30"


def test_select_all_then_type_and_short_forms(qtbot, form):
    qtbot.mouseClick(form.field.lineEdit(), Qt.MouseButton.LeftButton,
                     pos=form.field.lineEdit().rect().center())
    assert focused() is form.field
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "2024-03-09")
    assert form.field.iso() == "2024-03-09"  # not 2025-03-09
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "2021-6-7")
    assert form.field.iso() == "2021-06-07"
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "20200304")
    assert form.field.iso() == "2020-03-04"


def test_one_tab_leaves_a_date_field_both_ways(qtbot, form):
    arrive(qtbot, form.field)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is form.after
    arrive(qtbot, form.field, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is form.before
    # The arrow keys still step the section under the cursor.
    arrive(qtbot, form.field)
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert form.field.iso() == "2028-02-02"


def test_certification_dialog_dates_typed_from_the_keyboard(qtbot, ctx):
    from tracker.ui.pages.certifications import CertificationsPage

    page = CertificationsPage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    d = page.add()
    activate(qtbot, d)
    qtbot.waitUntil(lambda: d.name_edit.hasFocus())
    # (The name is set, not typed: its completer popup is a window of its own, which the
    # offscreen platform leaves active and with the focus; a real desktop does not.)
    d.name_edit.setText("My cert")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(qtbot, "Org")
    arrive(qtbot, d.earned_edit)
    type_text(qtbot, "2024-06-15")
    assert d.earned_edit.iso() == "2024-06-15", d.earned_edit.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is d.has_expiry
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    arrive(qtbot, d.expires_edit)
    type_text(qtbot, "2027-06-15")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is d.credential_edit
    assert d.value().earned == "2024-06-15" and d.value().expires == "2027-06-15"
    assert d.ok_button.isEnabled()
    d.reject()


def test_study_form_by_keyboard_one_tab_per_field(qtbot, ctx):
    from tracker.ui.pages.study import StudyPage

    page = StudyPage(ctx, today=lambda: TODAY)
    ctx.changed.connect(page.on_changed)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    activate(qtbot, page)
    page.date_edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(10)
    type_text(qtbot, "2025-03-01")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is page.minutes_spin
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "45")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is page.skill_combo
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is page.note_edit
    type_text(qtbot, "read")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    [s] = ctx.store.study_sessions()
    assert (s.day, s.minutes, s.note) == ("2025-03-01", 45, "read")


# ------------------------------------------------------------------ tables and links
def test_tab_leaves_the_certifications_and_study_tables(qtbot, window, store):
    from tracker.db.types import CertificationInput

    for i in range(4):
        store.add_certification(CertificationInput(f"Cert {i}", "Org", f"2024-01-0{i + 1}"))
        store.add_study_session(30, f"2024-01-0{i + 1}", None, "")
    window.resize(1240, 800)
    activate(qtbot, window)
    for key in ("certifications", "study"):
        page = window.show_page(key)
        page.reload()
        table: QTableView = page.table
        assert not table.tabKeyNavigation()
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        table.setCurrentIndex(table.model().index(0, 0))
        qtbot.keyClick(table, Qt.Key.Key_Right)       # arrows still move inside
        assert table.currentIndex().column() == 1
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert focused() is not None and focused() is not table, key
        qtbot.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert focused() is table, key
        qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert focused() is not table, key


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space])
def test_enter_opens_a_focused_link(qtbot, key):
    b = LinkButton("Open this milestone")
    qtbot.addWidget(b)
    activate(qtbot, b)
    b.setFocus()
    qtbot.waitUntil(b.hasFocus)
    with qtbot.waitSignal(b.clicked, timeout=2000):
        qtbot.keyClick(b, key)


def test_enter_on_a_dashboard_next_step_opens_it_on_the_skills_page(qtbot, window):
    window.resize(1240, 800)
    activate(qtbot, window)
    dash = window.show_page("dashboard")
    button = next(b for b in dash.step_buttons if not b.isHidden())
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "skills")


# ------------------------------------------------------------------ undo from a text box
def test_ctrl_z_in_a_box_with_nothing_to_undo_undoes_the_last_change(qtbot, window, store):
    from tracker.ui.operations import SetStates, perform

    window.resize(1240, 800)
    activate(qtbot, window)
    skills = window.show_page("skills")
    m = store.curriculum().milestones[0].id
    assert perform(window.ctx, SetStates(window.ctx, {m: "done"}, text="Mark it done"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Edit > Find
    box = skills.filter_edit
    qtbot.waitUntil(box.hasFocus)
    assert not box.isUndoAvailable()
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.states().get(m, "todo") == "todo"          # the tick was undone
    qtbot.keyClick(box, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.states().get(m) == "done"                  # and redone
    # Text typed in the box is the box's own to undo first.
    qtbot.keyClicks(box, "canary")
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == "" and store.states().get(m) == "done"
