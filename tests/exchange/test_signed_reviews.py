"""Issue 12, part 3: signed mentor reviews (DESIGN.md, "Signatures").

A mentor's Ed25519 key is made on the first review (0600 in the mentor's data folder); the
review is signed over its digest; the learner's app remembers the key per reviewer (trust on
first use), flags a known name with another key, and never shows an unsigned or badly signed
review as verified."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from tracker.exchange.digest import with_integrity
from tracker.exchange.review import read_review_bytes
from tracker.exchange.signing import (
    INVALID,
    OTHER_KEY,
    SIGNED,
    UNSIGNED,
    check_signature,
    fingerprint,
    load_or_create_key,
    sign_document,
    trust,
)

MID = "python.venv"


def ok(r):
    assert r.code == 0, (r.code, r.out, r.err)
    return r


@pytest.fixture
def exported(cli, tmp_path) -> Path:
    ok(cli("profile", "--name", "Ada"))
    ok(cli("tick", MID))
    out = tmp_path / "ada.mlops-progress.json"
    ok(cli("export", "-o", str(out)))
    return out


def mentor_review(cli, exported: Path, tmp_path: Path, mentor: str = "mentor",
                  reviewer: str = "Grace", name: str = "r.mlops-review.json") -> Path:
    out = tmp_path / name
    ok(cli("review", str(exported), "-o", str(out), "--reviewer", reviewer,
           "--verdict", f"{MID}=verified:solid", data_dir=tmp_path / mentor))
    return out


def verdict(cli) -> dict:
    rows = json.loads(ok(cli("milestones", "--json")).out)["milestones"]
    return next(m for m in rows if m["id"] == MID)["review"]


def test_the_first_review_makes_a_private_key_only_the_mentor_can_read(cli, exported,
                                                                     tmp_path):
    r = cli("review", str(exported), "-o", str(tmp_path / "r.mlops-review.json"),
            "--reviewer", "Grace", "--verdict", f"{MID}=verified", data_dir=tmp_path / "m")
    ok(r)
    assert "made your signing key" in r.out
    key = tmp_path / "m" / "reviewer-ed25519.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    doc = json.loads((tmp_path / "r.mlops-review.json").read_text())
    assert doc["signature"]["algorithm"] == "ed25519"
    assert "PRIVATE" not in json.dumps(doc)
    again = mentor_review(cli, exported, tmp_path, mentor="m", name="r2.mlops-review.json")
    doc2 = json.loads(again.read_text())
    assert doc2["signature"]["public_key"] == doc["signature"]["public_key"]  # same key


def test_a_signed_review_imports_as_signed_with_its_key(cli, exported, tmp_path):
    review = mentor_review(cli, exported, tmp_path)
    pub = json.loads(review.read_text())["signature"]["public_key"]
    r = ok(cli("import-review", str(review)))
    assert f"signature: signed by Grace, key {fingerprint(pub)}" in r.out
    assert verdict(cli)["signature"] == {"state": "signed", "verified": True,
                                         "key": fingerprint(pub)}


def test_a_review_edited_by_hand_after_signing_is_flagged(cli, exported, tmp_path):
    review = mentor_review(cli, exported, tmp_path)
    doc = json.loads(review.read_text())
    doc["verdicts"][0]["comment"] = "the learner wrote this"
    signature = doc.pop("signature")
    doc = with_integrity(doc)               # the digest recomputed, as anyone can
    doc["signature"] = signature
    review.write_text(json.dumps(doc))
    r = ok(cli("import-review", str(review)))
    assert "signature: the signature does not match the content" in r.out
    assert verdict(cli)["signature"] == {"state": "invalid", "verified": False, "key": None}


def test_a_second_key_under_a_known_name_is_flagged(cli, exported, tmp_path):
    ok(cli("import-review", str(mentor_review(cli, exported, tmp_path))))
    impostor = mentor_review(cli, exported, tmp_path, mentor="impostor",
                             name="fake.mlops-review.json")
    r = ok(cli("import-review", str(impostor)))
    assert "signed with another key than the one known for Grace" in r.out
    got = verdict(cli)["signature"]
    assert got["state"] == "other-key" and not got["verified"]


def test_an_unsigned_review_is_never_verified(cli, exported, tmp_path):
    review = mentor_review(cli, exported, tmp_path)
    doc = json.loads(review.read_text())
    del doc["signature"]
    review.write_text(json.dumps(doc))
    r = ok(cli("import-review", str(review)))
    assert "signature: unsigned" in r.out
    assert verdict(cli)["signature"] == {"state": "unsigned", "verified": False, "key": None}


def test_a_published_key_is_trusted_before_the_first_review(cli, exported, tmp_path):
    key_file = tmp_path / "grace.key.json"
    ok(cli("reviewer-key", "export", "--name", "Grace", "-o", str(key_file),
           data_dir=tmp_path / "mentor"))
    published = json.loads(key_file.read_text())
    assert published["format"] == "mlops-tracker/reviewer-key"
    assert "PRIVATE" not in key_file.read_text()
    ok(cli("reviewer-key", "import", str(key_file)))
    # the impostor's review comes first, but Grace's key is already known
    impostor = mentor_review(cli, exported, tmp_path, mentor="impostor", name="f.json")
    assert "another key" in ok(cli("import-review", str(impostor))).out
    real = mentor_review(cli, exported, tmp_path, name="real.mlops-review.json")
    assert "signed by Grace" in ok(cli("import-review", str(real))).out


def test_bad_key_files_are_refused_in_one_line(cli, tmp_path):
    bad = tmp_path / "k.json"
    bad.write_text(json.dumps({"format": "mlops-tracker/reviewer-key", "format_version": 1,
                               "name": "Grace", "algorithm": "ed25519",
                               "public_key": "short"}))
    r = cli("reviewer-key", "import", str(bad))
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "base64" in r.err


# ------------------------------------------------------------------ unit level
def test_signature_states_without_a_database(tmp_path):
    key = load_or_create_key(tmp_path)
    body = with_integrity({"format": "mlops-tracker/review", "x": 1})
    signed = sign_document(body, key)
    check = check_signature(signed)
    assert check.state == SIGNED and trust(check, "Grace", {}) == SIGNED
    assert trust(check, "GRACE ", {"grace": check.public_key}) == SIGNED
    assert trust(check, "Grace", {"grace": base64.b64encode(b"\0" * 32).decode()}) == OTHER_KEY
    assert check_signature(body).state == UNSIGNED
    forged = {**signed, "x": 2}
    assert check_signature(with_integrity(forged) | {"signature": signed["signature"]}
                           ).state == INVALID
    for junk in ({"algorithm": "rsa"}, "x", {"algorithm": "ed25519", "public_key": "A" * 500},
                 {**signed["signature"], "value": base64.b64encode(b"1" * 64).decode()}):
        assert check_signature({**signed, "signature": junk}).state == INVALID


def test_the_review_model_refuses_a_malformed_signature():
    from tracker.db.errors import InputError

    doc = {"format": "mlops-tracker/review", "format_version": 1,
           "reviewed_at": "2026-01-01T00:00:00Z", "reviewer": {"name": "G"},
           "learner": {"name": "A", "target_level": "junior", "experience_years": 0},
           "progress_digest": "0" * 64, "verdicts": []}
    doc = with_integrity(doc) | {"signature": {"algorithm": "ed25519", "public_key": "x",
                                               "value": "y"}}
    with pytest.raises(InputError, match="signature"):
        read_review_bytes(json.dumps(doc))
