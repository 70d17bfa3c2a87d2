"""The Certifications page through real widgets: the dialog refuses bad input and accepts
good, add/edit/delete with undo, status highlighting, Open Badges import in a worker."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui.conftest import shown
from tracker.db.types import CertificationInput
from tracker.ui.models.cert_table import NAME_COL, SIGNATURE_COL, STATUS_COL
from tracker.ui.operations import AddCertification, perform
from tracker.ui.pages.certifications import CertificationsPage

TODAY = date.today()


@pytest.fixture
def page(ctx, qtbot):
    p = CertificationsPage(ctx)
    shown(qtbot, ctx, p, (1100, 700))
    yield p
    if p.dialog is not None:
        p.dialog.reject()
    p.close()


def names(page):
    m = page.proxy
    return [m.index(r, NAME_COL).data() for r in range(m.rowCount())]


def add_cert(ctx, name="Cert", earned="2024-01-01", expires=None, **kw):
    op = AddCertification(ctx, CertificationInput(name=name, issuer=kw.pop("issuer", "Org"),
                                                  earned=earned, expires=expires, **kw))
    assert perform(ctx, op)
    return op.added


def open_add_dialog(qtbot, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_dialog_refuses_bad_input_and_accepts_good(qtbot, ctx, page):
    d = open_add_dialog(qtbot, page)
    # Empty name.
    assert not d.ok_button.isEnabled()
    assert d.message.text() == "Name must not be empty."
    assert d.message.textFormat() == Qt.TextFormat.PlainText
    qtbot.keyClicks(d.name_edit, "My own cert")
    assert d.message.text() == "Issuer must not be empty."
    qtbot.keyClicks(d.issuer_edit, "Some org")
    assert d.ok_button.isEnabled() and d.message.text() == ""
    # Expiry before earning.
    d.earned_edit.setDate(QDate(2024, 5, 1))
    qtbot.mouseClick(d.has_expiry, Qt.MouseButton.LeftButton)
    assert d.has_expiry.isChecked() and d.expires_edit.isEnabled()
    d.expires_edit.setDate(QDate(2024, 4, 30))
    assert not d.ok_button.isEnabled()
    assert "before the earned date" in d.message.text()
    d.expires_edit.setDate(QDate(2027, 5, 1))
    assert d.ok_button.isEnabled()
    # A bad URL.
    qtbot.keyClicks(d.url_edit, "not a url")
    assert not d.ok_button.isEnabled()
    assert d.message.text().startswith("URL must start with http:// or https://")
    d.url_edit.clear()
    qtbot.keyClicks(d.url_edit, "https://example.org/cert/1")
    assert d.ok_button.isEnabled()
    # Enter in the dialog with the form still invalid does nothing.
    d.name_edit.clear()
    qtbot.keyClick(d.name_edit, Qt.Key.Key_Return)
    assert d.isVisible() and ctx.store.certifications() == []
    qtbot.keyClicks(d.name_edit, "My own cert")
    qtbot.keyClicks(d.credential_edit, "ABC-123")

    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None)
    [c] = ctx.store.certifications()
    assert (c.name, c.issuer, c.earned, c.expires, c.url, c.credential_id, c.catalog_id) == (
        "My own cert", "Some org", "2024-05-01", "2027-05-01", "https://example.org/cert/1",
        "ABC-123", None)
    assert names(page) == ["My own cert"]
    assert page.selected_ids() == [c.id]

    ctx.undo_stack.undo()
    assert ctx.store.certifications() == [] and names(page) == []
    assert page.empty.isVisible()
    ctx.undo_stack.redo()
    assert ctx.store.certifications() == [c]          # the same id and fields
    assert names(page) == ["My own cert"]


def test_name_completes_from_the_catalog_and_fills_issuer(qtbot, ctx, page):
    cat = ctx.store.curriculum().certifications[0]
    d = open_add_dialog(qtbot, page)
    assert d.completer.model().rowCount() == len(ctx.store.curriculum().certifications)
    qtbot.keyClicks(d.name_edit, cat.name[:6])
    assert d.completer.completionCount() >= 1
    d.completer.activated.emit(cat.name)  # what picking the entry in the popup does
    d.name_edit.setText(cat.name)
    assert d.issuer_edit.text() == cat.issuer
    assert d.catalog_id() == cat.id
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    [c] = ctx.store.certifications()
    assert c.catalog_id == cat.id and c.issuer == cat.issuer
    # Renaming it away from the catalog entry unlinks it.
    page.table.selectRow(0)
    d = page.edit_selected()
    d.name_edit.setText("Something else")
    assert d.catalog_id() is None


def test_double_click_edits_and_undo_restores(qtbot, ctx, page):
    c = add_cert(ctx, "Edit me", issuer="Old org")
    ix = page.proxy.index(0, NAME_COL)
    rect = page.table.visualRect(ix)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    d = page.dialog
    assert d is not None and d.windowTitle() == "Edit certification"
    assert d.name_edit.text() == "Edit me" and d.ok_button.text() == "Save"
    d.issuer_edit.setText("New org")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    [after] = ctx.store.certifications()
    assert after.issuer == "New org" and after.id == c.id
    ctx.undo_stack.undo()
    assert ctx.store.certifications() == [c]
    ctx.undo_stack.redo()
    assert ctx.store.certifications() == [after]


def test_delete_key_and_undo_restore_exactly(qtbot, ctx, page):
    a = add_cert(ctx, "Alpha", earned="2023-01-01")
    b = add_cert(ctx, "Beta", earned="2024-01-01", credential_id="X1",
                 url="https://example.org/b")
    assert names(page) == ["Beta", "Alpha"]           # newest first
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert ctx.store.certifications() == [a]
    assert names(page) == ["Alpha"]
    ctx.undo_stack.undo()
    assert ctx.store.certifications() == [b, a]
    # Delete both at once with the button: one undo step.
    page.table.selectAll()
    assert page.delete_button.isEnabled() and not page.edit_button.isEnabled()
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert ctx.store.certifications() == []
    ctx.undo_stack.undo()
    assert ctx.store.certifications() == [b, a]


def test_status_is_highlighted_with_text(qtbot, ctx, page):
    add_cert(ctx, "Fine", expires=(TODAY + timedelta(days=400)).isoformat())
    add_cert(ctx, "Soon", earned="2023-01-01", expires=(TODAY + timedelta(days=20)).isoformat())
    add_cert(ctx, "Gone", earned="2022-01-01", expires=(TODAY - timedelta(days=1)).isoformat())
    m = page.proxy
    status = {m.index(r, NAME_COL).data(): m.index(r, STATUS_COL).data()
              for r in range(m.rowCount())}
    assert status == {"Fine": "Valid", "Soon": "Expires in 20 days", "Gone": "Expired"}
    assert "1 expiring within 60 days" in page.summary.text()
    assert "1 expired" in page.summary.text()
    # Sortable by clicking the header.
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_center(header, STATUS_COL))
    order = [m.index(r, NAME_COL).data() for r in range(m.rowCount())]
    assert order in (["Gone", "Soon", "Fine"], ["Fine", "Soon", "Gone"])


def _section_center(header, col):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    return QPoint(x, header.height() // 2)


def test_hostile_name_shows_literally(qtbot, ctx, page):
    add_cert(ctx, "<b>x</b>", issuer="<i>y</i>")
    assert names(page) == ["<b>x</b>"]
    assert page.proxy.index(0, 1).data() == "<i>y</i>"
    page.table.selectRow(0)
    d = page.edit_selected()
    assert d.name_edit.text() == "<b>x</b>"
    d.reject()


# ---------------------------------------------------------------- Open Badges
def write(tmp_path, name, doc) -> str:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(p)


OB2 = {
    "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
    "id": "https://badges.example.org/assertions/123",
    "recipient": {"type": "email", "hashed": False, "identity": "me@example.org"},
    "issuedOn": "2024-03-05T10:00:00Z", "expires": "2027-03-05T00:00:00Z",
    "badge": {"type": "BadgeClass", "name": "<b>x</b> Kubernetes Badge",
              "issuer": {"type": "Profile", "name": "Cloud Academy"}},
    "verification": {"type": "hosted"},
}

OB3 = {
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://example.edu/issuers/565049", "type": ["Profile"],
               "name": "Example University"},
    "validFrom": "2025-01-15T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
        "id": "https://example.edu/achievements/1", "type": ["Achievement"],
        "name": "MLOps Foundations"}},
}


def test_import_open_badges_2_and_3(qtbot, ctx, page, tmp_path, monkeypatch):
    path2 = write(tmp_path, "badge2.json", OB2)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (path2, "Open Badges (*.json)")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ctx.store.certifications()) == 1 and page.proxy.rowCount() == 1)
    [c] = ctx.store.certifications()
    assert (c.name, c.issuer, c.earned, c.expires, c.source, c.verified) == (
        "<b>x</b> Kubernetes Badge", "Cloud Academy", "2024-03-05", "2027-03-05",
        "openbadges-2.0", False)
    assert page.proxy.index(0, SIGNATURE_COL).data() == "Not signed"
    assert "Imported from an Open Badges 2.0 file" in page.proxy.index(
        0, SIGNATURE_COL).data(Qt.ItemDataRole.ToolTipRole)
    assert page.import_button.isEnabled()
    assert "<b>x</b> Kubernetes Badge" in page.message.text()       # literally
    assert page.message.textFormat() == Qt.TextFormat.PlainText

    page.import_badge(write(tmp_path, "badge3.json", OB3))
    qtbot.waitUntil(lambda: len(ctx.store.certifications()) == 2)
    c3 = next(x for x in ctx.store.certifications() if x.source == "openbadges-3.0")
    assert (c3.name, c3.issuer, c3.earned, c3.expires) == (
        "MLOps Foundations", "Example University", "2025-01-15", None)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 2)
    # An import is one undo step like any add.
    ctx.undo_stack.undo()
    assert len(ctx.store.certifications()) == 1


@pytest.mark.parametrize("content, expect", [
    ("{not json", "not valid JSON"),
    ({"type": "Assertion", "badge": "https://example.org/badge"}, "only links to its badge"),
    ({"hello": "world"}, "not an Open Badges"),
])
def test_broken_badge_shows_one_line_and_adds_nothing(qtbot, ctx, page, tmp_path, content,
                                                      expect):
    page.import_badge(write(tmp_path, "broken.json", content))
    qtbot.waitUntil(lambda: page.import_button.isEnabled())
    assert ctx.store.certifications() == []
    assert ctx.undo_stack.count() == 0
    text = page.message.text()
    assert text.startswith("Could not import broken.json: ") and expect in text
    assert "\n" not in text


def test_model_tester_on_page_models(qtmodeltester, ctx, page):
    add_cert(ctx, "One", expires=(TODAY + timedelta(days=5)).isoformat())
    add_cert(ctx, "Two")
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)


def test_keyboard_and_accessibility(page):
    for w in (page.add_button, page.edit_button, page.delete_button, page.import_button,
              page.table):
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert page.table.accessibleName() == "Certifications"
    assert page.title == "Certifications"


def test_the_dialog_offers_every_badge_form_and_a_baked_png_imports_once(
        qtbot, ctx, page, tmp_path, monkeypatch):
    """Issue 12: .jwt/.jws/.png/.svg are not hidden behind "All files"; the same credential
    imported again is recognised by its id and nothing is added."""
    import struct
    import zlib

    text = json.dumps(OB3).encode()
    itxt = b"openbadgecredential\x00\x00\x00\x00\x00" + text
    chunk = struct.pack(">I", len(itxt)) + b"iTXt" + itxt + struct.pack(
        ">I", zlib.crc32(b"iTXt" + itxt) & 0xFFFFFFFF)
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    png = tmp_path / "baked.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk + iend)
    seen = {}

    def fake_dialog(*args, **kwargs):
        seen["filter"] = args[3]
        return str(png), args[3].split(";;")[0]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ctx.store.certifications()) == 1)
    for pattern in ("*.json", "*.jsonld", "*.jwt", "*.jws", "*.png", "*.svg"):
        assert pattern in seen["filter"].split(";;")[0]
    page.import_badge(png)
    qtbot.waitUntil(lambda: "already imported" in page.message.text())
    assert len(ctx.store.certifications()) == 1
    assert ctx.undo_stack.count() == 1
