"""Offline signature checks of imported credentials (issue 12, part 2).

One verification state per credential: ``verified`` (the signature matches the content and
a key the file itself carries: a ``did:key`` or an embedded JWK), ``invalid-signature``
(it does not: the import is refused), ``unverifiable-offline`` (the key must be fetched,
``did:web`` or a hosted key, or the proof needs a check this app does not make offline) and
``unsigned``. What is checked today: VC-JWT and JWS compact serialisations signed with
EdDSA (Ed25519) or ES256 (P-256), and embedded ``eddsa-rdfc-2022`` Data Integrity and
``Ed25519Signature2020`` proofs by a ``did:key`` (RDF dataset canonicalisation with pyld,
served only the JSON-LD contexts shipped in resources/jsonld: a credential naming another
context is ``unverifiable-offline``). Revocation lists and ``credentialStatus`` need the
network: they are "not checked".

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
    kid = k if isinstance(k := header.get("kid"), str) else ""
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
    doc = vc if isinstance(vc := payload.get("vc"), dict) else payload
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


# The contexts the document loader serves (resources/jsonld, see SOURCES.md there); any
# other URL is refused, so canonicalisation never touches the network.
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.json",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.json",
}
# Canonicalising blank-node-heavy input can take exponential time; a badge has a few dozen
# objects. More than this and the proof is left unchecked ("unverifiable offline").
MAX_OBJECTS = 400
_CHECKED_PROOFS = {("DataIntegrityProof", "eddsa-rdfc-2022"), ("Ed25519Signature2020", None)}


class _NotShipped(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    import json

    from tracker.paths import resources_dir

    name = CONTEXTS.get(url)
    if name is None:
        raise _NotShipped(url)
    path = resources_dir() / "jsonld" / name
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(path.read_text(encoding="utf-8"))}


def _missing_context(exc: BaseException | None) -> str:
    """The context URL behind a pyld error raised by the loader, if that is what it is."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, _NotShipped):
            return exc.url
        details = getattr(exc, "details", None) or {}
        cause = details.get("cause") if isinstance(details, dict) else None
        exc = cause or exc.__cause__ or exc.__context__
        seen += 1
    return ""


def _canonical(doc: Any) -> bytes:
    from pyld import jsonld

    return jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                  "documentLoader": _loader, "safe": False}).encode("utf-8")


def _objects(value: Any, limit: int) -> int:
    count, stack = 0, [value]
    while stack and count <= limit:
        v = stack.pop()
        if isinstance(v, dict):
            count += 1
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return count


def verify_linked_data_proof(doc: dict[str, Any], proof: dict[str, Any]) -> Verification:
    """One ``eddsa-rdfc-2022`` Data Integrity proof or ``Ed25519Signature2020`` proof:
    SHA-256 of the canonical proof options and of the canonical credential (without its
    proofs), concatenated, signed with the ``did:key`` of ``verificationMethod``."""
    import hashlib

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    method = proof.get("verificationMethod")
    method = method.get("id") if isinstance(method, dict) else method
    if not isinstance(method, str) or not method.startswith("did:key:"):
        return Verification(OFFLINE, reason=f"the key ({str(method)[:60]}) must be fetched "
                                            "from the network")
    value = proof.get("proofValue")
    try:
        key = did_key_public(method)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError("proofValue is not base58btc")
        signature = base58btc(value[1:])
    except ValueError as exc:
        return Verification(INVALID, reason=f"the proof cannot be read ({exc})")
    if _objects(doc, MAX_OBJECTS) > MAX_OBJECTS:
        return Verification(OFFLINE, reason="too large to canonicalise offline")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = doc.get("@context")
    try:
        data = hashlib.sha256(_canonical(options)).digest() \
            + hashlib.sha256(_canonical(doc)).digest()
    except Exception as exc:  # pyld raises JsonLdError (or worse) on what it cannot read
        url = _missing_context(exc)
        return Verification(OFFLINE, reason=(
            f"it names the JSON-LD context {url[:80]}, which this app does not have offline"
            if url else "its JSON-LD cannot be canonicalised"))
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return Verification(INVALID, reason="the signature does not match the content")
    return Verification(VERIFIED, key_id=method)


def verify_embedded(doc: Any) -> Verification:
    """A JSON credential's embedded proofs: each one this app can check offline is checked
    (one that fails makes the credential invalid); verified when one matched; else
    unverifiable offline; ``unsigned`` without a proof."""
    proof = doc.get("proof") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and isinstance(doc.get("signature"), dict) \
            and "proof" not in doc:  # Blockcerts-style or other signature blocks
        proof = doc["signature"]
    if not proof:
        return Verification(UNSIGNED)
    proofs = [p for p in (proof if isinstance(proof, list) else [proof])[:10]
              if isinstance(p, dict)]
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    results = []
    for p in proofs:
        kind = (p.get("type"), p.get("cryptosuite") if p.get("type") == "DataIntegrityProof"
                else None)
        if kind in _CHECKED_PROOFS:
            results.append(verify_linked_data_proof(unsecured, p))
    for r in results:
        if r.state == INVALID:
            return r
    for r in results:
        if r.state == VERIFIED:
            return r
    if results:
        return results[0]
    kinds = sorted({str(p.get("cryptosuite") or p.get("type") or "?")[:40] for p in proofs})
    return Verification(OFFLINE, reason=f"{', '.join(kinds) or 'an unknown'} proof is not "
                                        "checked offline by this app")




# ---------------------------------------------------------------- shown to people
#: What every screen, report and the CLI say of each state, in plain words.
PLAIN = {VERIFIED: "Signature verified", INVALID: "Signature does not match",
         OFFLINE: "Cannot be checked offline", UNSIGNED: "Not signed"}
#: The same under a "Signature" heading, where room is short (a table cell).
SHORT = {VERIFIED: "Verified", INVALID: "Does not match", OFFLINE: "Cannot check offline",
         UNSIGNED: "Not signed"}
#: Why each state is what it is, one sentence (tooltips, reports).
EXPLAIN = {
    VERIFIED: "The issuer's signature matches the credential's content.",
    INVALID: "The credential was changed after its issuer signed it: do not rely on it.",
    OFFLINE: "The issuer's key must be fetched from the network (or the proof is of a kind "
             "this app does not check); nothing is fetched, so it was not checked.",
    UNSIGNED: "Nothing in it proves who issued it: it is the learner's own record.",
}
REVOCATION_NOT_CHECKED = "Revocation: not checked (revocation lists need the network)"


def short_key(key_id: str, keep: int = 16) -> str:
    """A key id short enough for a cell: ``did:key:z6MknNQD1WHLGGra…``."""
    key = key_id.split("#", 1)[0]
    prefix = "did:key:" if key.startswith("did:key:") else ""
    body = key[len(prefix):]
    return prefix + (body if len(body) <= keep + 1 else body[:keep] + "…")


def plain(state: str, key_id: str = "", *, full_key: bool = False) -> str:
    """``Signature verified (key did:key:z6Mk…)``, ``Signature does not match``,
    ``Cannot be checked offline`` or ``Not signed``."""
    text = PLAIN.get(state, PLAIN[UNSIGNED])
    if state == VERIFIED and key_id:
        text += f" (key {key_id if full_key else short_key(key_id)})"
    return text


def has_proof(raw: str | None) -> bool:
    return raw is not None and ('"proof":' in raw or '"signature":' in raw)


def has_status_list(raw: str | None) -> bool:
    """Whether the credential names a revocation list (``credentialStatus``), which this
    app never fetches: its revocation is "not checked"."""
    return raw is not None and '"credentialStatus"' in raw


def stored_state(verification: str, key_id: str, raw: str | None) -> tuple[str, str]:
    """(state, key id) of a stored certification (see tracker.db.types.stored_state)."""
    from tracker.db.types import stored_state as state_of

    return state_of(verification, key_id, raw)


def recheck(raw: str | None, claimed: str = "", claimed_key: str = "") -> Verification:
    """The state of a certification read from someone's progress file, checked here and
    not taken from the file: an embedded proof in ``raw`` is verified again (a copy edited
    after signing is ``invalid-signature``). The file's own claim counts for nothing: a
    claimed ``verified`` that cannot be checked again from ``raw`` (a VC-JWT keeps its
    signature outside the JSON) is ``unverifiable-offline``."""
    from tracker.exchange import safe_json

    if raw and has_proof(raw):
        try:
            doc = safe_json.loads(raw, "the stored credential")
        except safe_json.LoadError:
            return Verification(OFFLINE, reason="the stored credential cannot be read again")
        return verify_embedded(doc)
    if claimed in (VERIFIED, INVALID, OFFLINE) or claimed_key:
        return Verification(OFFLINE, reason="the signature is not kept in this file "
                                            "(a VC-JWT); it cannot be checked again here")
    return Verification(UNSIGNED)
