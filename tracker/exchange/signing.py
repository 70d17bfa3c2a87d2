"""Ed25519 signatures on review files (DESIGN.md, "Signatures").

A digest proves a file was not changed by accident; anyone can recompute it. A mentor's
key pair (made on the first review; the private key stays in the mentor's data folder,
mode 0600, never exported) signs the UTF-8 bytes of the digest:
``"signature": {"algorithm": "ed25519", "public_key": base64, "value": base64}``.

The learner's side checks the signature against the digest of the content (so an edit after
signing is caught even when the editor recomputed the digest), then compares the key with
the one remembered for that reviewer's name (trust on first use). One state per review:

- ``signed``: the signature matches and the key is the one known for this name (or the
  first key seen for it, now remembered);
- ``other-key``: the signature matches, but this name is known with another key;
- ``invalid``: the file carries a signature that does not match its content;
- ``unsigned``: no signature.

Only ``signed`` may be presented as verified. Pure Python (``cryptography`` for Ed25519),
no Qt, no network; any thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.db.errors import InputError
from tracker.db.store import reviewer_key_name
from tracker.exchange.digest import INTEGRITY_KEY, SIGNATURE_KEY, document_digest

KEY_FILE = "reviewer-ed25519.pem"
ALGORITHM = "ed25519"
SIGNED, OTHER_KEY, INVALID, UNSIGNED = "signed", "other-key", "invalid", "unsigned"
STATES = (SIGNED, OTHER_KEY, INVALID, UNSIGNED)
KEY_EXPORT_FORMAT = "mlops-tracker/reviewer-key"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str, size: int) -> bytes:
    if not isinstance(text, str) or len(text) > 200:
        raise ValueError(what)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(what) from None
    if len(raw) != size:
        raise ValueError(what)
    return raw


def fingerprint(public_key: bytes | str) -> str:
    """A short, stable name for a public key: the first 16 bytes of its SHA-256, in hex
    groups of four ("3f2a 91bc ...")."""
    raw = base64.b64decode(public_key) if isinstance(public_key, str) else public_key
    h = hashlib.sha256(raw).hexdigest()[:32]
    return " ".join(h[i:i + 4] for i in range(0, 32, 4))


# ------------------------------------------------------------------ the mentor's key
def key_path(data_folder: str | os.PathLike[str]) -> Path:
    return Path(data_folder) / KEY_FILE


def load_or_create_key(data_folder: str | os.PathLike[str]) -> Any:
    """The mentor's private key, made (mode 0600, created exclusively) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(data_folder)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            Path(data_folder).mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:  # another process made it meanwhile: use that one
            return load_or_create_key(data_folder)
        except OSError as exc:
            raise InputError(f"cannot make your signing key in {data_folder}: "
                             f"{exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)  # never leave half a key behind
            raise InputError(f"cannot write your signing key {path}: "
                             f"{exc.strerror or exc}") from None
        return key
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path} is not a regular file; it should hold your signing key")
    if st.st_mode & 0o077 and os.name == "posix":
        os.chmod(path, 0o600)  # never readable by others, whatever made it so
    from tracker.exchange.safe_json import read_regular

    try:
        loaded = serialization.load_pem_private_key(read_regular(path, 10_000), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise InputError(f"{path} does not hold a usable signing key "
                         f"({getattr(exc, 'strerror', None) or 'damaged'}); move it aside "
                         "to make a new one") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InputError(f"{path} holds a key of another kind, not Ed25519")
    return loaded


def public_key_b64(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return _b64(key.public_key().public_bytes(serialization.Encoding.Raw,
                                              serialization.PublicFormat.Raw))


def sign_document(document: Mapping[str, Any], key: Any) -> dict[str, Any]:
    """``document`` (with its integrity digest) plus a signature over that digest."""
    digest = document[INTEGRITY_KEY]["digest"]
    value = key.sign(digest.encode("utf-8"))
    return {**{k: v for k, v in document.items() if k != SIGNATURE_KEY},
            SIGNATURE_KEY: {"algorithm": ALGORITHM, "public_key": public_key_b64(key),
                            "value": _b64(value)}}


# ------------------------------------------------------------------ checking
@dataclass(frozen=True)
class SignatureCheck:
    """The signature of one file: ``state`` (before trust is applied: ``signed``,
    ``invalid`` or ``unsigned``) and the signer's public key (base64) when it matched."""

    state: str
    public_key: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key) if self.public_key else ""


def check_signature(raw: Mapping[str, Any]) -> SignatureCheck:
    """Whether ``raw`` (a parsed review file) is signed over the digest of its content."""
    sig = raw.get(SIGNATURE_KEY)
    if sig is None:
        return SignatureCheck(UNSIGNED)
    if not isinstance(sig, dict) or sig.get("algorithm") != ALGORITHM:
        return SignatureCheck(INVALID)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        public = _unb64(sig.get("public_key"), "public_key", 32)
        value = _unb64(sig.get("value"), "value", 64)
        # Over the digest of what the file holds now, not the digest it claims: an edit
        # with a recomputed digest breaks the signature as surely as one without.
        digest = document_digest(raw)
        Ed25519PublicKey.from_public_bytes(public).verify(value, digest.encode("utf-8"))
    except (ValueError, InvalidSignature):
        return SignatureCheck(INVALID)
    return SignatureCheck(SIGNED, _b64(public))


def trust(check: SignatureCheck, reviewer: str, known: Mapping[str, str]) -> str:
    """The state shown for a review by ``reviewer``, given the keys already remembered
    (``known``: casefolded name -> base64 public key)."""
    if check.state != SIGNED:
        return check.state
    remembered = known.get(reviewer_key_name(reviewer))
    return SIGNED if remembered in (None, check.public_key) else OTHER_KEY


def describe(state: str, reviewer: str, key_fingerprint: str = "") -> str:
    """One plain line for people."""
    if state == SIGNED:
        return f"signed by {reviewer}, key {key_fingerprint}"
    if state == OTHER_KEY:
        return (f"signed with another key than the one known for {reviewer} "
                f"(key {key_fingerprint}); not verified")
    if state == INVALID:
        return "the signature does not match the content (edited after signing); not verified"
    return "unsigned; anyone could have written it, not verified"


# ------------------------------------------------------------------ publishing keys
def export_public_key(data_folder: str | os.PathLike[str], name: str) -> dict[str, Any]:
    """The public half of the mentor's key, for a bootcamp to publish."""
    key = load_or_create_key(data_folder)
    pub = public_key_b64(key)
    return {"format": KEY_EXPORT_FORMAT, "format_version": 1, "name": name.strip(),
            "algorithm": ALGORITHM, "public_key": pub, "fingerprint": fingerprint(pub)}


def read_public_key(value: Any, source: str) -> tuple[str, str]:
    """(name, base64 public key) from an exported key file."""
    from tracker import validation as v
    from tracker.exchange import safe_json

    safe_json.check_format(value, source, KEY_EXPORT_FORMAT, 1, "a reviewer key file")
    if value.get("algorithm") != ALGORITHM:
        raise InputError(f"{source}: the key is not an Ed25519 key")
    try:
        pub = _b64(_unb64(value.get("public_key"), "public_key", 32))
    except ValueError:
        raise InputError(f"{source}: public_key is not a base64 Ed25519 key") from None
    try:
        name = v.check_name(value.get("name"), "reviewer name")
    except InputError as exc:
        raise InputError(f"{source}: {exc}") from None
    return name, pub


__all__ = ["SignatureCheck", "check_signature", "trust", "sign_document",
           "load_or_create_key", "fingerprint", "describe", "export_public_key",
           "read_public_key", "STATES", "SIGNED", "OTHER_KEY", "INVALID", "UNSIGNED"
           ]
