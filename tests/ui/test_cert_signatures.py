"""Each certification's one signature state, shown everywhere it is: real badge files (a
signed DCC fixture, an unsigned OB 0.5 assertion, a did:web one that cannot be checked
offline) and a progress file whose signed badge was edited after signing. The table's cell,
icon, tooltip and screen-reader text; the edit dialog; the Levels card; the export; the
HTML report; a mentor's review window, which checks the file's badges itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tracker.db.types import CertificationInput
from tracker.exchange.openbadges import load_badge
from tracker.exchange.progress import (
    build_progress_document,
    dumps_document,
    export_progress,
    read_progress_bytes,
    read_progress_file,
    with_integrity,
)
from tracker.reports.data import own_progress, report_data
from tracker.reports.html import render_html
from tracker.ui.models.cert_table import NAME_COL, SIGNATURE_COL, VerificationRole
from tracker.ui.pages.certifications import CertificationsPage
from tracker.ui.pages.levels import LevelsPage

BADGES = Path(__file__).parents[1] / "fixtures" / "badges"
SIGNED = "dcc-v2-eddsa-rdfc-2022-basic.json"     # eddsa-rdfc-2022 by a did:key
KEY = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
SHORT = "did:key:z6MknNQD1WHLGGra…"
D = Qt.ItemDataRole


def _import(store, name):
    return store.add_certification(load_badge(BADGES / name))


@pytest.fixture
def held(store):
    """A signed badge, an unsigned one, one whose key is on the web, one typed in."""
    _import(store, SIGNED)
    _import(store, "validator-core-ob0.5.1-issued_on.json")
    _import(store, "dcc-v2-didweb.json")
    store.add_certification(CertificationInput(
        "Certified Kubernetes Administrator (CKA)", "The Linux Foundation", "2025-03-01"))
    return store


def _tampered(doc: dict) -> str:
    """The progress document with its signed badge's name changed inside the credential
    (and the digest recomputed, as anyone can)."""
    doc = json.loads(json.dumps(doc))
    doc.pop("integrity")
    for c in doc["certifications"]:
        if c["verification"] == "verified":
            c["raw"] = c["raw"].replace("Teamwork", "Doctorate")
            c["name"] = "Doctorate"
    return dumps_document(with_integrity(doc))


def _rows(page):
    m = page.proxy
    return {m.index(r, NAME_COL).data(): m.index(r, SIGNATURE_COL)
            for r in range(m.rowCount())}


def test_the_table_shows_each_state_with_icon_tooltip_and_spoken_text(qtbot, ctx, held):
    page = CertificationsPage(ctx)
    qtbot.addWidget(page)
    rows = _rows(page)
    cell = rows["Teamwork"]
    assert cell.data() == "Verified"
    assert cell.data(VerificationRole) == "verified"
    assert cell.data(D.DecorationRole) is not None
    assert KEY in cell.data(D.ToolTipRole) and "Signature verified" in cell.data(D.ToolTipRole)
    assert cell.data(D.AccessibleTextRole).startswith(f"Signature verified (key {KEY}#")
    unsigned = rows["Basic McBadge"]
    assert unsigned.data() == "Not signed" and unsigned.data(D.DecorationRole) is None
    assert "learner&#x27;s own record" in unsigned.data(D.ToolTipRole)  # escaped
    offline = rows["Bachelors - v2 - revoked"]  # its key is a did:web
    assert offline.data() == "Cannot check offline"
    assert offline.data(D.AccessibleTextRole) == (
        "Cannot be checked offline. Imported from an Open Badges 3.0 file.")
    typed = rows["Certified Kubernetes Administrator (CKA)"]
    assert typed.data() == "Not signed"
    assert typed.data(D.AccessibleTextRole) == "Not signed. Entered by hand."
    assert page.summary.text() == "4 certifications · 1 signature-verified"


def test_a_badge_with_a_revocation_list_says_revocation_is_not_checked(qtbot, ctx, store):
    _import(store, "dcc-v2-didweb-revoked-status.json")
    page = CertificationsPage(ctx)
    qtbot.addWidget(page)
    [cell] = _rows(page).values()
    assert cell.data() == "Cannot check offline"
    assert "Revocation: not checked" in cell.data(D.ToolTipRole)
    assert cell.data(D.AccessibleTextRole) == (
        "Cannot be checked offline. Revocation: not checked (revocation lists need the "
        "network). Imported from an Open Badges 3.0 file.")


def test_export_carries_the_state_and_a_reader_checks_it_again(held, tmp_path):
    path = tmp_path / "ann.mlops-progress.json"
    export_progress(held, path)
    doc = json.loads(path.read_text("utf-8"))
    by_name = {c["name"]: c for c in doc["certifications"]}
    signed = by_name["Teamwork"]
    assert (signed["verification"], signed["verified"]) == ("verified", True)
    assert signed["issuer_key"].startswith(KEY)
    assert by_name["Basic McBadge"]["verification"] == "unsigned"
    assert by_name["Bachelors - v2 - revoked"]["verification"] == "unverifiable-offline"
    # Older files (no "verification") still read; the badge is checked from itself.
    for c in doc["certifications"]:
        del c["verification"], c["issuer_key"]
    doc.pop("integrity")
    reading = read_progress_bytes(dumps_document(with_integrity(doc)))
    certs = {c.name: c for c in reading.to_snapshot().certifications}
    assert certs["Teamwork"].verification == "verified"


def test_a_badge_edited_after_signing_does_not_match_in_report_and_restore(held, tmp_path):
    doc = build_progress_document(held.snapshot(with_history=False))
    reading = read_progress_bytes(_tampered(doc), "edited")
    assert reading.integrity == "ok"  # the digest was recomputed: only the signature tells
    html = render_html(report_data(reading))
    assert '<span class="sig bad">Signature does not match</span>' in html
    assert "Doctorate" in html
    mine, signatures = own_progress(held)  # the learner's own report, as the app makes it
    own = render_html(report_data(mine, signatures=signatures))
    assert f'title="{KEY}#' in own and f"Signature verified (key {SHORT})" \
        in own
    assert "Cannot be checked offline" in own and "Not signed" in own

    # Restoring the edited file keeps the badge, marked as not matching.
    held.replace_all(reading.to_snapshot())
    states = {c.name: held.cert_verification(c)[0] for c in held.certifications()}
    assert states == {"Doctorate": "invalid-signature", "Basic McBadge": "unsigned",
                      "Bachelors - v2 - revoked": "unverifiable-offline",
                      "Certified Kubernetes Administrator (CKA)": "unsigned"}


def test_the_edit_dialog_names_the_signature_and_locks_signed_fields(qtbot, ctx, held):
    page = CertificationsPage(ctx)
    qtbot.addWidget(page)
    for name, locked in (("Teamwork", True), ("Basic McBadge", False)):
        cid = next(c.id for c in held.certifications() if c.name == name)
        page.open_item(cid)
        dialog = page.edit_selected()
        assert dialog is not None
        assert dialog.signature_label is not None
        assert dialog.signature_label.textFormat() == Qt.TextFormat.PlainText
        assert dialog.name_edit.isReadOnly() is locked
        assert dialog.earned_edit.isEnabled() is not locked
        if locked:
            assert dialog.signature_label.text().startswith(f"Signature verified (key {KEY}")
        else:
            assert dialog.signature_label.text() == "Not signed."
        dialog.reject()


def test_delete_forgets_the_check_so_a_reused_id_is_not_verified(store):
    c = _import(store, SIGNED)
    assert store.cert_verification(c)[0] == "verified"
    undo = store.delete_certification(c.id)
    typed = store.add_certification(CertificationInput("Typed", "Me", "2024-01-01"))
    assert typed.id == c.id  # SQLite reused the id
    assert store.cert_verification(store.certifications()[0]) == ("unsigned", "")
    store.delete_certification(typed.id)
    back = store.restore_certification(undo)  # undo brings the check back with it
    assert store.cert_verification(back)[0] == "verified"
    assert store.certifications()[0].verification == "verified"


def test_levels_card_says_whether_a_held_certification_is_signature_verified(
        qtbot, ctx, store):
    store.add_certification(CertificationInput(
        "Certified Kubernetes Administrator (CKA)", "The Linux Foundation", "2025-03-01"))
    page = LevelsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    text = page.cards["mlops"].certs.text()
    assert "• Certified Kubernetes Administrator (CKA): held, not signed" in text
    assert "more recommended for this level, not held" in text
    assert page.cards["mlops"].certs.textFormat() == Qt.TextFormat.PlainText


def test_the_review_window_checks_the_learners_badges_itself(qtbot, held, tmp_path):
    from tracker.ui.review.review_window import ReviewWindow

    doc = build_progress_document(held.snapshot(with_history=False))
    path = tmp_path / "edited.mlops-progress.json"
    path.write_text(_tampered(doc), "utf-8")
    rw = ReviewWindow(read_progress_file(path), settings_folder=held.folder)
    qtbot.addWidget(rw)
    page = rw.page("certifications")
    rows = _rows(page)
    assert rows["Doctorate"].data() == "Does not match"
    assert rows["Doctorate"].data(D.AccessibleTextRole).startswith("Signature does not match.")
    assert rows["Bachelors - v2 - revoked"].data() == "Cannot check offline"
    rw._discard_ok = True
    rw.close()


def test_a_verified_badge_linked_to_the_catalog_shows_on_levels_and_skills(qtbot, ctx, store):
    from dataclasses import replace

    from tracker.ui.pages.skills import SkillsPage

    cur = store.curriculum()
    cka = next(e for e in cur.certifications if e.name.startswith("Certified Kubernetes Adm"))
    store.add_certification(replace(load_badge(BADGES / SIGNED), catalog_id=cka.id))
    levels = LevelsPage(ctx)
    qtbot.addWidget(levels)
    levels.refresh()
    assert f"✓ {cka.name}: held, signature verified" in levels.cards[cka.level].certs.text()
    skills = SkillsPage(ctx)
    qtbot.addWidget(skills)
    skills._show_certs(cka.skills[0])
    assert f"{cka.name} ({cka.issuer})" in skills.certs_label.text()
    assert "✓ you hold this; signature verified" in skills.certs_label.text()
