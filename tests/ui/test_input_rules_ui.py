"""The GUI forms use the Store's own input rules (issue 9 section 4): an earned date in the
future is refused in the certification dialog as it is in the CLI, the profile dialog takes
any printable name (markup included, shown as plain text) and refuses what the Store
refuses, and the date fields stop where the rules stop."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from tracker import validation as v
from tracker.db.errors import InputError
from tracker.ui.dialogs.certification import CertificationDialog
from tracker.ui.pages.study import StudyPage
from tracker.ui.welcome import ProfileDialog

TODAY = date(2026, 11, 30)


def test_the_certification_dialog_refuses_an_earned_date_in_the_future(qtbot):
    d = CertificationDialog([], today=lambda: TODAY)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.name_edit, "<b>CKA</b>")
    qtbot.keyClicks(d.issuer_edit, "CNCF")
    assert d.ok_button.isEnabled() and d.message.text() == ""
    d.earned_edit.setDate(QDate(2026, 12, 1))
    assert not d.ok_button.isEnabled()
    assert d.message.text() == "Earned date 2026-12-01 is in the future."
    assert d.message.textFormat() == Qt.TextFormat.PlainText
    d.earned_edit.setDate(QDate(2026, 11, 30))
    assert d.ok_button.isEnabled()
    # the date fields stop where the file format stops (2199-12-31)
    assert d.expires_edit.maximumDate() == QDate(2199, 12, 31)
    assert d.earned_edit.minimumDate() == QDate(1950, 1, 1)
    d.reject()


def test_the_profile_dialog_takes_any_printable_name_and_refuses_what_the_store_refuses(
        qtbot, ctx):
    d = ProfileDialog(ctx)
    qtbot.addWidget(d)
    assert d.name.maxLength() == v.MAX_NAME
    d.name.setText("Eve\u009b2J")
    assert not d.save_button.isEnabled()
    assert d.hint.text() == "Name contains a control character (U+009B)."
    assert d.hint.textFormat() == Qt.TextFormat.PlainText
    d.name.setText("<b>Ada</b> &amp; Bob")
    assert d.save_button.isEnabled() and d.hint.text() == ""
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert ctx.store.profile().name == "<b>Ada</b> &amp; Bob"


def test_the_study_date_stops_at_today_and_at_the_first_date(qtbot, ctx):
    page = StudyPage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    assert page.date_edit.maximumDate() == QDate(2026, 11, 30)
    assert page.date_edit.minimumDate() == QDate(1950, 1, 1)
    # The Store refuses a later day with the same words as the CLI.
    later = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(InputError, match=f"date {later} is in the future"):
        ctx.store.add_study_session(30, later)
