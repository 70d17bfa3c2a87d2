"""Offline signature checks of imported credentials (issue 12, part 2).

One verification state per credential: ``verified`` (the signature matches the content and
a key the file itself carries: a ``did:key`` or an embedded JWK), ``invalid-signature``
(it does not: the import is refused), ``unverifiable-offline`` (the key must be fetched,
``did:web`` or a hosted key, or the proof needs a check this app does not make offline) and
``unsigned``. What is checked today: VC-JWT and JWS compact serialisations signed with
EdDSA (Ed25519) or ES256 (P-256). Embedded Data Integrity proofs (``eddsa-rdfc-2022``,
``Ed25519Signature2020``) need RDF dataset canonicalisation of the JSON-LD and are reported
as ``unverifiable-offline``, never as verified. Revocation lists and ``credentialStatus``
need the network: they are "not checked".

Pure Python (``cryptography``), no Qt, no network; any thread.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

VERIFIED, INVALID, OFFLINE, UNSIGNED = ("verified", "invalid-signature",
                                        "unverifiable-offline", "unsigned")
STATES = (VERIFIED, INVALID, OFFLINE, UNSIGNED)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class Verification:
    state: str
    key_id: str = ""   # the issuer's key (a did:key URL or "jwk:" + thumbprint) when verified
    reason: str = ""   # why not verified, for people


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def base58btc(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet); ValueError on a bad character."""
    if len(text) > 200:
        raise ValueError("too long")
    n = 0
    for ch in text:
        i = _B58.find(ch)
        if i < 0:
            raise ValueError("not base58")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def did_key_public(did: str) -> Any:
    """The public key a ``did:key`` names (Ed25519 or P-256); ValueError otherwise."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    ident = did.split("#", 1)[0].removeprefix("did:key:")
    if not ident.startswith("z"):
        raise ValueError("not a base58btc did:key")
    raw = base58btc(ident[1:])
    if raw[:2] == b"\xed\x01" and len(raw) == 34:
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    if raw[:2] == b"\x80\x24" and len(raw) == 35:  # p256-pub, compressed point
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
    raise ValueError("a did:key of a kind this app does not check")


def jwk_public(jwk: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(jwk, dict):
        raise ValueError("the jwk is not an object")
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return Ed25519PublicKey.from_public_bytes(_b64url(str(jwk.get("x", ""))))
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        x, y = _b64url(str(jwk.get("x", ""))), _b64url(str(jwk.get("y", "")))
        if len(x) != 32 or len(y) != 32:
            raise ValueError("bad P-256 coordinates")
        return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                             ec.SECP256R1()).public_key()
    raise ValueError("a JWK of a kind this app does not check")


def _jwk_id(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint, as a key id for people."""
    import hashlib
    import json

    members = ("crv", "kty", "x") if jwk.get("kty") == "OKP" else ("crv", "kty", "x", "y")
    canon = json.dumps({k: jwk.get(k) for k in members}, separators=(",", ":"),
                       sort_keys=True)
    digest = hashlib.sha256(canon.encode()).digest()
    return "jwk:" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify_jws(token: str, header: dict[str, Any], payload: Any) -> Verification:
    """Check a compact JWS with the key the token itself carries (a ``jwk`` header, or a
    ``did:key`` as ``kid`` or as the issuer)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    alg = header.get("alg")
    if alg not in ("EdDSA", "ES256"):
        return Verification(OFFLINE, reason=f"signed with {str(alg)[:20]}, which this app "
                                            "does not check")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else ""
    issuer = _issuer_id(payload)
    try:
        if "jwk" in header:
            key, key_id = jwk_public(header["jwk"]), _jwk_id(header["jwk"])
        elif kid.startswith("did:key:"):
            key, key_id = did_key_public(kid), kid
        elif not kid and issuer.startswith("did:key:"):
            key, key_id = did_key_public(issuer), issuer
        else:
            where = kid or issuer or "no key"
            return Verification(OFFLINE, reason=f"the key ({where[:60]}) must be fetched "
                                                "from the network")
    except (ValueError, TypeError, binascii.Error):
        return Verification(OFFLINE, reason="the file carries a key this app cannot read")
    head, body, sig = token.split(".")
    signed = f"{head}.{body}".encode("ascii")
    try:
        signature = _b64url(sig)
        if isinstance(key, Ed25519PublicKey):
            if alg != "EdDSA":
                raise InvalidSignature
            key.verify(signature, signed)
        else:
            if alg != "ES256" or len(signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, binascii.Error):
        return Verification(INVALID, reason="the signature does not match the content")
    return Verification(VERIFIED, key_id=key_id)


def _issuer_id(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    if isinstance(payload.get("iss"), str):
        return payload["iss"]
    doc = payload.get("vc") if isinstance(payload.get("vc"), dict) else payload
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def verify_embedded(doc: Any) -> Verification:
    """A JSON credential: an embedded proof is not checked offline yet (see the module
    docstring); none at all is ``unsigned``."""
    proof = doc.get("proof") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and isinstance(doc.get("signature"), dict) \
            and "proof" not in doc:  # Blockcerts-style or other signature blocks
        proof = doc["signature"]
    if not proof:
        return Verification(UNSIGNED)
    proofs = proof if isinstance(proof, list) else [proof]
    kinds = sorted({str(p.get("cryptosuite") or p.get("type") or "?")[:40]
                    for p in proofs if isinstance(p, dict)})
    return Verification(OFFLINE, reason=f"{', '.join(kinds) or 'an embedded'} proof is not "
                                        "checked offline by this version")


def describe(state: str, key_id: str = "") -> str:
    return {VERIFIED: f"verified (issuer key {key_id})" if key_id else "verified",
            INVALID: "invalid signature",
            OFFLINE: "not verifiable offline",
            UNSIGNED: "unsigned"}.get(state, state)
