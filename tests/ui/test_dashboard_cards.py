"""The dashboard's year of study, the streak over the whole history, and the cards that
point elsewhere (certifications expiring soon, a mentor's verdicts that need work), driven
with real mouse and key events on a main window."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tracker.db.store import Store
from tracker.db.types import CertificationInput, Review
from tracker.ui.context import Kinds
from tracker.ui.models.cert_table import CertIdRole
from tracker.ui.pages.dashboard_cards import SHOWN, expiring_soon
from tracker.ui.widgets import clip
from tracker.ui.widgets.charts import HEATMAP_WEEKS
from tracker.ui.widgets.study_totals import heat_totals_text

NOW = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "d", clock=lambda: NOW)
    yield s
    s.close()


def dashboard(qtbot, window, w=1366, h=850):
    window.resize(w, h)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = window.show_page("dashboard")
    page.refresh()
    qtbot.wait(20)
    return page


def study_every_day(store, days: int, minutes: int = 30) -> None:
    """A session on each of the last ``days`` days (straight into the file: fast)."""
    con = sqlite3.connect(store.folder / "tracker.sqlite3")
    with con:
        con.executemany(
            "INSERT INTO study_session (day, minutes, skill_id, note, created_at) "
            "VALUES (?, ?, NULL, '', ?)",
            [((TODAY - timedelta(days=i)).isoformat(), minutes, "2025-03-12T00:00:00.000000Z")
             for i in range(days)])
    con.close()


def test_a_year_of_study_with_a_legend_totals_and_the_whole_streak(qtbot, window, store):
    study_every_day(store, 400)          # longer than the 52 weeks the heatmap shows
    page = dashboard(qtbot, window)
    heat = page.heatmap
    assert HEATMAP_WEEKS == 52 and len(heat._grid) == 52
    assert page.streak_label.text() == "Current streak: 400 days"
    assert "current streak 400 days" in heat.accessibleDescription()
    days = page.heatmap_days(page.data)
    assert page.heat_totals.text() == heat_totals_text(days)
    active = sum(1 for d in days if d.active)
    assert page.heat_totals.text().startswith(f"{active * 30 // 60:,} h")
    assert f"{active:,} active days" in page.heat_totals.text()
    assert page.heat_totals.text().endswith("in the last 52 weeks")
    legend = heat.legend_rect()
    assert heat.rect().contains(legend)                    # drawn inside the widget
    last_cell = heat._item_rects()[-1]
    assert legend.top() > last_cell.bottom()              # under the grid
    # Arrow keys read the cells, from today back.
    heat.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(heat, Qt.Key.Key_Left)
    assert heat._focus_index >= 0
    assert heat._item_tip(heat._focus_index).startswith("Wed 2025-03-12")  # ISO dates


def test_the_heatmap_fits_a_1024_window_and_the_scrollbar_shows(qtbot, window, store):
    study_every_day(store, 30)
    page = dashboard(qtbot, window, 1024, 700)
    body = page.scroll.widget()
    assert body.width() <= page.scroll.viewport().width()
    heat = page.heatmap
    right = heat.mapTo(body, heat.rect().topRight()).x()
    assert right <= page.scroll.viewport().width()
    cells = heat._item_rects()
    assert cells[-1].right() <= heat.width()
    bar = page.scroll.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    assert "QScrollBar::handle:vertical" in QApplication.instance().styleSheet()


def test_expiring_certifications_card_with_days_left_opens_the_certification(
        qtbot, window, store):
    store.add_certification(CertificationInput("Far away", "Org", "2024-01-01", "2027-01-01"))
    soon = store.add_certification(CertificationInput("CKA", "CNCF", "2023-01-01",
                                                      (TODAY + timedelta(days=20)).isoformat()))
    store.add_certification(CertificationInput("AWS ML", "AWS", "2023-01-01",
                                               (TODAY + timedelta(days=1)).isoformat()))
    store.add_certification(CertificationInput("Gone", "Org", "2020-01-01", "2025-01-01"))
    page = dashboard(qtbot, window)
    card = page.certs_card
    assert card.isVisible()
    assert [e.cert.name for e in card.items] == ["AWS ML", "CKA"]
    assert card.details[0].text().startswith("Expires tomorrow · ")
    assert card.details[1].text().startswith("Expires in 20 days · ")
    assert "2 certifications expire within 60 days" in card.intro.text()
    qtbot.mouseClick(card.links[1], Qt.MouseButton.LeftButton)
    assert window.current_key() == "certifications"
    certs = window.page("certifications")
    assert certs.table.currentIndex().data(CertIdRole) == soon.id
    # Nothing expiring: no card.
    assert expiring_soon([], TODAY) == []


def test_mentor_feedback_card_lists_needs_work_and_opens_the_milestone(qtbot, window, store):
    ids = [m.id for m in store.curriculum().milestones]
    titles = {m.id: m.title for m in store.curriculum().milestones}
    page = dashboard(qtbot, window)
    assert not page.feedback_card.isVisible()
    reviews = [Review(ids[i], "needs-work", f"Redo {i} <b>please</b>", "Dana Okafor",
                      f"2025-03-1{i}T10:00:00Z") for i in range(SHOWN + 2)]
    reviews.append(Review(ids[9], "verified", "Good", "Dana Okafor", "2025-03-11T10:00:00Z"))
    store.add_reviews(reviews)
    window.ctx.notify(Kinds.REVIEWS)
    card = page.feedback_card
    qtbot.waitUntil(card.isVisible)
    assert card.title_label.text() == f"Mentor feedback · {SHOWN + 2} need work"
    assert "Dana Okafor" in card.intro.text()
    newest = ids[SHOWN + 1]
    assert card.shown_targets()[0] == newest                 # newest verdict first
    assert card.links[0].full_text() == clip(titles[newest], 80)
    assert titles[newest] in card.links[0].toolTip()
    assert card.details[0].text() == f"“Redo {SHOWN + 1} <b>please</b>”"
    assert card.details[0].textFormat() == Qt.TextFormat.PlainText
    assert card.more.isVisible()
    assert card.more.full_text() == f"and 2 more: show all {SHOWN + 2} in the Skills tree"
    assert ids[9] not in card.shown_targets()                # verified is not feedback
    # Enter on a focused link opens the milestone on the Skills page.
    card.links[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(card.links[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "skills")
    skills = window.page("skills")
    assert skills.tree.currentIndex().isValid()
    assert titles[newest] in str(skills.tree.currentIndex().data())


def test_mentor_feedback_card_opens_the_needs_work_tree(qtbot, window, store):
    ids = [m.id for m in store.curriculum().milestones]
    store.add_reviews([Review(ids[3], "needs-work", "", "Dana", "2025-03-10T10:00:00Z"),
                       Review(ids[8], "needs-work", "", "Dana", "2025-03-11T10:00:00Z"),
                       Review(ids[9], "verified", "", "Dana", "2025-03-11T10:00:00Z")])
    page = dashboard(qtbot, window)
    card = page.feedback_card
    qtbot.waitUntil(card.isVisible)
    assert card.more.isVisible() and card.more.full_text() == "Show all 2 in the Skills tree"
    qtbot.mouseClick(card.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_key() == "skills")
    skills = window.page("skills")
    assert skills.review_filter.currentData() == "needs-work"
    assert skills.visible_milestone_ids() == [ids[3], ids[8]]
