"""The PDF report a mentor forwards: a capped gap list with a count, table headings that
repeat on every page, unverified certifications marked, and text that a PDF search finds
(no "ﬁ" ligatures)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tracker.db.store import Store
from tracker.db.types import CertificationInput, Review
from tracker.exchange.openbadges import load_badge
from tracker.exchange.progress import export_progress, read_progress_file
from tracker.reports.data import cert_evidence, report_data
from tracker.reports.pdf import PDF_GAPS, pdf_bytes, render_rich_text

BADGES = Path(__file__).parents[1] / "fixtures" / "badges"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A learner with 120+ gaps for the target, three kinds of certification and a verdict."""
    folder = tmp_path_factory.mktemp("pdf")
    with Store.open(folder / "d") as store:
        store.set_profile(name="Ann Lee", target_level="senior")
        ids = [m.id for m in store.curriculum().milestones]
        store.set_states({m: "done" for m in ids[:20]})
        store.add_certification(CertificationInput("Certified Kubernetes Administrator",
                                                   "CNCF", "2024-03-01"))
        store.add_certification(CertificationInput(
            "Imported Badge", "Org", "2024-02-01", source="openbadges-3.0", verified=False))
        # A signed badge from the DCC fixtures, verified on import and again from the file.
        store.add_certification(load_badge(BADGES / "dcc-v2-complex-issuer-validuntil-9999.json"))
        # A file's bare claim of "verified" without a signature to check counts for nothing.
        store.add_certification(CertificationInput(
            "Claimed Badge", "Org", "2024-01-01", source="openbadges-2.0", verified=True,
            verification="verified", key_id="did:key:z6MkFake"))
        store.add_reviews([Review(ids[0], "needs-work", "Add tests", "Dana",
                                  "2025-01-01T00:00:00Z")])
        path = folder / "ann.mlops-progress.json"
        export_progress(store, path)
    return report_data(read_progress_file(path))


def test_the_gap_list_is_capped_with_a_count(report):
    assert report.gaps_total > PDF_GAPS
    text = render_rich_text(report)
    assert f"({report.gaps_total}; the first {PDF_GAPS} shown)" in text
    assert f"… and {report.gaps_total - PDF_GAPS} more gaps, not listed here" in text
    assert report.gaps[PDF_GAPS]["title"].replace("&", "&amp;") not in text or \
        report.gaps[PDF_GAPS]["title"] in [g["title"] for g in report.gaps[:PDF_GAPS]]


def test_every_table_repeats_its_heading_on_each_page(report, qapp):
    from PySide6.QtGui import QTextDocument, QTextTable

    doc = QTextDocument()
    doc.setHtml(render_rich_text(report))
    tables = []
    frames = [doc.rootFrame()]
    while frames:
        frame = frames.pop()
        if isinstance(frame, QTextTable):
            tables.append(frame)
        frames.extend(frame.childFrames())
    headed = [t for t in tables if t.format().headerRowCount() == 1]
    # level, area, gaps, certifications and verdicts tables (bars are tables too, unheaded)
    assert len(headed) == 5


def test_each_certification_says_its_signature_state(report):
    marks = {c["name"]: cert_evidence(c) for c in report.certifications}
    assert marks == {"Certified Kubernetes Administrator": "Not signed",
                     "Imported Badge": "Not signed",
                     "Bachelors - v2 - complex issuer":
                         "Signature verified (key did:key:z6MkjoriXdbyWD25…)",
                     "Claimed Badge": "Cannot be checked offline"}
    text = render_rich_text(report)
    assert "Signature</th>" in text and "check it with the issuer" in text
    assert "Revocation lists are never checked" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_pdf_text_is_searchable_without_ligatures(report, tmp_path, qapp):
    out = tmp_path / "r.pdf"
    out.write_bytes(pdf_bytes(report, page_size="A4"))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout
    for ligature in "ﬀﬁﬂﬃﬄ":
        assert ligature not in text
    assert "Certifications" in text  # a search for the word finds the heading
    words = " ".join(text.split())      # (table cells wrap onto several lines)
    assert "Certified Kubernetes Administrator" in words
    assert "Signature verified (key did:key:" in words and "Cannot be checked offline" in words
    assert text.count("Milestone") >= 2  # the gaps table's heading, again after a page break
