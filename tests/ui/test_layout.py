"""Layout on small windows and with long text: a long name wraps on the dashboard, the
certifications' Name column keeps its room at 1024x700, and long status messages and undo
steps are cut with "…" (never mid-word without a mark)."""

from __future__ import annotations


from tracker.db.types import CertificationInput
from tracker.ui.models.cert_table import NAME_COL
from tracker.ui.operations import AddCertification, perform
from tracker.ui.widgets import clip

LONG_NAME = ("Maximiliana Theodora Evangelina Bartholomew-Fitzgerald von Hohenzollern-"
             "Sigmaringen de la Cruz y Montenegro Alexandrovna Ng")[:120].ljust(120, "x")


def show(qtbot, window, w, h):
    window.resize(w, h)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.width() == w)


def test_a_120_character_name_wraps_instead_of_widening_the_dashboard(qtbot, window, store):
    store.set_profile(name=LONG_NAME, target_level="senior")
    show(qtbot, window, 1024, 700)
    dash = window.show_page("dashboard")
    dash.refresh()
    qtbot.wait(50)
    body = dash.scroll.widget()
    assert body.width() <= dash.scroll.viewport().width()
    assert dash.name_label.height() > dash.name_label.fontMetrics().height() * 1.5  # wrapped
    assert dash.name_label.text().replace("\u200b", "") == LONG_NAME
    assert dash.name_label.accessibleName() == LONG_NAME
    for card in (dash.summary, dash.steps_card, dash.study_card):
        right = card.mapTo(body, card.rect().topRight()).x()
        assert right <= dash.scroll.viewport().width(), card.objectName()
    # Even one very long word wraps.
    store.set_profile(name="x" * 120)
    dash.refresh()
    qtbot.wait(50)
    assert body.width() <= dash.scroll.viewport().width()


def test_the_certification_name_column_keeps_its_room_at_1024x700(qtbot, window, store):
    store.add_certification(CertificationInput("Certified Kubernetes Administrator", "CNCF",
                                               "2024-03-01"))
    show(qtbot, window, 1024, 700)
    page = window.show_page("certifications")
    qtbot.wait(50)
    table = page.table
    name_w = table.columnWidth(NAME_COL)
    assert name_w >= 220, name_w
    others = sum(table.columnWidth(c) for c in range(1, 6))
    assert name_w + others <= table.viewport().width() + 1
    # Wide windows give the other columns (about) their full width back.
    show(qtbot, window, 1366, 850)
    qtbot.wait(50)
    assert table.columnWidth(1) >= 190 and table.columnWidth(NAME_COL) > 350


def test_long_status_messages_are_elided_with_an_ellipsis(qtbot, window):
    show(qtbot, window, 1024, 700)
    message = "Imported 3 verdicts from " + "a very patient mentor " * 20 + "(saved)"
    window.ctx.status_message.emit(message)
    shown = window.statusBar().currentMessage()
    assert shown.endswith("…") and len(shown) < len(message)
    assert window.statusBar().fontMetrics().horizontalAdvance(shown) < window.statusBar().width()
    assert "a very patient mentor" in window.statusBar().toolTip()
    window.ctx.status_message.emit("Saved")
    assert window.statusBar().currentMessage() == "Saved"
    assert window.statusBar().toolTip() == ""
    # A window not shown yet has no width to fit: the message stays whole.
    window.hide()
    window.ctx.status_message.emit(message)
    assert window.statusBar().currentMessage() == " ".join(message.split())


def test_undo_steps_cut_long_names_at_a_word_with_an_ellipsis(ctx):
    name = "Create an isolated virtual environment for a project and pin it"
    op = AddCertification(ctx, CertificationInput(name, "Org", "2024-01-01"))
    assert op.text() == "Add certification Create an isolated virtual environment…"
    assert clip("short name") == "short name"
    assert clip("y" * 60) == "y" * 39 + "…"
    assert perform(ctx, op)
    assert ctx.undo_stack.undoText() == op.text()
