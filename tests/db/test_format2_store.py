"""Pack format 2 in the Store: the SQLite curriculum holds choices, electives, own
thresholds and certification status; `replaces` carries progress over; the learner's
stack is stored; progress files are format_version 2 with a format-2 pack, 1 without."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.curriculum.loader import load_pack, parse_toml_text
from tracker.db.errors import InputError
from tracker.db.store import Store
from tracker.exchange.progress import build_progress_document, read_progress_value

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TINY2 = load_pack(FIXTURES / "tiny2.toml")


@pytest.fixture
def store2(tmp_path: Path, tiny_default):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def old_pack():
    """The tiny format-1 pack with python.tests under its old id, python.unittest."""
    text = (FIXTURES / "tiny.toml").read_text().replace('id = "python.tests"',
                                                         'id = "python.unittest"')
    return parse_toml_text(text.replace('version = "1.0.0"', 'version = "0.9.0"'))


def test_the_stored_curriculum_is_the_pack(store2: Store):
    store2.sync_curriculum(TINY2)
    cur = store2.curriculum()
    assert cur.format == 2
    assert cur.to_dict() == TINY2.to_dict()
    assert cur.certification_by_id["aws-ml-specialty"].retired


def test_replaces_carries_state_note_evidence_and_verdicts(store2: Store):
    from tracker.db.types import Review

    store2.sync_curriculum(old_pack())
    store2.set_states({"python.unittest": "done", "python.venv": "learning"})
    store2.set_note("python.unittest", "wrote 40 tests")
    store2.add_evidence("python.unittest", "https://example.org/pr/1")
    store2.add_reviews([Review("python.unittest", "verified", "good", "Mia",
                               "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "")])
    report = store2.sync_curriculum(TINY2)
    assert report.carried == ("python.tests",)
    assert "python.unittest" in report.retired
    assert store2.states()["python.tests"] == "done"
    assert store2.states()["python.venv"] == "learning"
    assert store2.progress()["python.tests"].note == "wrote 40 tests"
    assert [e.text for e in store2.evidence("python.tests")] == ["https://example.org/pr/1"]
    assert store2.reviews()["python.tests"].verdict == "verified"
    # the old rows are kept as they were, and a second sync carries nothing again
    assert [e.text for e in store2.evidence("python.unittest")] == ["https://example.org/pr/1"]
    assert store2.sync_curriculum(TINY2).carried == ()


def test_the_learners_stack_is_checked_and_kept(store2: Store):
    store2.sync_curriculum(TINY2)
    store2.set_profile(stack={"cloud": "gcp"})
    store2.set_profile(stack={"serving": "batch"})
    assert store2.profile().stack_map == {"cloud": "gcp", "serving": "batch"}
    with pytest.raises(InputError, match="unknown choice 'clouds'"):
        store2.set_profile(stack={"clouds": "gcp"})
    with pytest.raises(InputError, match="'oracle' is not an option of 'cloud'"):
        store2.set_profile(stack={"cloud": "oracle"})
    store2.set_profile(stack={"serving": None})
    assert store2.profile().stack_map == {"cloud": "gcp"}


def test_progress_files_are_version_2_with_a_format_2_pack(store2: Store):
    store2.sync_curriculum(TINY2)
    store2.set_profile(name="Ann", stack={"cloud": "azure"})
    store2.set_states({"python.venv": "done", "python.tests": "done", "azure.storage": "done"})
    doc = build_progress_document(store2.snapshot())
    assert doc["format_version"] == 2 and doc["curriculum"]["format"] == 2
    assert doc["learner"]["stack"] == {"cloud": "azure"}
    reading = read_progress_value(doc)
    assert reading.integrity == "ok"
    assert [(r.level.id, r.ready) for r in reading.results][0] == ("junior", True)
    assert dict(reading.to_snapshot().profile.stack) == {"cloud": "azure"}


def test_progress_files_stay_version_1_with_a_format_1_pack(store: Store):
    store.set_states({"python.venv": "done"})
    doc = build_progress_document(store.snapshot())
    assert doc["format_version"] == 1 and "format" not in doc["curriculum"]
    assert "stack" not in doc["learner"]
    assert read_progress_value(doc).integrity == "ok"


def test_a_restore_of_a_file_written_before_a_merge_carries_ticks_to_the_heir(
        tmp_path: Path, tiny_default):
    """A progress file made with the pack that still had python.unittest, restored into a
    fresh data folder on the pack where python.tests replaces it: the tick, the note, the
    evidence and the verdict land on python.tests (that folder never knew the old id)."""
    from tracker.db.types import Review

    with Store.open(tmp_path / "old") as old:
        old.sync_curriculum(old_pack())
        old.set_states({"python.unittest": "done"})
        old.set_note("python.unittest", "wrote 40 tests")
        old.add_evidence("python.unittest", "https://example.org/pr/1")
        old.add_reviews([Review("python.unittest", "verified", "good", "Mia",
                                "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "")])
        doc = build_progress_document(old.snapshot())
    snap = read_progress_value(doc).to_snapshot()
    with Store.open(tmp_path / "new") as new:
        new.sync_curriculum(TINY2)
        new.replace_all(snap)
        assert new.states()["python.tests"] == "done"
        assert new.progress()["python.tests"].note == "wrote 40 tests"
        assert [e.text for e in new.evidence("python.tests")] == ["https://example.org/pr/1"]
        assert new.reviews()["python.tests"].verdict == "verified"
        # and into a folder that had the old id (retired there): the heir keeps its tick
    with Store.open(tmp_path / "old") as old:
        old.sync_curriculum(TINY2)
        old.set_states({"python.tests": "todo"})
        old.replace_all(snap)
        assert old.states()["python.tests"] == "done"


def test_a_file_that_speaks_for_the_heir_itself_wins_over_the_old_id():
    from tracker.db.writer import with_heirs
    from tracker.db.types import ProgressEntry, Profile, Snapshot

    snap = Snapshot(TINY2, Profile("", None, None), {
        "python.unittest": ProgressEntry("python.unittest", "done", "2026-01-01T00:00:00Z"),
        "python.tests": ProgressEntry("python.tests", "learning", "2026-02-01T00:00:00Z")},
        (), (), {})
    assert with_heirs(snap, TINY2).progress["python.tests"].state == "learning"
    alone = Snapshot(TINY2, Profile("", None, None), {
        "python.unittest": ProgressEntry("python.unittest", "learning", "2026-01-01T00:00:00Z",
                                         "half")}, (), (), {})
    assert with_heirs(alone, TINY2).progress["python.tests"] == ProgressEntry(
        "python.tests", "learning", "2026-01-01T00:00:00Z", "half")


def test_a_verdict_on_a_replaced_id_is_imported_on_its_heir():
    from tracker.exchange.review import ReviewReading
    from tracker.exchange.models import ReviewFile

    doc = ReviewFile.model_validate({
        "format": "mlops-tracker/review", "format_version": 1,
        "reviewed_at": "2026-11-01T00:00:00Z", "reviewer": {"name": "Mia"},
        "learner": {"name": "Ann", "target_level": None, "experience_years": None},
        "progress_digest": "0" * 64,
        "verdicts": [{"milestone": "python.unittest", "verdict": "verified", "comment": "ok"},
                     {"milestone": "nowhere.gone", "verdict": "needs-work", "comment": ""}],
        "integrity": {"algorithm": "sha256", "digest": "0" * 64}})
    known, unknown = ReviewReading("r", doc, {}).split_known(TINY2)
    assert [(r.milestone, r.verdict) for r in known] == [("python.tests", "verified")]
    assert unknown == ["nowhere.gone"]


def test_a_carried_tick_keeps_its_date_so_an_upgrade_is_not_counted_as_pace(
        tmp_path: Path, tiny_default):
    from datetime import UTC, datetime, timedelta

    from tracker import readiness as rd

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    with Store.open(tmp_path / "d", clock=lambda: now[0]) as s:
        s.sync_curriculum(old_pack())
        s.set_states({"python.unittest": "done"})
        now[0] += timedelta(days=60)  # the upgrade comes two months later
        assert s.sync_curriculum(TINY2).carried == ("python.tests",)
        carried = [h for h in s.history() if h.milestone == "python.tests"]
        assert [h.at for h in carried] == [datetime(2026, 1, 1, tzinfo=UTC)]
        p = rd.pace(s.curriculum(), s.history(), now[0], s.states(), None)
        assert p.weight_per_week == 0
