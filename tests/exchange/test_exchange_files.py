"""Progress and review files in process: digest, integrity, unknown ids, the curriculum
cache, the fast readiness summary, schemas, comparisons. No Qt, no subprocess."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import readiness as rd
from tracker.curriculum.loader import load_pack
from tracker.db.types import CertificationInput
from tracker.exchange.compare import compare
from tracker.exchange.digest import canonical_json, count_keys, with_integrity
from tracker.exchange.progress import (
    CurriculumCache,
    CurriculumIndex,
    build_progress_document,
    dumps_document,
    read_progress_bytes,
    read_progress_file,
    write_document,
)
from tracker.exchange.review import build_review_document, read_review_bytes
from tracker.exchange.safe_json import LoadError
from tracker.status import status_document

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny.toml"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def design_digest(doc: dict) -> str:
    """The digest exactly as DESIGN.md words it, written out independently."""
    body = {k: v for k, v in doc.items() if k != "integrity"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


@pytest.fixture
def filled(store):
    store.set_profile(name="Zoë Ångström", target_level="mlops", experience_years=2)
    store.set_states({"python.venv": "done", "python.tests": "done", "docker.build": "learning"})
    store.set_note("python.tests", "pytest with fixtures — 100 % coverage")
    store.add_evidence("python.tests", "https://github.com/example/repo")
    store.add_certification(CertificationInput(name="CKA", issuer="CNCF", earned="2024-01-10",
                                               expires="2027-01-10"))
    store.add_study_session(45, "2025-02-20", "python", "reading")
    return store


def test_export_has_the_design_shape_and_digest(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    assert list(doc) == ["format", "format_version", "exported_at", "app_version", "learner",
                         "curriculum", "progress", "certifications", "study_sessions",
                         "reviews", "readiness", "integrity"]
    assert doc["format"] == "mlops-tracker/progress" and doc["format_version"] == 1
    assert doc["exported_at"].endswith("Z")
    assert doc["learner"] == {"name": "Zoë Ångström", "target_level": "mlops",
                              "experience_years": 2.0}
    assert doc["curriculum"] == filled.curriculum().to_dict()
    assert doc["integrity"] == {"algorithm": "sha256", "digest": design_digest(doc)}
    assert {"level", "percent", "ready"} == set(doc["readiness"][0])
    tests = next(p for p in doc["progress"] if p["milestone"] == "python.tests")
    assert set(tests) == {"milestone", "state", "updated_at", "note", "evidence"}
    assert tests["evidence"][0]["text"] == "https://github.com/example/repo"


def test_read_back_recomputes_the_same_status(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    reading = read_progress_bytes(dumps_document(doc), "x")
    assert reading.integrity == "ok"
    assert reading.digest == doc["integrity"]["digest"]
    own = status_document(filled.curriculum(), filled.profile().to_dict(), filled.states())
    assert reading.status_document() == own
    assert reading.unknown_milestones == ()
    # the fast summary agrees with the full engine
    assert [(s.level, s.percent, s.ready) for s in reading.summary] == \
        [(r.level.id, r.percent, r.ready) for r in reading.results]


def test_any_change_flips_integrity_and_readiness_is_never_trusted(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    assert doc["readiness"][1]["ready"] is False
    doc["readiness"][1]["percent"] = 100.0
    doc["readiness"][1]["ready"] = True
    reading = read_progress_bytes(json.dumps(doc), "x")
    assert reading.integrity == "modified"
    assert reading.status_document()["levels"][1]["ready"] is False
    doc = build_progress_document(filled.snapshot(), now=NOW)
    doc["progress"][0]["state"] = "todo"
    assert read_progress_bytes(json.dumps(doc), "x").integrity == "modified"


def test_layout_does_not_matter_only_content(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    compact = json.dumps(doc, separators=(",", ":"))  # ASCII escapes, no indentation
    assert read_progress_bytes(compact, "x").integrity == "ok"


def test_unknown_milestones_are_reported_not_fatal(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    doc["progress"].append({"milestone": "ghost.milestone", "state": "done",
                            "updated_at": "2025-01-01T00:00:00Z", "note": "", "evidence": []})
    doc = with_integrity(doc)
    reading = read_progress_bytes(json.dumps(doc), "x")
    assert reading.integrity == "ok"
    assert reading.unknown_milestones == ("ghost.milestone",)
    assert "ghost.milestone" not in reading.states


def test_duplicate_keys_are_refused_on_the_fast_path(filled):
    text = dumps_document(build_progress_document(filled.snapshot(), now=NOW))
    bad = text.replace('"state": "done",', '"state": "done", "state": "todo",', 1)
    with pytest.raises(LoadError, match="duplicate key 'state'"):
        read_progress_bytes(bad, "x")
    bad = text.replace('"format_version": 1,', '"format_version": 1, "format_version": 1,')
    with pytest.raises(LoadError, match="duplicate key"):
        read_progress_bytes(bad, "x")


def test_count_keys_ignores_colons_and_quotes_inside_strings():
    value = {'a\\': {'b":': 'x\\":', "c": [{"d": 1}, '"', "\\"]}, "e:": ":"}
    assert count_keys(canonical_json(value)) == 5


def test_curriculum_is_validated_once_for_many_files(filled, tmp_path):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    cache = CurriculumCache()
    for i in range(20):
        doc["learner"]["name"] = f"Learner {i}"
        path = write_document(tmp_path / f"{i}.mlops-progress.json", with_integrity(doc))
        assert read_progress_file(path, cache=cache).integrity == "ok"
    assert cache.validations == 1


def test_cache_tells_1_from_1_0_and_true(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    cache = CurriculumCache()
    read_progress_bytes(json.dumps(doc), "x", cache=cache)
    doc["curriculum"]["milestones"][0]["weight"] = True  # == 1, but not a weight
    with pytest.raises(LoadError, match="weight"):
        read_progress_bytes(json.dumps(with_integrity(doc)), "x", cache=cache)
    doc = build_progress_document(filled.snapshot(), now=NOW)
    doc["curriculum"]["levels"][0]["threshold"] = 50  # int, not 50.0: still valid
    reading = read_progress_bytes(json.dumps(with_integrity(doc)), "x", cache=cache)
    assert reading.integrity == "ok"


def test_a_broken_embedded_curriculum_is_refused_with_its_place(filled):
    doc = build_progress_document(filled.snapshot(), now=NOW)
    doc["curriculum"]["milestones"][0]["skill"] = "nope"
    with pytest.raises(LoadError, match="unknown skill 'nope'"):
        read_progress_bytes(json.dumps(with_integrity(doc)), "x")


def test_a_learner_name_with_markup_exports_and_reads_back_as_text(store):
    """Names are text (issue 9 section 4): what the profile accepts, the export carries."""
    for name in ("<b>Ada</b>", "Ann &amp; Bob", "Ann <!-- x -->", "Ann<br/>"):
        store.set_profile(name=name)
        back = read_progress_bytes(dumps_document(build_progress_document(store.snapshot())), "x")
        assert back.learner_name == name


def test_snapshot_round_trip(filled):
    snap = filled.snapshot()
    reading = read_progress_bytes(dumps_document(build_progress_document(snap, now=NOW)), "x")
    back = reading.to_snapshot()
    assert back.profile == snap.profile
    assert back.states == snap.states
    assert [(c.name, c.earned, c.expires) for c in back.certifications] == \
        [(c.name, c.earned, c.expires) for c in snap.certifications]
    assert [(s.day, s.minutes, s.skill) for s in back.study_sessions] == \
        [(s.day, s.minutes, s.skill) for s in snap.study_sessions]


def test_review_file_round_trip(filled):
    reading = read_progress_bytes(dumps_document(build_progress_document(filled.snapshot())),
                                  "x")
    doc = build_review_document(reading, [("python.tests", "verified", "solid"),
                                          ("docker.build", "needs-work", "add a <b>scan</b>")],
                                "Dr. Mentor", now=NOW)
    assert list(doc) == ["format", "format_version", "reviewed_at", "reviewer", "learner",
                         "progress_digest", "verdicts", "integrity"]
    assert doc["progress_digest"] == reading.digest
    assert doc["integrity"]["digest"] == design_digest(doc)
    rr = read_review_bytes(dumps_document(doc), "r")
    assert rr.integrity == "ok"
    known, unknown = rr.split_known(filled.curriculum())
    assert [r.milestone for r in known] == ["python.tests", "docker.build"] and unknown == []
    doc["verdicts"][0]["comment"] = "changed"
    assert read_review_bytes(json.dumps(doc), "r").integrity == "modified"


def test_review_of_an_unknown_milestone_is_refused_when_writing(filled):
    from tracker.db.errors import InputError

    reading = read_progress_bytes(dumps_document(build_progress_document(filled.snapshot())),
                                  "x")
    with pytest.raises(InputError, match="ghost"):
        build_review_document(reading, [("ghost", "verified", "")], "M")


def test_compare_two_exports(filled):
    first = read_progress_bytes(dumps_document(build_progress_document(
        filled.snapshot(), now=datetime(2025, 3, 1, tzinfo=UTC))), "a")
    filled.set_states({"docker.build": "done", "python.venv": "todo"})
    filled.add_certification(CertificationInput(name="AWS MLS", issuer="AWS",
                                                earned="2025-03-02"))
    filled.add_study_session(30, "2025-03-03")
    filled.add_study_session(20, "2025-03-04")
    second = read_progress_bytes(dumps_document(build_progress_document(
        filled.snapshot(), now=datetime(2025, 3, 10, tzinfo=UTC))), "b")
    ch = compare(first, second)
    assert ch["newly_done"] == ["docker.build"]
    assert ch["reverted"] == ["python.venv"]
    assert [c["name"] for c in ch["certifications"]["new"]] == ["AWS MLS"]
    assert ch["study"] == {"sessions": 2, "minutes": 50}
    junior = ch["readiness"][0]
    assert junior["level"] == "junior" and junior["change"] == junior["after"] - junior["before"]
    with pytest.raises(Exception, match="older"):
        compare(second, first)


def test_expired_certifications_between_exports(filled):
    filled.add_certification(CertificationInput(name="Old", issuer="X", earned="2020-01-01",
                                                expires="2025-03-05"))
    a = read_progress_bytes(dumps_document(build_progress_document(
        filled.snapshot(), now=datetime(2025, 3, 1, tzinfo=UTC))), "a")
    b = read_progress_bytes(dumps_document(build_progress_document(
        filled.snapshot(), now=datetime(2025, 3, 10, tzinfo=UTC))), "b")
    assert [c["name"] for c in compare(a, b)["certifications"]["expired"]] == ["Old"]


PACK = load_pack(TINY)
INDEX = CurriculumIndex(PACK)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([m.id for m in PACK.milestones] + ["ghost"]),
                       st.sampled_from(rd.STATES)))
def test_fast_summary_equals_the_readiness_engine(states):
    fast = INDEX.summarize(states)
    full = rd.readiness(PACK, states)
    assert [(s.level, s.percent, s.ready) for s in fast] == \
        [(r.level.id, r.percent, r.ready) for r in full]


def test_shipped_schemas_match_the_models():
    from tracker.exchange.schema import generate_schemas, schema_text
    from tracker.paths import resources_dir

    for name, schema in generate_schemas().items():
        shipped = resources_dir() / "schema" / name
        assert shipped.read_text(encoding="utf-8") == schema_text(schema), (
            f"{name} is out of date: run python -m tracker.exchange.schema")


def test_an_export_validates_against_the_shipped_schema_shape(filled):
    from tracker.exchange.schema import generate_schemas

    schema = generate_schemas()["progress.schema.json"]
    doc = build_progress_document(filled.snapshot(), now=NOW)
    assert set(schema["required"]) == set(doc)
    assert schema["additionalProperties"] is False


def test_names_are_any_printable_text_in_the_file_format():
    """The file format takes every name the profile takes (markup included: it is shown as
    plain text and escaped in HTML) and refuses what the profile refuses, in one line."""
    from pydantic import TypeAdapter, ValidationError

    from tracker.exchange.models import Name, validation_message

    ok = TypeAdapter(Name)
    for name in ("Anna <anna@example.com>", "a < b", "Tom & Jerry", "Zoë O'Brien",
                 "<b>x</b>", "<img src=x onerror=alert(1)>", "x</i>", "<!-- -->", "&amp;",
                 "\u0645\u0631\u06cc\u200c\u0645", "\U0001f469\u200d\U0001f4bb"):
        assert ok.validate_python(name) == name
    for name, why in (("a\nb", "one line"), ("a\x07", "control character (U+0007)"),
                      ("Eve\u009b2J", "control character (U+009B)"),
                      ("\u202eevil", "bidirectional control character (U+202E)"),
                      ("x" * 201, "at most 200")):
        with pytest.raises(ValidationError) as info:
            ok.validate_python(name)
        assert why in validation_message(info.value, "f")
