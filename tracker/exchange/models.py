"""Pydantic v2 models of the files that leave the machine (format_version 1).

``ProgressFile`` (``*.mlops-progress.json``) and ``ReviewFile`` (``*.mlops-review.json``),
exactly as DESIGN.md describes them. Types are strict (no "3" for 3, no 1 for true),
unknown keys are refused, timestamps are real ISO-8601 instants, and every field follows the
same input rules as the Store (:mod:`tracker.validation`: limits, dates, printable text), so
whatever the app stores it can export and read back. Names are text, shown as plain text and
escaped in HTML; markup in them is just characters. Refusals are one readable line, never a
regular expression. The JSON Schemas in ``resources/schema/`` are generated from these models
(see :mod:`tracker.exchange.schema`); their patterns are the rules' own expressions.

The embedded curriculum is checked here for its shape only; its meaning (ids, references,
cycles) is checked by :func:`tracker.curriculum.loader.parse_pack`, once per distinct pack.
Pure, no Qt; models are immutable and safe to share between threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from tracker import validation as v

PROGRESS_FORMAT = "mlops-tracker/progress"
REVIEW_FORMAT = "mlops-tracker/review"
FORMAT_VERSION = 1  # review files
# Progress files: 2 once they embed a format-2 pack (choices, electives); 1 is still read.
PROGRESS_VERSION = 2

# The limits are the input rules' (tracker.validation): one definition for the Store, the
# forms, the CLI and these files.
MAX_NAME = v.MAX_NAME
MAX_ID = v.MAX_ID
MAX_SHORT = v.MAX_SHORT
MAX_TEXT = v.MAX_NOTE
MAX_URL = v.MAX_URL
MAX_RAW = v.MAX_RAW
MAX_ITEMS = v.MAX_ITEMS


def _rule(problem: Callable[[Any], str | None]) -> AfterValidator:
    """A pydantic validator from one of tracker.validation's ``*_problem`` functions: the
    value is checked, never changed, and refused with that function's one-line reason.

    The rules are pure functions of a string (strict mode has checked the type first), and a
    cohort's files repeat the same ids, dates and empty notes thousands of times: the
    answers are remembered (a bounded cache, so a hostile file cannot grow it)."""
    def check(value: Any) -> Any:
        reason = problem(value)
        if reason:
            raise ValueError(reason)
        return value

    # Called from pydantic-core without a Python frame when the answer is remembered (a
    # ValueError is not: a refused value is checked again, which is as it should be).
    # typed: "1" and a str subclass are different keys; strict mode admits only text here.
    return AfterValidator(functools.lru_cache(maxsize=8192, typed=True)(check))


def _pattern(pattern: str, **extra: Any) -> dict[str, Any]:
    """The JSON Schema ``pattern`` (the same regular expression the rule uses); validation
    itself is done by the rule, so a refusal never shows the expression."""
    return {"pattern": pattern, **extra}


Timestamp = Annotated[str, Field(max_length=40, json_schema_extra=_pattern(
    v.TIMESTAMP_PATTERN, format="date-time")), _rule(v.timestamp_problem)]
OptionalTimestamp = Annotated[str, Field(max_length=40, json_schema_extra=_pattern(
    v.TIMESTAMP_PATTERN + "|^$")), _rule(lambda x: v.timestamp_problem(x, optional=True))]
Day = Annotated[str, Field(json_schema_extra=_pattern(v.DATE_PATTERN, format="date")),
                _rule(v.date_problem)]
Name = Annotated[str, Field(max_length=MAX_NAME, json_schema_extra=_pattern(v.LINE_PATTERN)),
                 _rule(lambda x: v.text_problem(x, limit=MAX_NAME))]
Short = Annotated[str, Field(max_length=MAX_SHORT, json_schema_extra=_pattern(v.LINE_PATTERN)),
                  _rule(lambda x: v.text_problem(x, limit=MAX_SHORT))]
Line = Annotated[str, Field(max_length=MAX_URL, json_schema_extra=_pattern(v.LINE_PATTERN)),
                 _rule(lambda x: v.text_problem(x, limit=MAX_URL))]
Text = Annotated[str, Field(max_length=MAX_TEXT, json_schema_extra=_pattern(v.TEXT_PATTERN)),
                 _rule(lambda x: v.text_problem(x, limit=MAX_TEXT, single_line=False))]
Url = Annotated[str, Field(max_length=MAX_URL, json_schema_extra=_pattern(
    "^$|" + v.URL_PATTERN)), _rule(v.url_problem)]
Ident = Annotated[str, Field(min_length=1, max_length=MAX_ID,
                             json_schema_extra=_pattern(v.ID_PATTERN)), _rule(v.id_problem)]
Hex64 = Annotated[str, Field(json_schema_extra=_pattern(v.HEX64_PATTERN)),
                  _rule(v.digest_problem)]
OptionalHex64 = Annotated[str, Field(json_schema_extra=_pattern(r"^([0-9a-f]{64})?$")),
                          _rule(lambda x: v.digest_problem(x, optional=True))]
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
    own_threshold: float | None = None


class PackArea(_Model):
    id: str
    title: str
    description: str = ""


class PackSkill(_Model):
    id: str
    area: str
    title: str
    description: str = ""


class _PackUnit(_Model):
    """What a milestone and a choice ("one of") both have: one requirement of a level."""

    id: str
    skill: str
    level: str
    title: str
    description: str = ""
    weight: int = 1
    core: bool = False


class PackMilestone(_PackUnit):
    requires: list[str] = []
    elective: bool = False
    replaces: list[str] = []


class PackChoice(_PackUnit):
    options: list[str]
    pick: int = 1


class PackCertification(_Model):
    id: str
    name: str
    issuer: str
    skills: list[str] = []
    level: str | None = None
    url: str | None = None
    status: Literal["active", "retired"] = "active"
    retired_on: str | None = None
    replaced_by: str | None = None
    last_verified: str | None = None


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
    format: Literal[1, 2] = 1
    choices: list[PackChoice] = []


# ------------------------------------------------------------------ progress file
class Learner(_Model):
    name: Name
    target_level: Ident | None
    experience_years: Annotated[float, Field(ge=0, le=v.MAX_YEARS)] | None
    # format_version 2: the learner's stack (choice or stack key -> option word)
    stack: Annotated[dict[Ident, Ident], Field(max_length=50)] = {}


class EvidenceItem(_Model):
    text: Line
    added_at: OptionalTimestamp


class ProgressItem(_Model):
    milestone: Ident
    state: State
    updated_at: Timestamp
    note: Text = ""
    evidence: Annotated[list[EvidenceItem], Field(max_length=v.MAX_EVIDENCE)] = []


class CertificationItem(_Model):
    name: Short
    issuer: Short
    earned: Day
    expires: Day | None = None
    credential_id: Short = ""
    url: Url = ""
    catalog_id: Ident | None = None
    source: Annotated[str, Field(max_length=v.MAX_SOURCE, json_schema_extra=_pattern(
        v.LINE_PATTERN)), _rule(lambda x: v.text_problem(x, limit=v.MAX_SOURCE))] = "manual"
    verified: bool = False
    raw: Annotated[str, Field(max_length=MAX_RAW)] | None = None
    created_at: OptionalTimestamp = ""
    # Optional (older files lack them): the exporting app's signature check (a claim: a reader checks
    # ``raw`` again itself) and the issuer's key id when verified.
    verification: Literal["verified", "invalid-signature", "unverifiable-offline",
                          "unsigned"] | None = None
    issuer_key: Short = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> CertificationItem:
        if self.expires is not None and self.expires < self.earned:
            raise ValueError(f"expires {self.expires} is before earned {self.earned}")
        return self


class StudySessionItem(_Model):
    day: Day
    minutes: Annotated[int, Field(ge=1, le=v.MAX_MINUTES)]
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
    progress_digest: OptionalHex64 = ""


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
    format_version: Literal[1, 2]
    exported_at: Timestamp
    app_version: Annotated[str, Field(max_length=40)]
    learner: Learner
    curriculum: dict[str, Any]
    progress: Annotated[list[ProgressItem], Field(max_length=MAX_ITEMS)]
    certifications: Annotated[list[CertificationItem], Field(max_length=v.MAX_CERTIFICATIONS)]
    study_sessions: Annotated[list[StudySessionItem], Field(max_length=v.MAX_STUDY_SESSIONS)]
    reviews: Annotated[list[ReviewItem], Field(max_length=MAX_ITEMS)]
    readiness: Annotated[list[LevelReadinessItem], Field(max_length=100)]
    integrity: Integrity

    @model_validator(mode="after")
    def _no_duplicates(self) -> ProgressBody:
        _unique(self.progress, "milestone", "milestone in progress")
        _unique(self.readiness, "level", "level in readiness")
        if self.format_version < 2:
            if self.learner.stack:
                raise ValueError("learner.stack needs format_version 2")
            pack_format = (self.curriculum.get("format", 1) if isinstance(self.curriculum, dict)
                           else self.curriculum.format)
            if pack_format != 1:
                raise ValueError("a format_version 1 file cannot embed a format-2 pack")
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


class Signature(_Model):
    """An Ed25519 signature over the UTF-8 bytes of the integrity digest (DESIGN.md)."""

    algorithm: Literal["ed25519"]
    public_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]{43}=$")]
    value: Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]{86}==$")]


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
    signature: Signature | None = None

    @model_validator(mode="after")
    def _no_duplicates(self) -> ReviewFile:
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


# ------------------------------------------------------------------ the cohort's fast check
# A cohort reads thousands of progress files and needs only a few of their values; building
# a frozen model instance for each of a file's hundreds of progress items is most of the
# time pydantic takes. So the same rules are also compiled into a validator that returns
# plain dicts: each model mirrored as a TypedDict with the very same field types,
# constraints and rules (generated from the models, so they cannot drift apart), and the
# models' own after-validators re-stated below (a test checks no model has any other).
# It only ever says yes or no: on no, the caller validates with the model for the message.

def _mirror(tp: Any) -> Any:
    import types
    import typing

    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _typed_dict(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        return Annotated[(_mirror(args[0]), *tp.__metadata__)]
    if origin is list:
        return list[_mirror(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[_mirror(args[0]), _mirror(args[1])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_mirror(a) for a in args)]  # noqa: UP007 - built from a tuple
    return tp


@functools.cache
def _typed_dict(model: type[BaseModel]) -> Any:
    from typing import NotRequired

    from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        tp = _mirror(info.annotation)
        if info.metadata:
            tp = Annotated[(tp, *info.metadata)]
        fields[name] = tp if info.is_required() else NotRequired[tp]
    td = TypedDict(f"{model.__name__}Dict", fields)  # type: ignore[misc]
    td.__pydantic_config__ = model.model_config  # type: ignore[attr-defined]
    return td


@functools.cache
def _progress_adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(_typed_dict(ProgressBody))


#: The model validators :func:`progress_body_ok` re-states (a test keeps this list true).
MIRRORED_MODEL_VALIDATORS = {("ProgressBody", "_no_duplicates"),
                             ("CertificationItem", "_dates_in_order")}


def progress_body_ok(value: Any) -> bool:
    """True when ``ProgressBody.model_validate(value)`` would succeed, without building the
    model (see above). Never raises for bad input: False means "ask the model"."""
    from pydantic import ValidationError

    try:
        doc = _progress_adapter().validate_python(value)
    except ValidationError:
        return False
    # ProgressBody._no_duplicates
    milestones = [p["milestone"] for p in doc["progress"]]
    if len(set(milestones)) != len(milestones):
        return False
    levels = [r["level"] for r in doc["readiness"]]
    if len(set(levels)) != len(levels):
        return False
    if doc["format_version"] < 2:
        if doc["learner"].get("stack"):
            return False
        if doc["curriculum"].get("format", 1) != 1:
            return False
    # CertificationItem._dates_in_order
    for c in doc["certifications"]:
        expires = c.get("expires")
        if expires is not None and expires < c["earned"]:
            return False
    return True
