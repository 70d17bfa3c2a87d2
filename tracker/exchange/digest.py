"""Canonical JSON and the integrity digest of progress and review files (DESIGN.md).

``digest`` = SHA-256 of the UTF-8 bytes of ``json.dumps(document_without_integrity,
sort_keys=True, separators=(",", ":"), ensure_ascii=False)``. Pure; any thread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

ALGORITHM = "sha256"
INTEGRITY_KEY = "integrity"
SIGNATURE_KEY = "signature"
# Neither is covered by the digest: the signature is made over the digest (DESIGN.md,
# "Signatures"), so it is added after it.
_OUTSIDE = frozenset({INTEGRITY_KEY, SIGNATURE_KEY})


def canonical_json(data: Any) -> str:
    """The canonical text: sorted keys, no spaces, non-ASCII kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_keys(text: str) -> int:
    """How many object keys a JSON text holds: its colons outside strings. Escaped
    backslashes, then escaped quotes, are set aside; every quote left opens or closes a
    string, so the even pieces between quotes are the structure. Used to detect duplicate
    keys (the parsed value has fewer) without a per-object parse hook."""
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    return "".join(text.split('"')[::2]).count(":")


_NOT_QUOTE_OR_COLON = bytes(i for i in range(256) if i not in b'":')


def count_keys_utf8(data: bytes) -> int:
    """:func:`count_keys` of a UTF-8 JSON text, with C-speed bytes operations (every byte
    but quotes and colons dropped before the split)."""
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(data.translate(None, _NOT_QUOTE_OR_COLON).split(b'"')[::2]).count(b":")


def canonical_pieces(document: Mapping[str, Any], *,
                     canonical_parts: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(key, '"key":value')`` in canonical order for every member but ``integrity``,
    reusing the canonical text of values the caller already has (``canonical_parts``).
    A canonical object is ``{`` + these pieces joined by ``,`` + ``}``."""
    parts = canonical_parts or {}
    pieces = []
    for key in sorted(k for k in document if k not in _OUTSIDE):
        part = parts.get(key)
        pieces.append((key, canonical_json(key) + ":"
                       + (canonical_json(document[key]) if part is None else part)))
    return pieces


def digest_and_keys(document: Mapping[str, Any],
                    known: Mapping[str, tuple[bytes, int]]) -> tuple[str, int]:
    """:func:`document_digest` of ``document``, and how many object keys its canonical text
    holds (:func:`count_keys`), hashing the pieces one by one: ``known`` gives, for some
    members, their whole canonical piece (``"key":value``) as UTF-8 bytes and its key count,
    so a large member the caller has seen before is neither serialised nor copied again."""
    h = hashlib.sha256(b"{")
    keys = 0
    first = True
    for key in sorted(k for k in document if k not in _OUTSIDE):
        if not first:
            h.update(b",")
        first = False
        hit = known.get(key)
        if hit is None:
            piece = (canonical_json(key) + ":" + canonical_json(document[key])).encode("utf-8")
            keys += count_keys_utf8(piece)
            h.update(piece)
        else:
            h.update(hit[0])
            keys += hit[1]
    h.update(b"}")
    return h.hexdigest(), keys


def canonical_document(document: Mapping[str, Any], *,
                       canonical_parts: Mapping[str, str] | None = None) -> str:
    """The canonical text of ``document`` without its ``integrity`` member: byte for byte
    :func:`canonical_json` of it, built from :func:`canonical_pieces`."""
    pieces = canonical_pieces(document, canonical_parts=canonical_parts)
    return "{" + ",".join(p for _, p in pieces) + "}"


def document_digest(document: Mapping[str, Any], *,
                    canonical_parts: Mapping[str, str] | None = None) -> str:
    """The digest of ``document`` without its ``integrity`` member.

    ``canonical_parts`` may give the canonical text of some top-level values that the caller
    already has (a cohort load reuses the curriculum's); the result is byte-for-byte the
    same as :func:`canonical_json` of the whole document, because a canonical object is
    ``{`` + sorted ``"key":value`` pairs joined by ``,`` + ``}``.
    """
    if not canonical_parts:
        body = {k: v for k, v in document.items() if k not in _OUTSIDE}
        return sha256_text(canonical_json(body))
    return sha256_text(canonical_document(document, canonical_parts=canonical_parts))


def with_integrity(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with a fresh ``integrity`` member (always the last key)."""
    body = {k: v for k, v in document.items() if k not in _OUTSIDE}
    return {**body, INTEGRITY_KEY: {"algorithm": ALGORITHM, "digest": document_digest(body)}}
