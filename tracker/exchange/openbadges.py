"""Read an Open Badges 2.0 assertion or 3.0 credential (plain JSON, no network).

The result is a CertificationInput marked as imported and unverified: signatures and hosted
verification need the network, which this app never uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.db.errors import InputError
from tracker.db.types import CertificationInput
from tracker.exchange import safe_json
from tracker.exchange.safe_json import FileTooLarge, NotRegularFile, read_regular

MAX_BYTES = 2_000_000


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):  # language maps or {"name": ...}
        for key in ("name", "@value", "en", "en-US"):
            if isinstance(value.get(key), str):
                return value[key].strip()
    return ""


def _date(value: Any, what: str, *, far_future_is_none: bool = False) -> str | None:
    """The YYYY-MM-DD part of a badge's date. With ``far_future_is_none`` (an expiry), a date
    after the last one the app keeps (2199-12-31, e.g. ``9999-12-31``) means "never"."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) < 10:
        raise InputError(f"the badge's {what} is not a date: {str(value)[:40]!r}")
    from tracker import validation as v

    day = value[:10]
    if far_future_is_none and v.date_problem(day) and day[:4].isdigit() \
            and int(day[:4]) > v.MAX_DATE.year:
        return None
    return v.check_date(day, f"the badge's {what}")


def _types(doc: dict[str, Any]) -> set[str]:
    t = doc.get("type", [])
    return {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()


def parse_badge(doc: Any) -> CertificationInput:
    if not isinstance(doc, dict):
        raise InputError("not an Open Badges file: the top level is not a JSON object")
    types = _types(doc)
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if "OpenBadgeCredential" in types or "AchievementCredential" in types or (
            "VerifiableCredential" in types and "credentialSubject" in doc):
        subject = doc.get("credentialSubject") or {}
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if not isinstance(achievement, dict):
            raise InputError("Open Badges 3.0 credential without credentialSubject.achievement")
        name = _text(achievement.get("name")) or _text(doc.get("name"))
        issuer = _text(doc.get("issuer")) or _text(achievement.get("creator"))
        earned = _date(doc.get("validFrom") or doc.get("issuanceDate") or doc.get("awardedDate"),
                       "issue date")
        expires = _date(doc.get("validUntil") or doc.get("expirationDate"), "expiry date",
                        far_future_is_none=True)
        cred_id = doc.get("id") if isinstance(doc.get("id"), str) else ""
        source = "openbadges-3.0"
    elif "Assertion" in types or "badge" in doc:
        badge = doc.get("badge")
        if isinstance(badge, str):
            raise InputError("the assertion only links to its badge; export the badge with its "
                             "details embedded (this app never fetches from the network)")
        if not isinstance(badge, dict):
            raise InputError("Open Badges 2.0 assertion without a badge")
        name = _text(badge.get("name"))
        issuer_field = badge.get("issuer")
        if isinstance(issuer_field, str) and issuer_field.startswith("http"):
            issuer = issuer_field.split("/")[2] if issuer_field.count("/") >= 2 else issuer_field
        else:
            issuer = _text(issuer_field)
        earned = _date(doc.get("issuedOn"), "issue date")
        expires = _date(doc.get("expires"), "expiry date", far_future_is_none=True)
        cred_id = doc.get("id") if isinstance(doc.get("id"), str) else ""
        source = "openbadges-2.0"
    else:
        raise InputError("not an Open Badges 2.0 assertion or 3.0 credential")
    if not name:
        raise InputError("the badge has no name")
    if not issuer:
        raise InputError("the badge names no issuer")
    if not earned:
        raise InputError("the badge has no issue date")
    from tracker.validation import url_problem

    url = cred_id if cred_id.startswith(("http://", "https://")) \
        and url_problem(cred_id) is None else ""
    return CertificationInput(name=name[:300], issuer=issuer[:300], earned=earned,
                              expires=expires, credential_id=cred_id[:300], url=url[:2000],
                              source=source, verified=False, raw=raw)


def load_badge(path: str | Path) -> CertificationInput:
    p = Path(path)
    too_large = InputError(f"{p.name} is larger than 2 MB; not a badge file")
    try:
        data = read_regular(p, MAX_BYTES)
    except FileTooLarge:
        raise too_large from None
    except NotRegularFile:
        raise InputError(f"{p} is not a regular file") from None
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p} is a folder, not a badge file") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:  # grew while read
        raise too_large
    if data.startswith(b"\xef\xbb\xbf"):  # some issuers' tools write one; harmless here
        data = data[3:]
    # The reader every file from outside goes through: strict UTF-8, no lone surrogates
    # (they cannot be stored as text), no NaN, no duplicate keys, bounded nesting.
    return parse_badge(safe_json.loads(data, p.name, max_bytes=MAX_BYTES))
