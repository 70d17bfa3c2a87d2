"""A cohort reads a file's curriculum bytes once (issue 16): a later file holding the same
bytes is parsed with them cut out. The shortcut must be invisible: every file, well formed
or hostile, reads exactly as a whole read (no shortcut) reads it, or is refused with the
same message."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import (
    CurriculumCache,
    build_progress_document,
    dumps_document,
    read_progress_bytes,
)
from tracker.exchange.safe_json import LoadError

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
KEY = b'\n  "curriculum": '


@pytest.fixture
def text(store) -> bytes:
    store.set_profile(name="Zoë", target_level="mlops", experience_years=2)
    store.set_states({"python.venv": "done", "python.tests": "done", "docker.build": "learning"})
    store.set_note("python.tests", "pytest — 100 % coverage")
    return dumps_document(build_progress_document(store.snapshot(), now=NOW)).encode("utf-8")


def warm_cache(text: bytes) -> CurriculumCache:
    cache = CurriculumCache()
    read_progress_bytes(text, "first", cache=cache)
    read_progress_bytes(text, "second", cache=cache)
    assert cache.span_reads == 1, "the second read takes the shortcut"
    return cache


def outcome(data: bytes, cache: CurriculumCache) -> tuple:
    try:
        r = read_progress_bytes(data, "f.mlops-progress.json", cache=cache)
    except LoadError as exc:
        return ("refused", str(exc))
    return ("read", r.integrity, r.digest, r.summary, r.states, r.unknown_milestones,
            r.document.model_dump(), r.raw)


def whole(data: bytes) -> tuple:
    cache = CurriculumCache()
    cache.MAX_SPANS = 0  # never learns a span: every file read whole
    return outcome(data, cache)


def span_bounds(text: bytes) -> tuple[int, int]:
    start = text.index(KEY) + len(KEY)
    end = text.index(b'\n  "progress": ') - 1  # the comma after the curriculum
    assert text[end:end + 1] == b","
    return start, end


def test_a_file_with_the_known_bytes_reads_as_a_whole_read_does(text):
    cache = warm_cache(text)
    other = text.replace("Zoë".encode(), b"Ann")  # same curriculum, modified after export
    got = outcome(other, cache)
    assert cache.span_reads == 2
    assert got == whole(other)
    assert got[1] == "modified"


@pytest.mark.parametrize("change", [
    # a second top-level curriculum (duplicate key): the last one wins in JSON, so the
    # cut is not the document's curriculum
    lambda t, s, e: t[:e + 1] + b'\n  "curriculum": 1,' + t[e + 1:],
    # the known bytes as a nested value, another curriculum at the top
    lambda t, s, e: t[:s - len(KEY)] + b'\n  "extra": {\n  "curriculum": ' + t[s:e] + b"},"
    + t[s - len(KEY):],
    # NaN elsewhere: refused as always (the cut's stand-in is allowed once only)
    lambda t, s, e: t.replace(b'"note": ""', b'"note": NaN', 1),
    lambda t, s, e: t[:s] + b"-" + t[s:],
    lambda t, s, e: t[:e] + b"1" + t[e:],
    lambda t, s, e: t[:e],                        # truncated right after the curriculum
    lambda t, s, e: t[:s] + b"[" + t[s:e] + b"]" + t[e:],
    lambda t, s, e: t[:s] + b'"a": ' + t[s:],     # the curriculum in key position
    lambda t, s, e: t + b"\x00",
    lambda t, s, e: t.replace(b'"Zo', b'"\xffZo', 1),  # not UTF-8
    lambda t, s, e: t.replace(b'"format": ', b'"format": "x", "format": ', 1),
    lambda t, s, e: t[:e] + b', "id": "again"' + t[e:],  # cannot be an object member
])
def test_a_hostile_file_around_the_known_bytes_reads_or_fails_as_a_whole_read(text, change):
    cache = warm_cache(text)
    start, end = span_bounds(text)
    variant = change(text, start, end)
    assert outcome(variant, cache) == whole(variant)


def test_random_edits_at_the_edges_of_the_known_bytes_change_nothing(text):
    """Bytes inserted, deleted or replaced just before, after or inside either end of the
    known curriculum bytes: the outcome is always the whole read's."""
    cache = warm_cache(text)
    start, end = span_bounds(text)
    rng = random.Random(16)
    alphabet = [b"{", b"}", b"[", b"]", b'"', b":", b",", b" ", b"\n", b"\\", b"NaN", b"1",
                b'"curriculum": ', b"-", b"\x00", b"\xc3"]
    taken = 0
    for _ in range(150):
        at = rng.choice((start, end)) + rng.randint(-20, 20)
        cut = rng.randint(0, 3)
        variant = text[:at] + rng.choice(alphabet) * rng.randint(0, 2) + text[at + cut:]
        before = cache.span_reads
        assert outcome(variant, cache) == whole(variant), (at, cut)
        taken += cache.span_reads - before
    assert taken > 0  # some edits (inside strings far from the cut) still take the shortcut


def test_equal_values_written_differently_are_not_the_known_bytes(text):
    """1.0 where the pack says 1 parses equal but is another file: it is read whole, and
    the curriculum's own checks see the float."""
    cache = warm_cache(text)
    variant = text.replace(b'"weight": 1,', b'"weight": 1.0,', 1)
    assert variant != text
    got = outcome(variant, cache)
    assert got == whole(variant)
    assert got[0] == "refused"


def test_a_file_not_written_by_the_app_is_read_whole(text):
    import json

    cache = warm_cache(text)
    compact = json.dumps(with_integrity(json.loads(text)), ensure_ascii=False).encode()
    reads = cache.span_reads
    assert outcome(compact, cache) == whole(compact)
    assert cache.span_reads == reads


@pytest.mark.parametrize("text", [
    '{"a":1,"b":{"c:d":"e\\\\":"}}', '{"k\\"":"v:\\\\\\"x","z":[{"y":"ü:李"}]}', "[]", '{"a":""}',
])
def test_keys_counted_on_bytes_as_on_text(text):
    from tracker.exchange.digest import count_keys, count_keys_utf8

    assert count_keys_utf8(text.encode("utf-8")) == count_keys(text)


# ------------------------------------------------------------------ the fast model check
def _models_under(model, seen=None):
    import typing

    from pydantic import BaseModel

    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    stack = [f.annotation for f in model.model_fields.values()]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            _models_under(tp, seen)
        stack.extend(typing.get_args(tp))
    return seen


def test_every_model_validator_of_a_progress_file_is_restated_by_the_fast_check():
    from tracker.exchange import models

    found = set()
    for model in _models_under(models.ProgressBody):
        decorators = model.__pydantic_decorators__
        for kind in ("model_validators", "field_validators", "root_validators", "validators"):
            for name in getattr(decorators, kind):
                found.add((model.__name__, name))
    assert found == models.MIRRORED_MODEL_VALIDATORS


def _variants(doc: dict):
    """The document with one value made wrong (or odd but right) at a time."""
    import copy

    bad_values = [None, 1, 1.5, True, "", "x" * 5000, "not an id!", "2025-13-40", [], {},
                  "\u202eevil", "2024-01-01T00:00:00Z", "done", "verified", "sha256", -1]

    def places(node, path=()):
        if isinstance(node, dict):
            for k, v in node.items():
                if path == () and k == "curriculum":
                    continue
                yield path + (k,)
                yield from places(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node[:2]):
                yield path + (i,)
                yield from places(v, path + (i,))

    for where in places(doc):
        for bad in bad_values:
            d = copy.deepcopy(doc)
            node = d
            for k in where[:-1]:
                node = node[k]
            node[where[-1]] = bad
            yield d
        d = copy.deepcopy(doc)
        node = d
        for k in where[:-1]:
            node = node[k]
        if isinstance(node, dict):
            del node[where[-1]]
            yield d
            node["surprise"] = 1
            yield d
    for extra in ({"progress": doc["progress"] + doc["progress"][:1]},
                  {"readiness": doc["readiness"] + doc["readiness"][:1]},
                  {"format_version": 1},
                  {"learner": {**doc["learner"], "stack": {"cloud": "gcp"}}},
                  {"certifications": [{**doc["certifications"][0], "expires": "2000-01-01"}]}):
        yield {**doc, **extra}


def test_the_fast_check_says_yes_exactly_when_the_model_does(filled_doc):
    from pydantic import ValidationError

    from tracker.exchange.models import ProgressBody, progress_body_ok

    said = {True: 0, False: 0}
    for variant in _variants(filled_doc):
        try:
            ProgressBody.model_validate(variant)
            model_ok = True
        except ValidationError:
            model_ok = False
        assert progress_body_ok(variant) is model_ok, variant
        said[model_ok] += 1
    assert said[True] > 10 and said[False] > 100


@pytest.fixture
def filled_doc(store) -> dict:
    from tracker.db.types import CertificationInput, Review

    store.set_profile(name="Zoë", target_level="mlops", experience_years=2)
    store.set_states({"python.venv": "done", "python.tests": "done", "docker.build": "learning"})
    store.add_evidence("python.tests", "https://github.com/example/repo")
    store.add_certification(CertificationInput(name="CKA", issuer="CNCF", earned="2024-01-10",
                                               expires="2027-01-10"))
    store.add_study_session(45, "2025-02-20", "python", "reading")
    store.add_reviews([Review("python.venv", "verified", "nice", "Ana", "2025-03-03T10:00:00Z",
                              "", "")])
    return build_progress_document(store.snapshot(), now=NOW)
