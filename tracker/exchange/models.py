"""Pydantic v2 models of the files that leave the machine (format_version 1).

``ProgressFile`` (``*.mlops-progress.json``) and ``ReviewFile`` (``*.mlops-review.json``),
exactly as DESIGN.md describes them. Types are strict (no "3" for 3, no 1 for true),
unknown keys are refused, timestamps are real ISO-8601 instants, strings have limits, and
names are plain text (no control characters, no HTML markup). The JSON Schemas in
``resources/schema/`` are generated from these models (see :mod:`tracker.exchange.schema`).

The embedded curriculum is checked here for its shape only; its meaning (ids, references,
cycles) is checked by :func:`tracker.curriculum.loader.parse_pack`, once per distinct pack.
Pure, no Qt; models are immutable and safe to share between threads.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

PROGRESS_FORMAT = "mlops-tracker/progress"
REVIEW_FORMAT = "mlops-tracker/review"
FORMAT_VERSION = 1

MAX_NAME = 200
MAX_ID = 120
MAX_SHORT = 300
MAX_TEXT = 10_000
MAX_URL = 2_000
MAX_RAW = 2_000_000
MAX_ITEMS = 100_000

# Years 1950 to 2199, months 01-12, days 01-31, hours 00-23, minutes and seconds 00-59:
# checked by pydantic-core's regex; only days 29-31 need a look at the calendar in Python.
_YMD = r"(19[5-9]\d|2[01]\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIMESTAMP_RE = (r"^" + _YMD + r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
                 r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$")
_DATE_RE = r"^" + _YMD + r"$"
_NO_CONTROL_RE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_ID_RE = r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A tag (<b>, </i>, <img src=...>, <br/>), a comment or declaration (<!...>, <?...>) or an
# entity; not any "<": "Anna <anna@example.com>" or "x < y" are plain names.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|<[!?]|"
                     r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def _real_date(value: str) -> str:
    """The pattern has checked the shape and ranges; only the 29th-31st can be unreal."""
    if value[8:10] > "28":
        try:
            date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a real date") from None
    return value


_real_timestamp = _real_date


def _optional_timestamp(value: str) -> str:
    return value if value == "" else _real_timestamp(value)


def _plain_name(value: str) -> str:
    if _CONTROL.search(value) or "\n" in value or "\r" in value:
        raise ValueError("contains control characters or line breaks")
    if _MARKUP.search(value):
        raise ValueError("contains HTML markup; names must be plain text")
    return value


Timestamp = Annotated[str, Field(pattern=_TIMESTAMP_RE, max_length=40,
                                 json_schema_extra={"format": "date-time"}),
                      AfterValidator(_real_timestamp)]
OptionalTimestamp = Annotated[str, Field(pattern=_TIMESTAMP_RE + "|^$", max_length=40),
                              AfterValidator(_optional_timestamp)]
Day = Annotated[str, Field(pattern=_DATE_RE, json_schema_extra={"format": "date"}),
                AfterValidator(_real_date)]
Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(_plain_name)]
Short = Annotated[str, Field(max_length=MAX_SHORT, pattern=_NO_CONTROL_RE)]
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=_NO_CONTROL_RE)]
Ident = Annotated[str, Field(min_length=1, max_length=MAX_ID, pattern=_ID_RE)]
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
State = Literal["done", "learning", "todo"]
Verdict = Literal["verified", "needs-work"]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True,
                              allow_inf_nan=False, hide_input_in_errors=True)


# ------------------------------------------------------------------ embedded curriculum
class PackLevel(_Model):
    id: str
    rank: int
    title: str
    focus: str = ""
    experience: str = ""
    salary: str | None = None
    threshold: float = 80.0


class PackArea(_Model):
    id: str
    title: str
    description: str = ""


class PackSkill(_Model):
    id: str
    area: str
    title: str
    description: str = ""


class PackMilestone(_Model):
    id: str
    skill: str
    level: str
    title: str
    description: str = ""
    weight: int = 1
    core: bool = False
    requires: list[str] = []


class PackCertification(_Model):
    id: str
    name: str
    issuer: str
    skills: list[str] = []
    level: str | None = None
    url: str | None = None


class Pack(_Model):
    """A curriculum pack in the TOML/JSON shape (``Curriculum.to_dict()``)."""

    id: str
    version: str
    title: str
    description: str = ""
    levels: list[PackLevel]
    areas: list[PackArea] = []
    skills: list[PackSkill] = []
    milestones: list[PackMilestone]
    certifications: list[PackCertification] = []


# ------------------------------------------------------------------ progress file
class Learner(_Model):
    name: Name
    target_level: Ident | None
    experience_years: Annotated[float, Field(ge=0, le=70)] | None


class EvidenceItem(_Model):
    text: Annotated[str, Field(max_length=MAX_URL, pattern=_NO_CONTROL_RE)]
    added_at: OptionalTimestamp


class ProgressItem(_Model):
    milestone: Ident
    state: State
    updated_at: Timestamp
    note: Text = ""
    evidence: Annotated[list[EvidenceItem], Field(max_length=1000)] = []


class CertificationItem(_Model):
    name: Short
    issuer: Short
    earned: Day
    expires: Day | None = None
    credential_id: Short = ""
    url: Annotated[str, Field(max_length=MAX_URL, pattern=_NO_CONTROL_RE)] = ""
    catalog_id: Ident | None = None
    source: Annotated[str, Field(max_length=32)] = "manual"
    verified: bool = False
    raw: Annotated[str, Field(max_length=MAX_RAW)] | None = None
    created_at: OptionalTimestamp = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CertificationItem":
        if self.expires is not None and self.expires < self.earned:
            raise ValueError(f"expires {self.expires} is before earned {self.earned}")
        return self


class StudySessionItem(_Model):
    day: Day
    minutes: Annotated[int, Field(ge=1, le=720)]
    skill: Ident | None = None
    note: Text = ""
    created_at: OptionalTimestamp = ""


class ReviewItem(_Model):
    milestone: Ident
    verdict: Verdict
    comment: Text = ""
    reviewer: Name = ""
    reviewed_at: Timestamp
    imported_at: OptionalTimestamp = ""
    progress_digest: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$")] = ""


class LevelReadinessItem(_Model):
    level: Ident
    percent: Annotated[float, Field(ge=0, le=100)]
    ready: bool


class Integrity(_Model):
    algorithm: Literal["sha256"]
    digest: Hex64


def _unique(items: list[Any], key: str, what: str) -> None:
    if len({getattr(item, key) for item in items}) == len(items):
        return
    seen: set[str] = set()
    for item in items:
        ident = getattr(item, key)
        if ident in seen:
            raise ValueError(f"duplicate {what} {ident!r}")
        seen.add(ident)


class ProgressBody(_Model):
    """A progress file with the embedded curriculum left as data: the fast path of a cohort
    load validates the curriculum only once per distinct pack (with :class:`Pack` and the
    curriculum loader). :class:`ProgressFile` is the complete model."""

    format: Literal["mlops-tracker/progress"]
    format_version: Literal[1]
    exported_at: Timestamp
    app_version: Annotated[str, Field(max_length=40)]
    learner: Learner
    curriculum: dict[str, Any]
    progress: Annotated[list[ProgressItem], Field(max_length=MAX_ITEMS)]
    certifications: Annotated[list[CertificationItem], Field(max_length=10_000)]
    study_sessions: Annotated[list[StudySessionItem], Field(max_length=MAX_ITEMS)]
    reviews: Annotated[list[ReviewItem], Field(max_length=MAX_ITEMS)]
    readiness: Annotated[list[LevelReadinessItem], Field(max_length=100)]
    integrity: Integrity

    @model_validator(mode="after")
    def _no_duplicates(self) -> "ProgressBody":
        _unique(self.progress, "milestone", "milestone in progress")
        _unique(self.readiness, "level", "level in readiness")
        return self


class ProgressFile(ProgressBody):
    """``*.mlops-progress.json``: one learner's progress with its whole curriculum."""

    curriculum: Pack  # type: ignore[assignment]


# ------------------------------------------------------------------ review file
class Reviewer(_Model):
    name: Annotated[Name, Field(min_length=1)]


class VerdictItem(_Model):
    milestone: Ident
    verdict: Verdict
    comment: Text = ""


class ReviewFile(_Model):
    """``*.mlops-review.json``: a mentor's verdicts on one progress file."""

    format: Literal["mlops-tracker/review"]
    format_version: Literal[1]
    reviewed_at: Timestamp
    reviewer: Reviewer
    learner: Learner
    progress_digest: Hex64
    verdicts: Annotated[list[VerdictItem], Field(max_length=MAX_ITEMS)]
    integrity: Integrity

    @model_validator(mode="after")
    def _no_duplicates(self) -> "ReviewFile":
        _unique(self.verdicts, "milestone", "verdict for milestone")
        return self


def validation_message(exc: Exception, source: str) -> str:
    """One line from a pydantic ValidationError: the first problem with its place."""
    errors = getattr(exc, "errors", None)
    items = errors(include_url=False, include_input=False) if callable(errors) else []
    if not items:
        return f"{source}: {' '.join(str(exc).split())[:200]}"
    first = items[0]
    place = ""
    for part in first.get("loc", ()):
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    more = f" (and {len(items) - 1} more problem{'s' if len(items) > 2 else ''})" \
        if len(items) > 1 else ""
    return f"{source}: {place + ': ' if place else ''}{msg}{more}"
