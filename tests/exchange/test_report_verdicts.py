"""Issue 14, reports: mentor verdicts are marked signed or not (only a signed "verified"
reads as verified, in the skills tree's words otherwise), and the PDF is PDF/A-1b with
searchable headings (Qt cannot write a tagged PDF: see tracker/reports/pdf.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tracker.db.store import Store
from tracker.exchange.progress import export_progress, read_progress_bytes, read_progress_file
from tracker.exchange.review import build_review_document, plan_import, read_review_bytes
from tracker.exchange.signing import fingerprint, load_or_create_key, sign_document
from tracker.reports.data import own_progress, report_data, verdict_mark
from tracker.reports.html import render_html
from tracker.reports.pdf import pdf_bytes


def _import(store: Store, doc: dict) -> None:
    import json

    reading = read_review_bytes(json.dumps(doc), "review")
    plan = plan_import(store, reading)
    store.import_reviews(plan.fresh, plan.signature, plan.public_key)


@pytest.fixture
def learner(tmp_path):
    """Ann: three milestones done; Grace's signed review (one verified, one needs work)
    and Bob's unsigned one (verified) imported; her export after that."""
    with Store.open(tmp_path / "ann") as store:
        store.set_profile(name="Ann", target_level="mlops")
        ids = [m.id for m in store.curriculum().milestones]
        store.set_states({m: "done" for m in ids[:3]})
        first = tmp_path / "first.mlops-progress.json"
        export_progress(store, first)
        reading = read_progress_file(first)
        gap = next(g["id"] for g in report_data(reading).gaps
                   if g["id"] in reading.curriculum.milestone_by_id)
        key = load_or_create_key(tmp_path / "grace")
        signed = sign_document(build_review_document(
            reading, [(ids[0], "verified", "solid"), (gap, "needs-work", "add tests")],
            "Grace"), key)
        _import(store, signed)
        unsigned = build_review_document(reading, [(ids[1], "verified", "")], "Bob")
        _import(store, unsigned)
        mine = own_progress(store)
        path = tmp_path / "ann.mlops-progress.json"
        export_progress(store, path)
    return {"ids": ids, "gap": gap, "own": mine, "file": path,
            "key": fingerprint(signed["signature"]["public_key"])}


def test_verdict_marks_use_the_skills_tree_words():
    assert verdict_mark("verified", "signed") == "verified"
    assert verdict_mark("verified", "unsigned") == "verified (unsigned)"
    assert verdict_mark("verified", "other-key") == "verified (signed with another key)"
    assert verdict_mark("verified", "invalid") == "verified (signature not valid)"
    assert verdict_mark("needs-work", "signed") == "needs work"


def test_your_own_html_report_marks_signed_and_unsigned_verdicts(learner):
    reading, signatures = learner["own"]
    ids = learner["ids"]
    assert signatures[ids[0]][0] == "signed" and signatures[ids[1]][0] == "unsigned"
    data = report_data(reading, signatures=signatures)
    html = render_html(data)
    marks = {v["milestone"]: v["mark"] for v in data.verdicts}
    assert marks == {ids[0]: "verified", ids[1]: "verified (unsigned)",
                     learner["gap"]: "needs work"}
    assert html.count("✓ verified") == 1  # Grace's signed one only
    assert '<span class="badge unproven">verified (unsigned)</span>' in html
    assert f"signed by Grace, key {learner['key']}" in html
    assert "unsigned; anyone could have written it" in html  # Bob's
    assert "1 verified, 1 verified (unsigned), 1 needs work." in html
    # the gap that needs work carries its mark in the gap list too
    gap = next(g for g in data.gaps if g["id"] == learner["gap"])
    assert gap["mark"] == "needs work"
    assert html.count('<span class="badge needs-work">needs work</span>') == 2


def test_a_report_on_a_progress_file_never_shows_a_verdict_as_verified(learner):
    """A progress file carries no signatures: the mentor's report of it says so."""
    data = report_data(read_progress_file(learner["file"]))
    html = render_html(data)
    assert {v["mark"] for v in data.verdicts} == {"verified (unsigned)", "needs work"}
    assert "✓ verified" not in html
    assert "which carries no signatures for them" in html


def test_hostile_reviewer_names_are_escaped_in_the_signature_line(learner, tmp_path):
    reading, _ = learner["own"]
    doc = reading.document
    hostile = doc.model_copy(update={"reviews": [
        r.model_copy(update={"reviewer": "<b>x</b>"}) for r in doc.reviews]})
    data = report_data(read_progress_bytes(hostile.model_dump_json(), "x"),
                       signatures={})
    html = render_html(data)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_pdf_is_pdf_a_1b_with_searchable_headings_and_verdict_marks(learner, tmp_path,
                                                                        qapp):
    reading, signatures = learner["own"]
    pdf = pdf_bytes(report_data(reading, signatures=signatures), page_size="A4")
    assert b'pdfaid:part="1"' in pdf and b'pdfaid:conformance="B"' in pdf
    assert b"/OutputIntents" in pdf and b"/GTS_PDFA1" in pdf
    out = tmp_path / "r.pdf"
    out.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout
    lines = {line.strip() for line in text.splitlines()}
    for head in ("Readiness per level", "Certifications", "Mentor verdicts", "Study time"):
        assert head in lines, head
    words = " ".join(text.split())
    assert "verified (unsigned)" in words and "needs work" in words


def test_report_self_on_the_command_line_carries_the_signature_check(cli, tmp_path):
    """``report --self`` (the learner's own report) shows a signed verdict as verified."""
    def ok(r):
        assert r.code == 0, (r.code, r.out, r.err)
        return r

    ok(cli("profile", "--name", "Ada"))
    ok(cli("tick", "python.venv"))
    exported = tmp_path / "ada.mlops-progress.json"
    ok(cli("export", "-o", str(exported)))
    review = tmp_path / "r.mlops-review.json"
    ok(cli("review", str(exported), "-o", str(review), "--reviewer", "Grace",
           "--verdict", "python.venv=verified:solid", data_dir=tmp_path / "mentor"))
    ok(cli("import-review", str(review)))
    out = tmp_path / "me.html"
    ok(cli("report", "--self", "-o", str(out)))
    html = Path(out).read_text(encoding="utf-8")
    assert "✓ verified" in html and "signed by Grace, key " in html
    mentor_view = tmp_path / "mentor.html"
    ok(cli("report", str(exported), "-o", str(mentor_view)))  # no verdicts in that file
    assert "No mentor verdicts yet." in mentor_view.read_text(encoding="utf-8")
