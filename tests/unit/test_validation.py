"""The input rules (tracker.validation) are one set: the Store, the CLI, the forms and the file
models use the same functions, and the JSON Schema's patterns say exactly what they say
(issue 9 section 4). Pure: no Qt, no disk."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tracker import validation as v
from tracker.curriculum.loader import MILESTONE_ID
from tracker.db.errors import InputError
from tracker.db.types import CertificationInput
from tracker.exchange import models
from tracker.exchange.schema import generate_schemas

TODAY = date(2026, 11, 30)
NASTY = ["<b>Ada</b>", "Ann &amp; Bob", "\t", "\n", "\r", "\x00", "\x07", "\x7f", "\x85",
         "\x9b", "\u200c", "\u200d", "\u200e", "\u2028", "\u2029", "\u202a", "\u202e",
         "\u2066", "\u2069", "\ufeff", "\ud800", "\udfff", "\U0001f469", "é", " "]
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=3)),
                 max_size=6).map("".join)


def one_line_no_regex(message: str) -> None:
    assert "\n" not in message and "pattern" not in message and "^" not in message, message


# ------------------------------------------------------------------ the reported failures
@pytest.mark.parametrize("day", ["2200-01-01", "2199-12-31", "2027-01-01", "2026-12-01"])
def test_an_earned_date_in_the_future_is_refused_as_in_the_future(day):
    with pytest.raises(InputError) as info:
        v.check_certification(CertificationInput("CKA", "CNCF", day), today=TODAY)
    assert str(info.value) == f"earned date {day} is in the future"


def test_dates_stop_where_the_file_format_stops():
    assert v.check_date("2199-12-31", "expiry date") == "2199-12-31"
    assert v.check_date("1950-01-01", "date") == "1950-01-01"
    for day in ("2200-01-01", "1949-12-31", "9999-12-31"):
        with pytest.raises(InputError, match=r"out of range \(1950-01-01 to 2199-12-31\)"):
            v.check_date(day, "expiry date")
    with pytest.raises(InputError, match="is in the future"):
        v.check_past_date("2026-12-01", "date", TODAY)
    assert v.check_past_date(" 2026-11-30 ", "date", TODAY) == "2026-11-30"


def test_a_far_expiry_is_refused_in_one_line_without_a_pattern():
    with pytest.raises(InputError) as info:
        v.check_certification(CertificationInput("CKA", "CNCF", "2024-01-01", "2200-06-01"),
                              today=TODAY)
    one_line_no_regex(str(info.value))
    assert "expiry date 2200-06-01 is out of range" in str(info.value)


@pytest.mark.parametrize("name", ["<b>Ada</b>", "Ann &amp; Bob", "Ann <!-- x -->", "Ann<br/>",
                                  "Anna <anna@example.com>", "Zoë O'Brien",
                                  "\u0645\u0631\u06cc\u200c\u0645"])
def test_names_are_any_printable_text(name):
    assert v.check_name(name) == name
    assert TypeAdapter(models.Name).validate_python(name) == name


@pytest.mark.parametrize("name, why, in_file", [
    ("Eve\u009b2J", "contains a control character (U+009B)", None),
    ("\u202eevil", "contains a bidirectional control character (U+202E)", None),
    ("a\nb", "must be one line", None),
    ("a\u2028b", "must be one line", None),
    ("x\ud800", "contains an unpaired surrogate (U+D800), which is not text",
     "should be a valid string"),  # pydantic refuses it first; no JSON file can hold one anyway
    ("x" * 201, "is too long (201 characters; at most 200)", "at most 200 characters"),
])
def test_what_a_name_refuses_is_refused_everywhere_in_one_line(name, why, in_file):
    with pytest.raises(InputError) as info:
        v.check_name(name)
    assert str(info.value) == f"name {why}"
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(models.Name).validate_python(name)
    message = models.validation_message(refused.value, "f")
    one_line_no_regex(message)
    assert (in_file or why) in message


def test_file_model_messages_are_one_line_never_a_regular_expression():
    cases = [(models.Day, "2200-12-31"), (models.Day, "yesterday"), (models.Day, "2026-02-30"),
             (models.Timestamp, "2024-13-45T99:99:99Z"), (models.Timestamp, "2200-01-01T00:00:00Z"),
             (models.Ident, "Not An Id"), (models.Ident, "a.\n"), (models.Text, "x\x9b"),
             (models.Short, "x\ny"), (models.Url, "javascript:alert(1)"),
             (models.Hex64, "ABC"), (models.OptionalHex64, "x")]
    for model, value in cases:
        with pytest.raises(ValidationError) as info:
            TypeAdapter(model).validate_python(value)
        one_line_no_regex(models.validation_message(info.value, "f"))


# ------------------------------------------------------------------ one definition
def test_the_file_models_take_their_limits_from_the_rules():
    assert (models.MAX_NAME, models.MAX_SHORT, models.MAX_TEXT, models.MAX_URL,
            models.MAX_RAW, models.MAX_ID) == (v.MAX_NAME, v.MAX_SHORT, v.MAX_NOTE, v.MAX_URL,
                                               v.MAX_RAW, v.MAX_ID)
    schema = generate_schemas()["progress.schema.json"]["$defs"]
    study = schema["StudySessionItem"]["properties"]
    assert study["minutes"]["maximum"] == v.MAX_MINUTES
    assert study["day"]["pattern"] == v.DATE_PATTERN
    assert study["note"]["pattern"] == v.TEXT_PATTERN
    assert schema["Learner"]["properties"]["name"]["pattern"] == v.LINE_PATTERN
    assert schema["CertificationItem"]["properties"]["url"]["pattern"] == "^$|" + v.URL_PATTERN
    assert schema["ProgressItem"]["properties"]["milestone"]["pattern"] == v.ID_PATTERN
    assert schema["ProgressItem"]["properties"]["evidence"]["maxItems"] == v.MAX_EVIDENCE


def test_the_date_pattern_ends_where_max_date_ends():
    assert re.fullmatch(v.DATE_PATTERN[1:-1], v.MAX_DATE.isoformat())
    assert re.fullmatch(v.DATE_PATTERN[1:-1], v.MIN_DATE.isoformat())
    assert not re.fullmatch(v.DATE_PATTERN[1:-1], (v.MAX_DATE + timedelta(days=1)).isoformat())
    assert not re.fullmatch(v.DATE_PATTERN[1:-1], (v.MIN_DATE - timedelta(days=1)).isoformat())


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_schema_text_patterns_say_what_the_rules_say(text):
    """The schema's pattern and the Python rule agree on every text (lone surrogates aside:
    no JSON file holds one, and the rule refuses them)."""
    if re.search("[\ud800-\udfff]", text):
        assert v.text_problem(text, limit=10**6) is not None
        return
    for pattern, single in ((v.LINE_PATTERN, True), (v.TEXT_PATTERN, False)):
        ok = v.text_problem(text, limit=10**6, single_line=single) is None
        assert ok == bool(re.fullmatch(pattern[1:-1], text)), (pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.dates(date(1900, 1, 1), date(2300, 1, 1)).map(date.isoformat),
                 st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"), texts))
def test_the_schema_date_pattern_says_what_the_rule_says(text):
    try:
        date.fromisoformat(text)
        real = True
    except ValueError:
        real = False
    by_pattern = bool(re.fullmatch(v.DATE_PATTERN[1:-1], text, re.ASCII)) and real
    assert (v.date_problem(text) is None) == by_pattern


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.datetimes(datetime(1900, 1, 1), datetime(2300, 1, 1),
                 timezones=st.sampled_from([UTC, None])).map(
        lambda d: d.isoformat().replace("+00:00", "Z")),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})\Z"),
    texts))
def test_the_schema_timestamp_pattern_says_what_the_rule_says(text):
    try:
        date.fromisoformat(text[:10])
        real = True
    except ValueError:
        real = False
    by_pattern = bool(re.fullmatch(v.TIMESTAMP_PATTERN[1:-1], text, re.ASCII)) and real
    assert (v.timestamp_problem(text) is None) == by_pattern


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"\Ahttps?://[a-zA-Z0-9.\-:/ ]{0,20}\Z"), texts,
                 st.builds(lambda t: "https://a.example/" + t, texts)))
def test_the_schema_url_pattern_says_what_the_rule_says(text):
    if re.search("[\ud800-\udfff]", text):
        return
    assert (v.url_problem(text) is None) == bool(
        text == "" or re.fullmatch(v.URL_PATTERN[1:-1], text))


@given(st.one_of(st.from_regex(r"\A[a-z0-9.\-]{1,12}\n?\Z"), texts))
def test_ids_follow_the_curriculum_rule(text):
    assert (v.id_problem(text) is None) == bool(MILESTONE_ID.fullmatch(text)
                                                and len(text) <= v.MAX_ID)


def test_local_today_is_the_local_calendar_day():
    now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert v.local_today(now) == now.astimezone().date()


def test_room_and_raw_limits():
    v.check_room(9, 10, "things")
    with pytest.raises(InputError, match="there are already 10 things, the most a progress "
                                         "file holds; delete some first"):
        v.check_room(10, 10, "things")
    assert v.check_raw(None) is None
    with pytest.raises(InputError, match="too large to keep"):
        v.check_raw("x" * (v.MAX_RAW + 1))
