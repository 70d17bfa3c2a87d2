"""The safe loader: every kind of bad input is one LoadError, and nothing else ever
escapes (property-based); the depth pre-scan is exact and needs no recursion."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.exchange import safe_json
from tracker.exchange.digest import canonical_json, count_keys
from tracker.exchange.progress import read_progress_bytes, read_progress_value
from tracker.exchange.review import read_review_bytes
from tracker.exchange.safe_json import LoadError, loads, nesting_depth

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False,
                                                          allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40)

READERS = [lambda b: loads(b), lambda b: read_progress_bytes(b, "f"),
           lambda b: read_review_bytes(b, "f")]


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b'{"a": [1, 2', "truncated"),
    (b"not json at all", "not valid JSON"),
    (bytes(range(256)), "binary"),
    (b"\xff\xd8\xff\xe0 jpeg", "not UTF-8"),
    (b'\xef\xbb\xbf{"a": 1}', "byte-order mark"),
    (b'\xff\xfe{\x00}\x00', "byte-order mark"),
    (b'{"a": NaN}', "NaN"),
    (b'{"a": -Infinity}', "Infinity"),
    (b'{"a": 1e400}', "too large"),
    (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
    (b"[" * 100_000 + b"]" * 100_000, "nested more than 64"),
    (b"[" * 100_000, "nested more than 64"),
    (b'{"a": "\\ud800"}', "surrogate"),
    (b"[" + b"9" * 5000 + b"]", "not valid JSON"),
])
def test_each_bad_input_is_one_clear_error(data, message):
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        loads(data, "f.json")
    assert time.perf_counter() - start < 2
    text = str(info.value)
    assert message.lower() in text.lower()
    assert "\n" not in text and text.startswith("f.json: ")


def test_size_cap_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    start = time.perf_counter()
    with pytest.raises(LoadError, match="larger than 20 MB"):
        safe_json.load_file(big)
    assert time.perf_counter() - start < 0.5
    with pytest.raises(LoadError, match="no such file"):
        safe_json.load_file(tmp_path / "missing.json")
    with pytest.raises(LoadError, match="folder"):
        safe_json.load_file(tmp_path)


def test_depth_64_is_fine_and_65_is_not():
    assert loads(b"[" * 64 + b"]" * 64) is not None
    with pytest.raises(LoadError, match="nested"):
        loads(b"[" * 65 + b"]" * 65)


def test_brackets_and_escapes_inside_strings_do_not_count():
    text = json.dumps({"a": "[[[[{{{{" * 100, "b": ['\\"[', "\\", '"]]]]'], "c": [[[]]]})
    assert nesting_depth(text) == 4
    assert loads(text)["c"] == [[[]]]


def test_newer_versions_and_other_formats_are_refused_clearly():
    with pytest.raises(LoadError, match="made by a newer version of MLOps Career Tracker"):
        read_progress_value({"format": "mlops-tracker/progress", "format_version": 3}, "f")
    with pytest.raises(LoadError, match="review file, not a progress file"):
        read_progress_value({"format": "mlops-tracker/review", "format_version": 1}, "f")
    with pytest.raises(LoadError, match="not a progress file"):
        read_progress_value({"format": "something/else"}, "f")
    with pytest.raises(LoadError, match="not a review file"):
        read_review_bytes(b"[]", "f")


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_depth_prescan_is_exact(value):
    assert nesting_depth(json.dumps(value)) == depth(value)
    assert nesting_depth(json.dumps(value, ensure_ascii=False, indent=1)) == depth(value)


def key_total(value) -> int:
    if isinstance(value, dict):
        return len(value) + sum(key_total(v) for v in value.values())
    if isinstance(value, list):
        return sum(key_total(v) for v in value)
    return 0


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_key_count_of_canonical_text_is_exact(value):
    assert count_keys(canonical_json(value)) == key_total(value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_load_error(data):
    for read in READERS:
        try:
            read(data)
        except LoadError:
            pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_arbitrary_json_values_raise_only_load_error(value):
    for read in READERS:
        try:
            read(json.dumps(value).encode())
        except LoadError:
            pass
    try:
        read_progress_value(value, "f")
    except LoadError:
        pass


@pytest.fixture(scope="module")
def valid_doc():
    from tracker.curriculum.loader import load_pack
    from tracker.db.types import Profile, ProgressEntry, Snapshot
    from tracker.exchange.progress import build_progress_document
    cur = load_pack(Path(__file__).resolve().parents[1] / "fixtures" / "tiny.toml")
    snap = Snapshot(cur, Profile("Ann", "mlops", 1.0),
                    {"python.venv": ProgressEntry("python.venv", "done",
                                                  "2025-01-01T00:00:00.000000Z")},
                    (), (), {})
    return build_progress_document(snap)


PATHS = st.sampled_from([
    ("learner",), ("learner", "name"), ("learner", "experience_years"), ("exported_at",),
    ("curriculum",), ("curriculum", "levels"), ("curriculum", "milestones"),
    ("progress",), ("certifications",), ("readiness",), ("integrity",),
    ("integrity", "digest"), ("format_version",), ("study_sessions",), ("reviews",)])


@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(PATHS, JSON)
def test_a_valid_file_with_any_part_replaced_raises_only_load_error(valid_doc, path, value):
    doc = json.loads(json.dumps(valid_doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        read_progress_bytes(json.dumps(doc).encode(), "f")
    except LoadError:
        pass
