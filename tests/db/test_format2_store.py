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
