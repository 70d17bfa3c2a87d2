"""Take the badge JSON out of the forms the Open Badges specifications define.

Besides plain JSON a badge arrives as a compact JWS / VC-JWT (``.jwt``, ``.jws``), a baked
PNG (an ``iTXt`` chunk ``openbadgecredential`` for 3.0, ``openbadges`` for 2.0), a baked SVG
(``<openbadges:credential>`` or ``<openbadges:assertion>``) or UTF-16 JSON. Every function
here works on bytes already read within the badge size limit, never reads further, never
inflates a compressed chunk past that limit and never parses XML (no entity expansion): the
SVG element is found by a bounded regular expression. The JSON found is parsed by the safe
reader (:mod:`tracker.exchange.safe_json`) like every file from outside.

Pure Python, no Qt, no network; safe from any thread.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from tracker.db.errors import InputError
from tracker.exchange import safe_json

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORDS = (b"openbadgecredential", b"openbadges")
_JWS = re.compile(rb"\A[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\Z")
_SVG_ELEMENT = re.compile(
    rb"<openbadges:(credential|assertion)\b([^<>]{0,2000}?)(/>|>(.*?)</openbadges:\1\s*>)",
    re.DOTALL)
_CDATA = re.compile(rb"\A\s*<!\[CDATA\[(.*)\]\]>\s*\Z", re.DOTALL)
_VERIFY_ATTR = re.compile(rb"""\bverify\s*=\s*["']([^"']{1,2000})["']""")
_XML_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"),
                 (b"&#34;", b'"'), (b"&#39;", b"'"), (b"&amp;", b"&"))


@dataclass(frozen=True)
class Unpacked:
    """A badge's JSON document and how it came: ``form`` is "json", "jws", "png" or "svg";
    ``jws`` holds the compact serialisation when the document was signed as a JWS (kept so
    the signature can be checked against exactly these bytes)."""

    document: Any
    form: str
    jws: str | None = None
    jws_header: dict[str, Any] = field(default_factory=dict)


def hosted_refusal(url: str = "") -> InputError:
    where = f" ({url[:80]})" if url else ""
    return InputError("the badge only links to its assertion on the issuer's site" + where
                      + "; download the badge with its details (this app never fetches from "
                      "the network)")


def unpack(data: bytes, source: str, max_bytes: int) -> Unpacked:
    """The JSON document inside ``data`` (already bounded by ``max_bytes``)."""
    if data.startswith(PNG_SIGNATURE):
        return _from_text(_png_payload(data, source, max_bytes), source, max_bytes, "png")
    data = _as_utf8(data, source)
    head = data.lstrip()[:512].lower()
    if head.startswith(b"<"):
        if b"<svg" in head or b"<?xml" in head or b"<!doctype svg" in head:
            return _from_text(_svg_payload(data, source), source, max_bytes, "svg")
        raise InputError(f"{source}: an XML or HTML file, not a badge")
    return _from_text(data, source, max_bytes, "json")


def _as_utf8(data: bytes, source: str) -> bytes:
    """UTF-16 (with a byte-order mark, or plain JSON that starts with '{' and a NUL) becomes
    UTF-8; a UTF-8 byte-order mark is dropped; anything else is left to the JSON reader."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    codec = None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        codec = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif len(data) >= 4 and data[1:2] == b"\x00" and data[0:1] in b"{[ \t\r\n" \
            and data[3:4] == b"\x00":
        codec = "utf-16-le"
    elif len(data) >= 4 and data[0:1] == b"\x00" and data[1:2] in b"{[ \t\r\n" \
            and data[2:3] == b"\x00":
        codec = "utf-16-be"
    if codec is None:
        return data
    try:
        return data.decode(codec).lstrip("\ufeff").encode("utf-8")
    except UnicodeError:
        raise InputError(f"{source}: starts like UTF-16 text but is not valid UTF-16; "
                         "not a badge file") from None


def _from_text(text: bytes, source: str, max_bytes: int, form: str) -> Unpacked:
    stripped = text.strip()
    if _JWS.match(stripped):
        header, payload = decode_jws(stripped.decode("ascii"), source, max_bytes)
        return Unpacked(payload, "jws" if form == "json" else form,
                        jws=stripped.decode("ascii"), jws_header=header)
    if re.match(rb"\Ahttps?://\S+\Z", stripped) or re.match(rb'\A"https?://[^"]+"\Z', stripped):
        raise hosted_refusal(stripped.strip(b'"').decode("utf-8", "replace"))
    return Unpacked(safe_json.loads(stripped, source, max_bytes=max_bytes), form)


def _b64url(part: str, source: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise InputError(f"{source}: a compact JWS whose {what} is not base64url") from None


def decode_jws(token: str, source: str, max_bytes: int) -> tuple[dict[str, Any], Any]:
    """The protected header and the JSON payload of a compact JWS (not verified here)."""
    head, body, _sig = token.split(".")
    header = safe_json.loads(_b64url(head, source, "header"), f"{source} (JWS header)",
                             max_bytes=max_bytes)
    if not isinstance(header, dict):
        raise InputError(f"{source}: a compact JWS whose header is not a JSON object")
    payload = safe_json.loads(_b64url(body, source, "payload"), f"{source} (JWS payload)",
                              max_bytes=max_bytes)
    return header, payload


def _png_payload(data: bytes, source: str, max_bytes: int) -> bytes:
    """The text of the first ``openbadgecredential`` / ``openbadges`` iTXt (or tEXt) chunk."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) < length:
            raise InputError(f"{source}: a truncated PNG image")
        if ctype in (b"iTXt", b"tEXt", b"zTXt"):
            keyword, _, rest = body.partition(b"\x00")
            if keyword in PNG_KEYWORDS:
                return _png_text(ctype, rest, source, max_bytes)
        if ctype == b"IEND":
            break
        pos += 12 + length
    raise InputError(f"{source}: a PNG image with no badge baked in (no 'openbadges' or "
                     "'openbadgecredential' chunk)")


def _png_text(ctype: bytes, rest: bytes, source: str, max_bytes: int) -> bytes:
    if ctype == b"tEXt":
        return rest
    if ctype == b"zTXt":
        return _inflate(rest[1:], source, max_bytes)
    if len(rest) < 2:
        raise InputError(f"{source}: a damaged 'openbadges' chunk in the PNG image")
    compressed, rest = rest[0], rest[2:]  # then the compression method (0: zlib)
    _language, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    return _inflate(text, source, max_bytes) if compressed else text


def _inflate(raw: bytes, source: str, max_bytes: int) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(raw, max_bytes + 1)
    except zlib.error:
        raise InputError(f"{source}: a damaged compressed chunk in the PNG image") from None
    if len(out) > max_bytes or d.unconsumed_tail:
        raise InputError(f"{source}: the badge baked into the image is larger than "
                         f"{max_bytes // 1_000_000} MB; refused")
    return out


def _svg_payload(data: bytes, source: str) -> bytes:
    m = _SVG_ELEMENT.search(data)
    if m is None:
        raise InputError(f"{source}: an SVG image with no badge baked in (no "
                         "<openbadges:credential> or <openbadges:assertion>)")
    attrs, inner = m.group(2), m.group(4) or b""
    cdata = _CDATA.match(inner)
    if cdata:
        text = cdata.group(1)
    else:
        text = inner
        for entity, char in _XML_ENTITIES:
            text = text.replace(entity, char)
    if not text.strip():
        # OB 3.0 puts a VC-JWT in the verify attribute; OB 1.x/2.0 a hosted assertion's URL
        # (refused by the caller) or a signed assertion's JWS.
        verify = _VERIFY_ATTR.search(attrs)
        if verify is None:
            raise InputError(f"{source}: an SVG image whose baked badge is empty")
        return verify.group(1)
    return text
