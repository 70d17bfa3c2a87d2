"""Review semantics (issue 10; hostile review section 12): a review dated in the future is
refused (it would shadow every real review), the newest review is the newest in time (not
in string order), and a review of a progress file this app never exported (another
learner's, or any learner's while the profile has no name) is not imported silently: the
CLI wants --any-export, the GUI a confirmation (tests/ui/test_exchange_ui.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tracker.db.errors import InputError
from tracker.db.types import Review
from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import build_progress_document, export_progress
from tracker.exchange.review import (
    CLOCK_SKEW,
    build_review_document,
    plan_import,
    read_review_bytes,
)

MID = "python.venv"


def ok(r):
    assert r.code == 0, (r.code, r.err)
    return r


def one_line_error(r, *fragments: str) -> str:
    assert r.code == 2, (r.code, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.err
    assert "Traceback" not in r.err and "unexpected" not in r.err
    for f in fragments:
        assert f.lower() in lines[0].lower(), lines[0]
    return lines[0]


def review_of(progress: dict, verdicts, *, reviewed_at: str | None = None,
              learner_name: str | None = None, reviewer: str = "Mo") -> dict:
    """A review document for ``progress``, re-signed after any change (as an attacker or a
    careless tool would: the digest proves nothing about who wrote it)."""
    body = {"format": "mlops-tracker/review", "format_version": 1,
            "reviewed_at": reviewed_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reviewer": {"name": reviewer}, "learner": dict(progress["learner"]),
            "progress_digest": progress["integrity"]["digest"],
            "verdicts": [{"milestone": m, "verdict": v, "comment": c} for m, v, c in verdicts]}
    if learner_name is not None:
        body["learner"]["name"] = learner_name
    return with_integrity(body)


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def shown(cli) -> dict:
    ms = ok(cli("milestones", "--json")).json()["milestones"]
    return {m["id"]: m["review"] for m in ms if m["review"]}


@pytest.fixture
def ann(cli, tmp_path):
    """Ann's data folder and an export she made with the CLI."""
    ok(cli("profile", "--name", "Ann"))
    ok(cli("tick", MID))
    f = tmp_path / "ann.mlops-progress.json"
    ok(cli("export", "-o", str(f)))
    return json.loads(f.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the future
def test_a_review_dated_2199_is_refused_and_a_real_one_shows(cli, ann, tmp_path):
    """The exact reproduction: a 2199 review, then a genuine one written afterwards."""
    future = write(tmp_path / "future.mlops-review.json", review_of(
        ann, [(MID, "verified", "from the future")],
        reviewed_at="2199-12-31T23:59:59.999999-23:59"))
    one_line_error(cli("import-review", str(future)), "dated 2199-12-31", "future",
                   "nothing was imported")
    one_line_error(cli("import-review", str(future), "--any-export"), "future")
    assert shown(cli) == {}
    real = write(tmp_path / "real.mlops-review.json",
                 review_of(ann, [(MID, "needs-work", "real review, today")]))
    ok(cli("import-review", str(real)))
    assert shown(cli)[MID]["comment"] == "real review, today"


def test_the_clock_skew_tolerance(store):
    """Minutes ahead (another computer's clock) import; beyond the tolerance, refused."""
    store.set_profile(name="Ann")
    doc = build_progress_document(store.snapshot(with_history=False))
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    record(store, doc)
    for ahead, accepted in ((timedelta(minutes=5), True), (CLOCK_SKEW, True),
                            (CLOCK_SKEW + timedelta(seconds=1), False),
                            (timedelta(days=1), False)):
        at = (now + ahead).strftime("%Y-%m-%dT%H:%M:%SZ")
        reading = read_review_bytes(json.dumps(review_of(doc, [(MID, "verified", "")],
                                                         reviewed_at=at)))
        if accepted:
            assert plan_import(store, reading, now=now).fresh
        else:
            with pytest.raises(InputError, match="later than now on this computer"):
                plan_import(store, reading, now=now)


def record(store, doc):
    store.record_export(doc["integrity"]["digest"], doc["exported_at"])


def test_the_newest_review_is_the_newest_in_time_not_in_text(store):
    """Offsets sort wrongly as text: 10:00+05:00 is 05:00Z, earlier than 06:00Z."""
    store.import_reviews([
        Review(MID, "verified", "earlier", "Mo", "2026-01-01T06:00:00Z"),
        Review(MID, "needs-work", "later", "Mo", "2026-01-01T07:00:00+00:30"),
        Review(MID, "verified", "earliest", "Mo", "2026-01-01T10:00:00+05:00"),
    ])
    assert store.reviews()[MID].comment == "later"
    store.import_reviews([Review(MID, "verified", "same time, imported last", "Mo",
                                 "2026-01-01T06:30:00Z")])
    assert store.reviews()[MID].comment == "same time, imported last"


# ------------------------------------------------------------------ which export
def test_a_review_of_another_export_needs_any_export(cli, ann, tmp_path):
    """The reproduction: a review built for another progress file (another digest), with
    the learner name changed to hers, was imported without a word."""
    other = dict(ann, integrity={"algorithm": "sha256", "digest": "1eb29a53" + "0" * 56})
    path = write(tmp_path / "other.mlops-review.json",
                 review_of(other, [(MID, "verified", "not yours")], learner_name="Ann"))
    one_line_error(cli("import-review", str(path)), "never exported", "1eb29a530000",
                   "nothing was imported", "--any-export")
    assert shown(cli) == {}
    r = ok(cli("import-review", str(path), "--any-export"))
    assert "imported 1 verdict" in r.out and "never exported" in r.out
    assert shown(cli)[MID]["comment"] == "not yours"


def test_with_no_profile_name_a_review_of_anyones_file_is_not_silent(cli, tmp_path):
    ok(cli("tick", MID))
    mine = tmp_path / "mine.mlops-progress.json"
    ok(cli("export", "-o", str(mine)))
    progress = json.loads(mine.read_text(encoding="utf-8"))
    theirs = dict(progress, learner={**progress["learner"], "name": "Bob"},
                  integrity={"algorithm": "sha256", "digest": "ab" * 32})
    path = write(tmp_path / "bob.mlops-review.json",
                 review_of(theirs, [(MID, "verified", "Bob's")]))
    one_line_error(cli("import-review", str(path)), "never exported")
    assert shown(cli) == {}
    # a review of the file she did export imports without any flag
    ok(cli("import-review", str(write(tmp_path / "ok.mlops-review.json",
                                      review_of(progress, [(MID, "verified", "hers")])))))
    assert shown(cli)[MID]["comment"] == "hers"


def test_export_remembers_its_digest_and_the_plan_recognises_it(store, tmp_path):
    store.set_profile(name="Ann")
    doc = export_progress(store, tmp_path / "a.mlops-progress.json")
    from tracker.exchange.progress import read_progress_file

    reading = read_progress_file(tmp_path / "a.mlops-progress.json")
    assert reading.digest == doc["integrity"]["digest"]
    review = read_review_bytes(json.dumps(build_review_document(
        reading, [(MID, "verified", "ok")], "Mo")))
    plan = plan_import(store, review)
    assert plan.other_export == "" and plan.exported_at == doc["exported_at"]
    assert [r.milestone for r in plan.fresh] == [MID]
    assert store.reviews() == {}  # a plan stores nothing


def test_another_learners_review_is_still_refused(cli, ann, tmp_path):
    path = write(tmp_path / "bob.mlops-review.json",
                 review_of(ann, [(MID, "verified", "")], learner_name="Bob"))
    one_line_error(cli("import-review", str(path), "--any-export"), "for 'Bob'")


def test_a_progress_files_newest_review_is_also_the_newest_in_time(store):
    from tracker.exchange.progress import read_progress_bytes

    store.import_reviews([Review(MID, "verified", "earlier", "Mo", "2026-01-01T06:00:00Z")])
    doc = build_progress_document(store.snapshot(with_history=False))
    body = {k: v for k, v in doc.items() if k != "integrity"}
    body["reviews"] = body["reviews"] + [dict(body["reviews"][0], comment="earliest",
                                              reviewed_at="2026-01-01T10:00:00+05:00")]
    reading = read_progress_bytes(json.dumps(with_integrity(body)))
    assert reading.reviews_by_milestone()[MID].comment == "earlier"
