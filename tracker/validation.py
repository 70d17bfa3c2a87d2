"""The input rules: the one place that says what a name, a note, a date, a URL, an id or a
number of minutes may be.

The Store (:mod:`tracker.db`), the CLI (:mod:`tracker.commands`), the GUI forms and the file
models (:mod:`tracker.exchange.models`) all call these functions, so what the Store accepts
an export carries and an import or a review reads back, and the reverse. The limits are the
file formats' (DESIGN.md; ``resources/schema/`` is generated from the models, which take
their patterns from here).

- ``check_*`` return the cleaned value (single-line text stripped) or raise InputError with
  one readable line, never a regular expression.
- ``*_problem`` return the reason a value is refused, or None, and never change the value:
  the file models use these, because a file is checked, not rewritten.

Names are text: any printable text is accepted, shown as plain text and escaped in HTML.
"Printable" refuses only what cannot be shown safely: control characters (C0 but tab, C1,
DEL), line breaks in one-line fields, the bidirectional embedding, override and isolate
controls (which can make text display as something else) and unpaired surrogates.

Pure, Qt-free; any thread.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from tracker.curriculum.loader import ID_PATTERN as ID_PATTERN  # re-exported: one id rule
from tracker.curriculum.loader import MAX_ID as MAX_ID
from tracker.errors import InputError

if TYPE_CHECKING:  # an annotation only: tracker.db imports this module, not the reverse
    from tracker.db.types import CertificationInput

# ------------------------------------------------------------------ limits
MAX_NAME = 200               # profile and reviewer names
MAX_SHORT = 300              # certification name, issuer, credential id
MAX_NOTE = 10_000            # notes, study notes, review comments
MAX_URL = 2_000              # URLs and evidence
MAX_RAW = 2_000_000          # an imported badge's original JSON
MAX_MINUTES = 720            # one study session
MAX_YEARS = 70               # experience
MAX_SOURCE = 32              # a certification's source ("manual", "openbadges-2.0")
MIN_DATE = date(1950, 1, 1)
MAX_DATE = date(2199, 12, 31)
# What one progress file holds; the Store refuses to grow past it.
MAX_CERTIFICATIONS = 10_000
MAX_STUDY_SESSIONS = 100_000
MAX_EVIDENCE = 1_000         # per milestone
MAX_ITEMS = 100_000          # progress entries, reviews

# ------------------------------------------------------------------ patterns
# The regular expressions below are valid in Python and in ECMA-262, so the very same text is
# the JSON Schema's ``pattern`` (see tracker.exchange.models). They are never shown to users.
_C0_BUT_TAB_LF_CR = r"\x00-\x08\x0b\x0c\x0e-\x1f"
_C1_AND_DEL = r"\x7f-\x9f"
_BIDI = r"\u202a-\u202e\u2066-\u2069"
TEXT_PATTERN = "^[^" + _C0_BUT_TAB_LF_CR + _C1_AND_DEL + _BIDI + "]*$"
_C0_BUT_TAB = r"\x00-\x08\x0a-\x1f"
LINE_PATTERN = "^[^" + _C0_BUT_TAB + r"\u2028\u2029" + _C1_AND_DEL + _BIDI + "]*$"
# Years 1950 to 2199 (MIN_DATE to MAX_DATE), months 01-12, days 01-31; the calendar is
# checked in Python.
_YMD = r"(19[5-9]\d|2[01]\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
DATE_PATTERN = "^" + _YMD + "$"
TIMESTAMP_PATTERN = ("^" + _YMD + r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
                     r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$")
URL_PATTERN = (r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s" + _C0_BUT_TAB_LF_CR + _C1_AND_DEL
               + _BIDI + "]*)?$")
HEX64_PATTERN = r"^[0-9a-f]{64}$"

_SURROGATES = r"\ud800-\udfff"  # not in the schema: a JSON file cannot hold them anyway
_BAD_IN_TEXT = re.compile("[" + _C0_BUT_TAB_LF_CR + _C1_AND_DEL + _BIDI + _SURROGATES + "]")
_BAD_IN_LINE = re.compile("[" + _C0_BUT_TAB + r"\u2028\u2029" + _C1_AND_DEL + _BIDI
                          + _SURROGATES + "]")
_SURROGATES_RE = re.compile("[" + _SURROGATES + "]")
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIMESTAMP_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})", re.ASCII)
_ID_RE = re.compile(ID_PATTERN[1:-1])
_HEX64_RE = re.compile(HEX64_PATTERN[1:-1])
URL_RE = re.compile(URL_PATTERN)  # anchored: the skills page links evidence that matches

ID_HINT = "lowercase letters, digits and hyphens, dot-separated"


# ------------------------------------------------------------------ text
def _char_problem(ch: str, single_line: bool) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in "\n\r\u2028\u2029" and single_line:
        return "must be one line"
    if "\ud800" <= ch <= "\udfff":
        return f"contains an unpaired surrogate ({code}), which is not text"
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return f"contains a bidirectional control character ({code})"
    return f"contains a control character ({code})"


def text_problem(value: object, *, limit: int, single_line: bool = True) -> str | None:
    """Why ``value`` is not acceptable text of at most ``limit`` characters, or None."""
    if not isinstance(value, str):
        return "must be text"
    if len(value) > limit:
        return f"is too long ({len(value):,} characters; at most {limit:,})"
    bad = (_BAD_IN_LINE if single_line else _BAD_IN_TEXT).search(value)
    if bad:
        return _char_problem(bad.group(), single_line)
    return None


def check_text(value: object, what: str, *, limit: int, required: bool = False,
               single_line: bool = True) -> str:
    """Text as entered: a one-line value is stripped first; ``required`` refuses blank."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text")
    text = value.strip() if single_line else value
    if required and not text.strip():
        raise InputError(f"{what} must not be empty")
    problem = text_problem(text, limit=limit, single_line=single_line)
    if problem:
        raise InputError(f"{what} {problem}")
    return text


def check_name(value: object, what: str = "name", *, required: bool = True) -> str:
    """A person's name (the learner, a reviewer): any printable one-line text."""
    return check_text(value, what, limit=MAX_NAME, required=required)


def check_short(value: object, what: str, *, required: bool = False) -> str:
    """A certification's name, issuer or credential id."""
    return check_text(value, what, limit=MAX_SHORT, required=required)


def check_note(value: object, what: str = "note") -> str:
    """A note, study note or review comment: several lines allowed, kept as typed."""
    return check_text(value, what, limit=MAX_NOTE, single_line=False)


def check_evidence(value: object) -> str:
    return check_text(value, "evidence", limit=MAX_URL, required=True)


def check_raw(value: object) -> str | None:
    """An imported badge's original JSON (None: a certification typed in by hand)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("the badge's original data must be text")
    if len(value) > MAX_RAW:
        raise InputError(f"the badge file is too large to keep ({len(value):,} characters of "
                         f"JSON; at most {MAX_RAW:,})")
    if _SURROGATES_RE.search(value):
        raise InputError("the badge file contains an invalid \\u escape (a lone surrogate)")
    return value


# ------------------------------------------------------------------ dates
def local_today(now: datetime | None = None) -> date:
    """Today on this computer's calendar (``now``, e.g. the Store's clock, in local time)."""
    return (now or datetime.now().astimezone()).astimezone().date()


def date_problem(value: object, *, latest: date | None = None) -> str | None:
    """Why ``value`` is not a YYYY-MM-DD date from MIN_DATE to MAX_DATE (and, with
    ``latest``, not after it: "in the future"), or None."""
    if not isinstance(value, str) or not _DATE_SHAPE.fullmatch(value):
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        return f"must be a date as YYYY-MM-DD, got {shown!r}"
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a real date"
    if latest is not None and d > latest:
        return f"{value} is in the future"
    if not MIN_DATE <= d <= MAX_DATE:
        return f"{value} is out of range ({MIN_DATE} to {MAX_DATE})"
    return None


def check_date(value: object, what: str, *, latest: date | None = None) -> str:
    """A date as typed (surrounding spaces ignored). With ``latest`` (today), a later date is
    refused as being in the future."""
    text = value.strip() if isinstance(value, str) else value
    problem = date_problem(text, latest=latest)
    if problem:
        raise InputError(f"{what} {problem}")
    assert isinstance(text, str)
    return text


def check_past_date(value: object, what: str, today: date) -> str:
    """A date something happened on (earned, studied): not after ``today``."""
    return check_date(value, what, latest=today)


def timestamp_problem(value: object, *, optional: bool = False) -> str | None:
    """Why ``value`` is not an ISO 8601 instant (``2026-11-30T12:00:00Z``, or with an offset
    such as ``+02:00``; years as for dates), or None. ``optional`` also accepts ""."""
    if optional and value == "":
        return None
    if not isinstance(value, str) or not _TIMESTAMP_SHAPE.fullmatch(value):
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        return f"{shown!r} is not a timestamp like 2026-11-30T12:00:00Z"
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return f"{value!r} is not a real date and time"
    day = date.fromisoformat(value[:10])
    if not MIN_DATE <= day <= MAX_DATE:
        return f"{value} is out of range (years {MIN_DATE.year} to {MAX_DATE.year})"
    return None


# ------------------------------------------------------------------ URLs, ids, digests
def url_problem(value: object) -> str | None:
    """Why ``value`` is neither empty nor an http(s) URL naming a host, or None."""
    problem = text_problem(value, limit=MAX_URL)
    if problem or value == "":
        return problem
    if not URL_RE.fullmatch(str(value)):
        return "must start with http:// or https:// and name a host"
    return None


def check_url(value: object, what: str = "URL", *, required: bool = False) -> str:
    text = check_text(value, what, limit=MAX_URL, required=required)
    problem = url_problem(text)
    if problem:
        raise InputError(f"{what} {problem}")
    return text


def id_problem(value: object) -> str | None:
    """Why ``value`` is not an id (``docker.multi-stage-build``), or None."""
    if not isinstance(value, str) or not value or len(value) > MAX_ID \
            or not _ID_RE.fullmatch(value):
        shown = value[:60] if isinstance(value, str) else type(value).__name__
        return f"{shown!r} is not a valid id ({ID_HINT}, at most {MAX_ID} characters)"
    return None


def check_id(value: object, what: str = "id") -> str:
    problem = id_problem(value)
    if problem:
        raise InputError(f"{what} {problem}")
    assert isinstance(value, str)
    return value


def digest_problem(value: object, *, optional: bool = False) -> str | None:
    if optional and value == "":
        return None
    if not isinstance(value, str) or not _HEX64_RE.fullmatch(value):
        return "must be a SHA-256 digest (64 lowercase hexadecimal digits)"
    return None


# ------------------------------------------------------------------ numbers
def check_minutes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"minutes must be a whole number, got {value!r}")
    if not 1 <= value <= MAX_MINUTES:
        raise InputError(f"minutes must be from 1 to {MAX_MINUTES}, got {value}")
    return value


def check_minutes_text(text: str) -> int:
    """Minutes as typed on the command line: ASCII digits only (``int`` would also take
    "1_0", "+5" and other scripts' digits)."""
    if not re.fullmatch(r"[0-9]+", text.strip(), re.ASCII):
        raise InputError(f"minutes must be a whole number from 1 to {MAX_MINUTES}, "
                         f"got {text!r}")
    return check_minutes(int(text))


def check_years(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"experience years must be a number, got {value!r}")
    if not 0 <= value <= MAX_YEARS:
        raise InputError(f"experience years must be from 0 to {MAX_YEARS}, got {value:g}")
    return float(value)


def check_room(count: int, limit: int, what: str) -> None:
    """Refuse to add one more of ``what`` when ``count`` already fills a progress file."""
    if count >= limit:
        raise InputError(f"there are already {count:,} {what}, the most a progress file "
                         f"holds; delete some first")


# ------------------------------------------------------------------ certifications
def check_cert_dates(earned: object, expires: object, *, today: date) -> tuple[str, str | None]:
    """Earned: a past date (not after ``today``). Expires: optional, not before earned."""
    earned_day = check_past_date(earned, "earned date", today)
    if expires is None or expires == "":
        return earned_day, None
    expires_day = check_date(expires, "expiry date")
    if expires_day < earned_day:
        raise InputError(f"expiry date {expires_day} is before the earned date {earned_day}")
    return earned_day, expires_day


def check_certification(c: CertificationInput, *, today: date) -> CertificationInput:
    """A certification as a form, the CLI or a badge supplies it, cleaned; InputError names
    the first problem."""
    name = check_short(c.name, "name", required=True)
    issuer = check_short(c.issuer, "issuer", required=True)
    earned, expires = check_cert_dates(c.earned, c.expires, today=today)
    cred = check_short(c.credential_id or "", "credential id")
    url = check_url(c.url or "")
    if c.catalog_id is not None:
        check_id(c.catalog_id, "catalog id")
    source = check_text(c.source, "source", limit=MAX_SOURCE, required=True)
    raw = check_raw(c.raw)
    return replace(c, name=name, issuer=issuer, earned=earned, expires=expires,
                   credential_id=cred, url=url, source=source, raw=raw)
