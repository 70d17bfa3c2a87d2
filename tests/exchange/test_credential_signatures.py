"""Issue 12, part 2: offline signature checks of imported credentials.

VC-JWTs signed here (EdDSA with a did:key issuer, ES256 with an embedded JWK) around a real
DCC credential verify; tampered copies are refused; a key that needs the network
(did:web) and embedded Data Integrity proofs import as "unverifiable-offline", never as
verified; a file without a proof is "unsigned"."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from tracker.db.errors import InputError
from tracker.exchange.credential_verify import base58btc, did_key_public
from tracker.exchange.openbadges import load_badge

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "badges"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(raw: bytes) -> str:
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ed_did(key) -> str:
    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(b"\xed\x01" + pub)


def credential(issuer: str) -> dict:
    doc = json.loads((FIX / "dcc-v2-ed25519.json").read_text())
    doc.pop("proof")
    doc["issuer"]["id"] = issuer
    return doc


def sign_eddsa(key, header: dict, payload: dict) -> str:
    signing = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    return signing + "." + b64url(key.sign(signing.encode()))


def sign_es256(key, header: dict, payload: dict) -> str:
    signing = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    r, s = decode_dss_signature(key.sign(signing.encode(), ec.ECDSA(hashes.SHA256())))
    return signing + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def tamper(token: str) -> str:
    head, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["achievement"]["name"] = "Director of Everything"
    return f"{head}.{b64url(json.dumps(payload).encode())}.{sig}"


def test_a_did_key_vc_jwt_verifies_and_a_tampered_copy_is_refused(tmp_path):
    key = Ed25519PrivateKey.generate()
    did = ed_did(key)
    token = sign_eddsa(key, {"alg": "EdDSA", "kid": f"{did}#{did[8:]}", "typ": "vc+jwt"},
                       credential(did))
    c = load_badge(write(tmp_path, "ok.jwt", token))
    assert (c.verification, c.verified, c.name) == ("verified", True, "Teamwork")
    assert c.key_id.startswith(did)
    with pytest.raises(InputError, match="signature does not match its content"):
        load_badge(write(tmp_path, "bad.jwt", tamper(token)))
    other = Ed25519PrivateKey.generate()  # signed by someone else under the issuer's did
    forged = sign_eddsa(other, {"alg": "EdDSA", "kid": did}, credential(did))
    with pytest.raises(InputError, match="signature does not match"):
        load_badge(write(tmp_path, "forged.jwt", forged))


def test_an_es256_vc_jwt_with_an_embedded_jwk(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    nums = key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64url(nums.x.to_bytes(32, "big")),
           "y": b64url(nums.y.to_bytes(32, "big"))}
    token = sign_es256(key, {"alg": "ES256", "jwk": jwk}, credential("https://example.org/i"))
    c = load_badge(write(tmp_path, "es.jwt", token))
    assert c.verification == "verified" and c.key_id.startswith("jwk:")
    with pytest.raises(InputError, match="signature does not match"):
        load_badge(write(tmp_path, "es-bad.jwt", tamper(token)))


def test_keys_that_need_the_network_are_not_verifiable_offline(tmp_path):
    key = Ed25519PrivateKey.generate()
    token = sign_eddsa(key, {"alg": "EdDSA", "kid": "did:web:example.org#key-1"},
                       credential("did:web:example.org"))
    assert load_badge(write(tmp_path, "web.jwt", token)).verification == "unverifiable-offline"
    for name in ("dcc-v2-didweb.json", "dcc-v2-didweb-revoked-status.json"):
        c = load_badge(FIX / name)
        assert (c.verification, c.verified) == ("unverifiable-offline", False), name
    assert load_badge(FIX / "1edtech-ob3-migrating-issuer-without-name.json"
                      ).verification == "unsigned"


@pytest.mark.parametrize("name", ["dcc-v2-eddsa-rdfc-2022-basic.json",   # eddsa-rdfc-2022
                                  "dcc-v2-ed25519.json",                 # Ed25519Signature2020
                                  "dcc-v2-complex-issuer-validuntil-9999.json"])
def test_signed_dcc_fixtures_verify_offline(name):
    c = load_badge(FIX / name)
    assert (c.verification, c.verified) == ("verified", True)
    assert c.key_id.startswith("did:key:z6Mk")


def test_the_dcc_tampered_fixture_and_our_tampered_copies_are_refused(tmp_path):
    with pytest.raises(InputError, match="signature does not match its content"):
        load_badge(FIX / "dcc-v2-ed25519-tampered.json")
    for name in ("dcc-v2-eddsa-rdfc-2022-basic.json", "dcc-v2-ed25519.json"):
        doc = json.loads((FIX / name).read_text())
        doc["credentialSubject"]["achievement"]["name"] = "Director of Everything"
        with pytest.raises(InputError, match="signature does not match"):
            load_badge(write(tmp_path, "t-" + name, json.dumps(doc)))
        doc = json.loads((FIX / name).read_text())
        doc["validFrom"] = "2001-01-01T00:00:00Z"  # a date is content too
        with pytest.raises(InputError, match="signature does not match"):
            load_badge(write(tmp_path, "d-" + name, json.dumps(doc)))


def test_a_signed_credential_baked_or_presented_still_verifies(tmp_path):
    import struct
    import zlib

    def bake_png(text: str) -> bytes:
        body = b"openbadgecredential\x00\x00\x00\x00\x00" + text.encode()
        chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(
            ">I", zlib.crc32(b"iTXt" + body))
        return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"

    text = (FIX / "dcc-v2-eddsa-rdfc-2022-basic.json").read_text()
    png = tmp_path / "b.png"
    png.write_bytes(bake_png(text))
    assert load_badge(png).verification == "verified"
    vp = {"type": ["VerifiablePresentation"], "verifiableCredential": [json.loads(text)]}
    assert load_badge(write(tmp_path, "vp.json", json.dumps(vp))).verification == "verified"


def test_canonicalisation_never_touches_the_network(tmp_path, monkeypatch):
    """A context the app does not ship is not fetched: the proof is unverifiable offline."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    doc = json.loads((FIX / "dcc-v2-eddsa-rdfc-2022-basic.json").read_text())
    doc["@context"].append("https://example.org/unknown-context.jsonld")
    c = load_badge(write(tmp_path, "ctx.json", json.dumps(doc)))
    assert c.verification == "unverifiable-offline"


def test_did_key_decoding_matches_the_dcc_issuer():
    """The DCC fixtures' issuer is an Ed25519 did:key (multicodec 0xed01)."""
    did = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
    did_key_public(did)  # no error: an Ed25519 key
    assert base58btc(did[9:])[:2] == b"\xed\x01"
    with pytest.raises(ValueError):
        did_key_public("did:key:zNOT0base58")


def test_cert_list_json_reports_the_verification_state(cli, tmp_path):
    key = Ed25519PrivateKey.generate()
    did = ed_did(key)
    token = sign_eddsa(key, {"alg": "EdDSA", "kid": did}, credential(did))
    r = cli("cert", "import", str(write(tmp_path, "ok.jwt", token)))
    assert r.code == 0 and f"Signature verified (key {did})" in r.out, r.err
    r = cli("cert", "import", str(FIX / "dcc-v2-didweb-revoked-status.json"))
    assert r.code == 0 and r.out.rstrip().endswith(
        ". Cannot be checked offline; revocation not checked"), r.err
    rows = json.loads(cli("cert", "list", "--json").out)["certifications"]
    assert [(x["verification"], x["issuer_key"]) for x in rows] == [
        ("verified", did), ("unverifiable-offline", None)]
    assert rows[1]["revocation"] == "not checked"  # a credentialStatus needs the network
    bad = write(tmp_path, "bad.jwt", tamper(token))
    r = cli("cert", "import", str(bad))
    assert r.code == 2 and r.err.strip().count("\n") == 0 and "signature" in r.err


def test_cert_list_text_says_each_state_in_plain_words(cli):
    for name in ("dcc-v2-complex-issuer-validuntil-9999.json",
                 "validator-core-ob0.5.1-issued_on.json", "dcc-v2-ed25519.json"):
        assert cli("cert", "import", str(FIX / name)).code == 0
    assert cli("cert", "import", str(FIX / "dcc-v2-ed25519-tampered.json")).code == 2
    ends = sorted(line.split("  · ")[1] for line in cli("cert", "list").out.splitlines()
                  if "  · " in line)
    assert ends == ["Not signed", "Signature verified (key did:key:z6MkjoriXdbyWD25…)",
                    "Signature verified (key did:key:z6MknNQD1WHLGGra…)"]
    cli("cert", "delete", "1")
    assert cli("cert", "import", str(FIX / "dcc-v2-didweb.json")).code == 0
    assert "Bachelors - v2 - revoked (Example Corp)  · Cannot be checked offline" in cli(
        "cert", "list").out


@pytest.mark.parametrize("name, context", [
    # VC 1.1 + OB context 3.0.2 + Ed25519Signature2020 (shipped: resources/jsonld)
    ("dcc-v1-ed25519-string-issuer.json", "context-3.0.2.json"),
    # VC 1.1 + eddsa-rdfc-2022, which names the Data Integrity v2 context
    ("dcc-v1-eddsa-rdfc-2022-data-integrity-v2.json", "security/data-integrity/v2"),
])
def test_shipped_contexts_verify_real_files_and_catch_tampering(name, context, tmp_path):
    doc = json.loads((FIX / name).read_text("utf-8"))
    assert any(str(c).endswith(context) for c in doc["@context"])
    assert load_badge(FIX / name).verification == "verified"
    doc["credentialSubject"]["achievement"]["name"] = "Something else"
    with pytest.raises(InputError, match="signature does not match"):
        load_badge(write(tmp_path, "t.json", json.dumps(doc)))
