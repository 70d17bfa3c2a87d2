"""Read an Open Badges 2.0 assertion or 3.0 credential (no network).

The file may be plain JSON (UTF-8 or UTF-16), a compact JWS / VC-JWT, a baked PNG or SVG, or a
Verifiable Presentation wrapping one credential (:mod:`tracker.exchange.badge_forms` takes
the JSON out). Older shapes are read too: OB 0.5 ``issued_on``, Unix-timestamp dates. The
result is a CertificationInput marked as imported and unverified.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.db.errors import InputError
from tracker.db.types import Certification, CertificationInput
from tracker.exchange.safe_json import FileTooLarge, NotRegularFile, read_regular

MAX_BYTES = 2_000_000
# Every form the reader takes, for file dialogs.
BADGE_FILE_FILTER = "Open Badges (*.json *.jsonld *.jwt *.jws *.png *.svg)"
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_NOT_LANGUAGES = {"id", "url", "type", "uri", "iri"}


def _text(value: Any, depth: int = 0) -> str:
    """A display string from a plain string, a language-tagged value (``{"@value",
    "@language"}``), a language map (``{"en": ..., "es": ...}``: English first, else the
    first), an object with a ``name``, or an array of any of these (the first that has
    text)."""
    if isinstance(value, str):
        return value.strip()
    if depth > 3:
        return ""
    if isinstance(value, list):
        for item in value[:20]:
            if text := _text(item, depth + 1):
                return text
        return ""
    if isinstance(value, dict):
        for key in ("name", "@value", "en", "en-US", "en-GB"):
            if key in value and (text := _text(value[key], depth + 1)):
                return text
        keys = list(value)[:20]
        if keys and "@language" not in value and len(value) <= 20 and all(
                _LANGUAGE_TAG.fullmatch(k) and k not in _NOT_LANGUAGES for k in keys):
            # a language map ({"fr": ..., "es": ...}) without English: the first
            return next((v.strip() for v in value.values() if isinstance(v, str)), "")
    return ""


def _who(value: Any) -> str:
    """An issuer's (or creator's) name; without one, the host of its URL or its id."""
    name = _text(value) if not isinstance(value, str) else ""
    if name:
        return name
    candidates = [value] if isinstance(value, str) else (
        [value.get("url"), value.get("id")] if isinstance(value, dict) else [])
    for c in candidates:
        if isinstance(c, str) and c.strip():
            c = c.strip()
            if c.startswith(("http://", "https://")) and c.count("/") >= 2:
                return c.split("/")[2].split("@")[-1] or c
            return c
    return ""


def _date(value: Any, what: str, *, far_future_is_none: bool = False) -> str | None:
    """The YYYY-MM-DD part of a badge's date (an ISO 8601 text or a Unix timestamp, as OB
    1.x allowed). With ``far_future_is_none`` (an expiry), a date after the last one the app
    keeps (2199-12-31, e.g. ``9999-12-31``) means "never"."""
    if value in (None, ""):
        return None
    from tracker import validation as v

    if isinstance(value, str) and re.fullmatch(r"\d{9,11}", value.strip()):
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            value = datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            raise InputError(f"the badge's {what} is not a date: {str(value)[:40]!r}") from None
    if not isinstance(value, str) or len(value) < 10:
        raise InputError(f"the badge's {what} is not a date: {str(value)[:40]!r}")
    day = value[:10]
    if far_future_is_none and v.date_problem(day) and day[:4].isdigit() \
            and int(day[:4]) > v.MAX_DATE.year:
        return None
    return v.check_date(day, f"the badge's {what}")


def _types(doc: dict[str, Any]) -> set[str]:
    t = doc.get("type", doc.get("@type", []))
    return {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()


_NOT_AWARDS = (
    ({"BadgeClass", "Achievement"}, "an Open Badges BadgeClass (the badge itself), not an award "
                                    "of it to someone"),
    ({"Profile", "Issuer"}, "an Open Badges issuer profile, not an award"),
    ({"EndorsementCredential", "Endorsement"}, "an endorsement, not an award"),
    ({"RevocationList"}, "an Open Badges revocation list, not an award"),
    ({"CryptographicKey"}, "an Open Badges public key, not an award"),
    ({"VerifiablePresentation"}, "a presentation"),
)


def _first_credential(doc: dict[str, Any]) -> Any:
    """The one credential a VerifiablePresentation wraps."""
    creds = doc.get("verifiableCredential")
    if isinstance(creds, (dict, str)):
        creds = [creds]
    if not isinstance(creds, list) or not creds:
        raise InputError("a Verifiable Presentation that holds no credential")
    if len(creds) > 1:
        raise InputError(f"a Verifiable Presentation that holds {len(creds)} credentials; "
                         "export them one by one")
    if isinstance(creds[0], dict) and "EnvelopedVerifiableCredential" in _types(creds[0]):
        raise InputError(_ENVELOPED.format(what="a Verifiable Presentation holding an "
                                                "enveloped credential"))
    return creds[0]


_ENVELOPED = ("{what} (a data: URL with an SD-JWT or JOSE token), a form this app does not "
              "read; export the credential itself as JSON, or as a .jwt file")


def _achievement(subject: Any) -> dict[str, Any]:
    subjects = subject if isinstance(subject, list) else [subject]
    for s in subjects[:20]:
        if not isinstance(s, dict):
            continue
        a = s.get("achievement")
        if isinstance(a, list):
            a = next((x for x in a if isinstance(x, dict)), a[0] if a else None)
        if isinstance(a, dict):
            return a
        if isinstance(a, str):
            raise InputError("the credential only links to its achievement; export it with "
                             "the achievement embedded (this app never fetches from the "
                             "network)")
    raise InputError("no achievement")


def _subject_field(subject: Any, key: str) -> Any:
    subjects = subject if isinstance(subject, list) else [subject]
    return next((s[key] for s in subjects[:20] if isinstance(s, dict) and s.get(key)), None)


def what_it_is(doc: dict[str, Any]) -> str:
    """A short description of a document that is not an award, for the refusal."""
    types = _types(doc)
    if "ClrCredential" in types:
        subject = doc.get("credentialSubject")
        n = 0
        if isinstance(subject, dict):
            a = subject.get("achievement")
            n = len(a) if isinstance(a, list) else int(isinstance(a, dict))
            vcs = subject.get("verifiableCredential")
            n = max(n, len(vcs) if isinstance(vcs, list) else 0)
        return (f"a Comprehensive Learner Record (CLR) with {n} achievement"
                f"{'s' if n != 1 else ''}, not a single badge; import its badges one by one")
    for kinds, text in _NOT_AWARDS:
        if types & kinds:
            return text
    if types & {"EnvelopedVerifiableCredential", "EnvelopedVerifiablePresentation"}:
        return _ENVELOPED.format(what="an enveloped credential or presentation")
    if types & {"OpenBadgeCredential", "AchievementCredential"}:
        return ("an Open Badges 3.0 credential with no achievement in its "
                "credentialSubject: it names nothing that was earned")
    if "VerifiableCredential" in types:
        other = sorted(types - {"VerifiableCredential"})
        kind = f" ({', '.join(t[:40] for t in other[:3])})" if other else ""
        return f"a Verifiable Credential{kind} that is not an Open Badge (no achievement)"
    if "recipient" not in doc and ("criteria" in doc or "issuer" in doc) and "name" in doc:
        return "an Open Badges BadgeClass (the badge itself), not an award of it to someone"
    return "not an Open Badges 2.0 assertion or 3.0 credential"


def parse_badge(doc: Any, *, _depth: int = 0) -> CertificationInput:
    if not isinstance(doc, dict):
        raise InputError("not an Open Badges file: the top level is not a JSON object")
    types = _types(doc)
    if "VerifiablePresentation" in types and _depth == 0:
        inner = _first_credential(doc)
        if isinstance(inner, str):
            from tracker.exchange.badge_forms import decode_jws

            if inner.count(".") != 2:
                raise InputError("a Verifiable Presentation whose credential is only a link")
            inner = vc_from_jwt(decode_jws(inner, "the presentation", MAX_BYTES)[1])
        return parse_badge(inner, _depth=1)
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    subject = doc.get("credentialSubject")
    if "ClrCredential" in types:
        raise InputError(what_it_is(doc))
    if "OpenBadgeCredential" in types or "AchievementCredential" in types or (
            "VerifiableCredential" in types and subject is not None):
        try:
            achievement = _achievement(subject)
        except InputError as exc:
            if str(exc) == "no achievement":
                raise InputError(what_it_is(doc)) from None
            raise
        name = _text(achievement.get("name")) or _text(doc.get("name"))
        issuer = _who(doc.get("issuer")) or _who(achievement.get("creator"))
        # awardedDate is the day the learner earned it (OB 3.0 puts it in the subject);
        # validFrom is when the credential became valid, often the day it was issued.
        earned = _date(_subject_field(subject, "awardedDate") or doc.get("awardedDate")
                       or doc.get("validFrom") or doc.get("issuanceDate"), "issue date")
        expires = _date(doc.get("validUntil") or doc.get("expirationDate"), "expiry date",
                        far_future_is_none=True)
        cred_id = i if isinstance(i := doc.get("id"), str) else ""
        source = "openbadges-3.0"
    elif "Assertion" in types or "badge" in doc:
        badge = doc.get("badge")
        if isinstance(badge, str):
            raise InputError("the assertion only links to its badge; export the badge with its "
                             "details embedded (this app never fetches from the network)")
        if not isinstance(badge, dict):
            raise InputError("Open Badges 2.0 assertion without a badge")
        name = _text(badge.get("name"))
        issuer = _who(badge.get("issuer"))
        # OB 0.5 wrote issued_on; 1.x allowed a Unix timestamp.
        earned = _date(doc.get("issuedOn") or doc.get("issued_on"), "issue date")
        expires = _date(doc.get("expires"), "expiry date", far_future_is_none=True)
        cred_id = i if isinstance(i := doc.get("id"), str) else ""
        if not cred_id and isinstance(doc.get("uid"), str):
            cred_id = doc["uid"]
        version = badge.get("version")
        source = "openbadges-0.5" if isinstance(version, str) and version.startswith("0.5") \
            else "openbadges-2.0"
    elif isinstance(doc.get("verify"), dict) and set(doc) <= {"verify", "@context"}:
        url = doc["verify"].get("url")
        from tracker.exchange.badge_forms import hosted_refusal

        raise hosted_refusal(url if isinstance(url, str) else "")
    else:
        raise InputError(what_it_is(doc))
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


def vc_from_jwt(payload: Any) -> Any:
    """The credential in a VC-JWT payload: VC 1.1 puts it in the ``vc`` claim with the
    registered claims (``iss``, ``nbf``, ``exp``, ``jti``) standing for its fields; a VC 2.0
    (``application/vc+jwt``) or OB 2.0 JWS payload is the document itself."""
    if not isinstance(payload, dict) or not isinstance(payload.get("vc"), dict):
        return payload
    vc = dict(payload["vc"])
    if "issuer" not in vc and isinstance(payload.get("iss"), str):
        vc["issuer"] = payload["iss"]
    if "id" not in vc and isinstance(payload.get("jti"), str):
        vc["id"] = payload["jti"]
    if not (vc.get("issuanceDate") or vc.get("validFrom")) and payload.get("nbf") is not None:
        vc["issuanceDate"] = payload["nbf"]
    if not (vc.get("expirationDate") or vc.get("validUntil")) and payload.get("exp") is not None:
        vc["expirationDate"] = payload["exp"]
    return vc


def already_imported(certs: Iterable[Certification], badge: CertificationInput
                     ) -> Certification | None:
    """The certification already holding this badge, recognised by its credential id
    (the same file, or another form of the same credential, imported before)."""
    key = badge.credential_id.strip()
    if not key:
        return None
    return next((c for c in certs if c.credential_id.strip() == key), None)


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
    return read_badge_bytes(data, p.name)


def read_badge_bytes(data: bytes, source: str) -> CertificationInput:
    """A badge from the bytes of a file in any supported form (JSON, UTF-16 JSON, compact
    JWS / VC-JWT, baked PNG or SVG, a presentation of one credential). The JSON inside goes
    through the reader every file from outside goes through: strict UTF-8, no lone
    surrogates, no NaN, no duplicate keys, bounded nesting."""
    from tracker.exchange.badge_forms import unpack

    from tracker.exchange import credential_verify as cv

    try:
        unpacked = unpack(data[:MAX_BYTES], source, MAX_BYTES)
        token, header, payload = unpacked.jws, unpacked.jws_header, unpacked.document
        if isinstance(payload, dict) and "VerifiablePresentation" in _types(payload):
            # The credential inside is what was signed by its issuer; a presentation's own
            # proof (the holder's) says nothing about the badge.
            inner = _first_credential(payload)
            if isinstance(inner, str):
                from tracker.exchange.badge_forms import decode_jws

                if inner.count(".") != 2:
                    raise InputError("a Verifiable Presentation whose credential is only a "
                                     "link")
                token = inner
                header, payload = decode_jws(inner, source, MAX_BYTES)
            else:
                token, header, payload = None, {}, inner
        doc = vc_from_jwt(payload) if token else payload
        badge = parse_badge(doc)
        check = cv.verify_jws(token, header, payload) if token else cv.verify_embedded(doc)
        if check.state == cv.INVALID:
            raise InputError("the credential's signature does not match its content (it was "
                             "changed after it was signed); not imported")
        return replace(badge, verified=check.state == cv.VERIFIED,
                       verification=check.state, key_id=check.key_id[:300])
    except InputError as exc:
        if str(exc).startswith(source):
            raise
        raise InputError(f"{source}: {exc}") from None
