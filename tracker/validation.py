"""Input rules shared by the Store, the CLI and the forms. Pure, Qt-free.

Each ``check_*`` returns the cleaned value or raises InputError with one readable line.
"""

from __future__ import annotations

import math
import re
from datetime import date

from tracker.db.errors import InputError

MAX_NAME = 200
MAX_NOTE = 10_000
MAX_SHORT = 300
MAX_URL = 2_000
MAX_MINUTES = 720
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s]*)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: object, what: str, *, limit: int, required: bool = False,
               single_line: bool = True) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be text")
    text = value.strip() if single_line else value
    if required and not text.strip():
        raise InputError(f"{what} must not be empty")
    if len(text) > limit:
        raise InputError(f"{what} is too long ({len(text):,} characters; at most {limit:,})")
    if _CONTROL.search(text) or (single_line and ("\n" in text or "\r" in text)):
        raise InputError(f"{what} contains control characters")
    return text


def check_date(value: object, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise InputError(f"{what} must be a date as YYYY-MM-DD, got {value!r}")
    try:
        d = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a real date") from None
    if not 1950 <= d.year <= 2200:
        raise InputError(f"{what} {value!r} is out of range (1950 to 2200)")
    return d.isoformat()


def check_url(value: object, what: str = "URL", *, required: bool = False) -> str:
    text = check_text(value, what, limit=MAX_URL, required=required)
    if text and not URL_RE.match(text):
        raise InputError(f"{what} must start with http:// or https:// and name a host")
    return text


def check_minutes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"minutes must be a whole number, got {value!r}")
    if not 1 <= value <= MAX_MINUTES:
        raise InputError(f"minutes must be from 1 to {MAX_MINUTES}, got {value}")
    return value


def check_years(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"experience years must be a number, got {value!r}")
    if not 0 <= value <= 70:
        raise InputError(f"experience years must be from 0 to 70, got {value:g}")
    return float(value)


def check_cert_dates(earned: str, expires: str | None) -> tuple[str, str | None]:
    earned = check_date(earned, "earned date")
    if expires:
        expires = check_date(expires, "expiry date")
        if expires < earned:
            raise InputError(f"expiry date {expires} is before the earned date {earned}")
    return earned, expires or None
