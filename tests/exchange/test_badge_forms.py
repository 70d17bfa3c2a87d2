"""Issue 12, part 1: the badge files people actually have (../shared/reviews/realworld.md).

Real files from tests/fixtures/badges (see SOURCES.md), and the forms the specifications
define built from them here: compact JWS / VC-JWT, baked PNG (iTXt) and SVG, a presentation
wrapping one credential, UTF-16 JSON. Every one goes through load_badge, the only reader."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path

import pytest

from tracker.db.errors import InputError
from tracker.exchange.openbadges import already_imported, load_badge

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "badges"


def real(name: str) -> dict:
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def unsigned(name: str) -> dict:
    """A real file without its proof, to edit: an edited signed file is refused (its
    signature no longer matches; tests/exchange/test_credential_signatures.py)."""
    doc = real(name)
    doc.pop("proof")
    return doc


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jws(payload: dict, header: dict | None = None) -> str:
    """A compact JWS with a dummy signature and a key only the network could give (so it
    reads as 'unverifiable-offline'; signatures are tested in test_credential_signatures)."""
    header = header or {"alg": "EdDSA", "typ": "JWT", "kid": "did:web:example.org#key-1"}
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()),
                     b64url(b"\x00" * 64)])


def png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(
        ">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def bake_png(text: str, keyword: bytes = b"openbadgecredential", compress: bool = False) -> bytes:
    """An image as the OB baking spec writes it: the payload in an iTXt chunk."""
    base = (FIX / "bakery-unbaked.png").read_bytes()
    iend = base.rindex(b"IEND") - 4
    data = zlib.compress(text.encode()) if compress else text.encode()
    itxt = keyword + b"\x00" + bytes([int(compress), 0]) + b"\x00\x00" + data
    return base[:iend] + png_chunk(b"iTXt", itxt) + base[iend:]


def bake_svg(inner: str, *, tag: str = "credential", verify: str | None = None) -> bytes:
    attr = f' verify="{verify}"' if verify else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 512 512">\n'
            f'  <openbadges:{tag}{attr}>{inner}</openbadges:{tag}>\n'
            f'  <circle r="10"/>\n</svg>\n').encode()


def load(tmp_path: Path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return load_badge(path)


def fields(c) -> tuple:
    return (c.name, c.issuer, c.earned, c.expires)


# ------------------------------------------------------------------ plain JSON, real files
@pytest.mark.parametrize("name, expect", [
    ("dcc-v2-eddsa-rdfc-2022-basic.json", ("Teamwork", "Example Corp", "2025-01-09", None)),
    ("dcc-v2-ed25519.json", ("Teamwork", "Example Corp", "2010-01-01", None)),
    # validUntil 9999-01-02 means "no expiry", not "out of range"
    ("dcc-v2-complex-issuer-validuntil-9999.json",
     ("Bachelors - v2 - complex issuer", "Bestest Ever University", "2010-01-01", None)),
    # an issuer that is a bare DID string
    ("dcc-v1-ed25519-string-issuer.json",
     ("Badge", "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q", "2025-01-09", None)),
    # the spec's own migration example: issuer with id and url but no name
    ("1edtech-ob3-migrating-issuer-without-name.json",
     ("Example Competency Badge Issued under OB 2.0", "example.edu", "2010-01-01", None)),
    # OB 0.5.1 wrote issued_on
    ("validator-core-ob0.5.1-issued_on.json",
     ("Basic McBadge", "Basic Issuer", "2011-06-01", None)),
])
def test_real_files_import_with_the_right_fields(name, expect):
    c = load_badge(FIX / name)
    assert fields(c) == expect


def test_ob05_is_marked_as_such():
    assert load_badge(FIX / "validator-core-ob0.5.1-issued_on.json").source == "openbadges-0.5"


@pytest.mark.parametrize("name, words", [
    ("validator-core-ob1.1-hosted.json", "only links to its badge"),
    ("validator-core-ob1.0-badgeclass.json", "BadgeClass"),
    ("dcc-v2-endorsement.json", "an endorsement, not an award"),
    ("validator-core-ob0.5-no-date.json", "no issue date"),
    ("bakery-baked-hosted.svg", "only links to its assertion"),
    ("bakery-no-json.svg", "only links to its assertion"),  # empty, verify="http://..."
    ("bakery-unbaked.png", "PNG image with no badge baked in"),
])
def test_refusals_say_what_the_file_is(name, words):
    with pytest.raises(InputError, match=words) as err:
        load_badge(FIX / name)
    assert str(err.value).startswith(name) and "\n" not in str(err.value)


# ------------------------------------------------------------------ the other forms
def test_vc_jwt_with_a_vc_2_payload(tmp_path):
    c = load(tmp_path, "b.jwt", jws(real("dcc-v2-ed25519.json"), {
        "alg": "EdDSA", "typ": "vc+jwt", "kid": "did:web:example.org#key-1"}))
    assert fields(c) == ("Teamwork", "Example Corp", "2010-01-01", None)


def test_vc_jwt_1_1_takes_the_vc_claim_and_the_registered_claims(tmp_path):
    vc = real("dcc-v1-ed25519-string-issuer.json")
    for k in ("issuer", "issuanceDate", "id", "proof"):
        vc.pop(k)
    payload = {"iss": "did:key:z6MkExample", "nbf": 1262304000, "exp": 1924905600,
               "jti": "urn:uuid:1234", "vc": vc}
    c = load(tmp_path, "b.jws", jws(payload) + "\n")
    assert fields(c) == ("Badge", "did:key:z6MkExample", "2010-01-01", "2030-12-31")
    assert c.credential_id == "urn:uuid:1234"


def test_ob2_signed_assertion_as_compact_jws(tmp_path):
    doc = {"type": "Assertion", "id": "urn:uuid:x", "issuedOn": "2016-12-31T23:59:59Z",
           "badge": {"name": "3-D Printmaster", "issuer": {"name": "Example Maker Society"}}}
    c = load(tmp_path, "b.jws", jws(doc, {"alg": "RS256"}))
    assert fields(c) == ("3-D Printmaster", "Example Maker Society", "2016-12-31", None)


@pytest.mark.parametrize("compress", [False, True])
def test_baked_png_ob3(tmp_path, compress):
    text = (FIX / "dcc-v2-eddsa-rdfc-2022-basic.json").read_text()
    c = load(tmp_path, "b.png", bake_png(text, compress=compress))
    assert fields(c) == ("Teamwork", "Example Corp", "2025-01-09", None)


def test_baked_png_ob2_and_a_jwt_inside(tmp_path):
    doc = {"type": "Assertion", "issuedOn": "2017-06-29",
           "badge": {"name": "Embedded", "issuer": {"name": "Basic Issuer"}}}
    assert load(tmp_path, "a.png", bake_png(json.dumps(doc), b"openbadges")).name == "Embedded"
    c = load(tmp_path, "b.png", bake_png(jws(real("dcc-v2-ed25519.json"))))
    assert c.name == "Teamwork"


def test_baked_png_with_a_hosted_url_is_the_hosted_refusal(tmp_path):
    with pytest.raises(InputError, match="only links to its assertion"):
        load(tmp_path, "h.png", bake_png("https://example.org/assertion/1", b"openbadges"))


def test_a_compressed_chunk_cannot_inflate_past_the_limit(tmp_path):
    bomb = bake_png("{" + " " * 3_000_000 + "}", compress=True)
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="larger than 2 MB"):
        load(tmp_path, "bomb.png", bomb)


def test_baked_svg_cdata_and_jwt_in_verify(tmp_path):
    text = (FIX / "dcc-v2-eddsa-rdfc-2022-basic.json").read_text()
    assert load(tmp_path, "a.svg", bake_svg(f"<![CDATA[\n{text}\n]]>")).name == "Teamwork"
    token = jws(real("dcc-v2-ed25519.json"))
    assert load(tmp_path, "b.svg", bake_svg("", verify=token)).name == "Teamwork"
    doc = {"type": "Assertion", "issuedOn": "2017-06-29",
           "badge": {"name": "Old & good", "issuer": {"name": "I"}}}
    escaped = json.dumps(doc).replace("&", "&amp;").replace('"', "&quot;")
    assert load(tmp_path, "c.svg", bake_svg(escaped, tag="assertion")).name == "Old & good"


def test_an_svg_without_a_baked_badge(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>'
    with pytest.raises(InputError, match="no badge baked in"):
        load(tmp_path, "plain.svg", svg)


def test_svg_entities_are_never_expanded(tmp_path):
    evil = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "' + b"x" * 100 + b'">'
            + b"".join(b'<!ENTITY a%d "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' % i for i in range(9))
            + b']><svg><openbadges:credential>&a8;</openbadges:credential></svg>')
    with pytest.raises(InputError, match="not valid JSON"):
        load(tmp_path, "lol.svg", evil)


def test_a_presentation_wrapping_one_credential(tmp_path):
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"],
          "verifiableCredential": [real("dcc-v2-ed25519.json")]}
    assert load(tmp_path, "vp.json", json.dumps(vp)).name == "Teamwork"
    vp["verifiableCredential"] = jws(real("dcc-v2-ed25519.json"))
    assert load(tmp_path, "vp2.json", json.dumps(vp)).name == "Teamwork"
    vp["verifiableCredential"] = [real("dcc-v2-ed25519.json")] * 2
    with pytest.raises(InputError, match="holds 2 credentials"):
        load(tmp_path, "vp3.json", json.dumps(vp))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_json(tmp_path, codec):
    text = (FIX / "dcc-v2-ed25519.json").read_text()
    assert load(tmp_path, "u.json", text.encode(codec)).name == "Teamwork"


# ------------------------------------------------------------------ valid shapes
def test_language_tagged_and_language_map_names(tmp_path):
    doc = unsigned("dcc-v2-ed25519.json")
    doc["issuer"]["name"] = {"@value": "Beispiel AG", "@language": "de"}
    doc["credentialSubject"]["achievement"]["name"] = {"es": "Trabajo en equipo",
                                                       "en": "Teamwork"}
    c = load(tmp_path, "l.json", json.dumps(doc))
    assert (c.name, c.issuer) == ("Teamwork", "Beispiel AG")


def test_achievement_array_awarded_date_in_subject_and_issuer_without_name(tmp_path):
    """The shape of the W3C VC 2.0 specification's own Open Badge example."""
    doc = unsigned("dcc-v2-ed25519.json")
    del doc["issuer"]["name"]
    doc["issuer"]["id"] = "https://university.example/issuers/14"
    subject = doc["credentialSubject"]
    subject["achievement"] = [subject["achievement"]]
    subject["awardedDate"] = "2023-05-01T00:00:00Z"
    c = load(tmp_path, "w3c.json", json.dumps(doc))
    assert fields(c) == ("Teamwork", "university.example", "2023-05-01", None)


def test_awarded_date_wins_over_valid_from(tmp_path):
    doc = unsigned("dcc-v2-ed25519.json")
    doc["validFrom"], doc["awardedDate"] = "2025-06-14T00:00:00Z", "2025-06-18T00:00:00Z"
    assert load(tmp_path, "a.json", json.dumps(doc)).earned == "2025-06-18"


@pytest.mark.parametrize("stamp", [1483228799, "1483228799"])
def test_unix_timestamp_dates(tmp_path, stamp):
    doc = {"type": "Assertion", "issuedOn": stamp, "expires": 1924905600,
           "badge": {"name": "N", "issuer": {"name": "I"}}}
    c = load(tmp_path, "t.json", json.dumps(doc))
    assert (c.earned, c.expires) == ("2016-12-31", "2030-12-31")


def test_achievement_by_reference_is_refused_precisely(tmp_path):
    doc = real("dcc-v2-ed25519.json")
    doc["credentialSubject"]["achievement"] = "https://example.com/achievements/1"
    with pytest.raises(InputError, match="only links to its achievement"):
        load(tmp_path, "r.json", json.dumps(doc))


def test_a_generic_vc_and_a_clr_say_what_they_are(tmp_path):
    vc = {"type": ["VerifiableCredential", "UniversityDegreeCredential"],
          "issuer": "did:example:1", "validFrom": "2020-01-01T00:00:00Z",
          "credentialSubject": {"degree": {"name": "BSc"}}}
    with pytest.raises(InputError, match=r"Verifiable Credential \(UniversityDegreeCredential\)"
                                         " that is not an Open Badge"):
        load(tmp_path, "v.json", json.dumps(vc))
    clr = {"type": ["VerifiableCredential", "ClrCredential"], "issuer": "did:example:1",
           "credentialSubject": {"achievement": [{"name": "a"}, {"name": "b"}]}}
    with pytest.raises(InputError, match="CLR.* with 2 achievements"):
        load(tmp_path, "c.json", json.dumps(clr))


def test_hostile_forms_are_refused_in_one_line(tmp_path):
    cases = {
        "trunc.png": (FIX / "bakery-unbaked.png").read_bytes()[:200],
        "bad.jwt": "eyJhbGciOiJFZERTQSJ9.!!!.x",
        "notjson.jwt": b64url(b'{"alg":"EdDSA"}') + "." + b64url(b"not json") + ".sig",
        "deep.jwt": jws({"a": 1}).split(".")[0] + "." + b64url(b"[" * 100 + b"]" * 100) + ".s",
        "bad16.json": b"\xff\xfe" + b"\x00\xd8" * 3,
        "page.html": "<html><body>hi</body></html>",
    }
    for name, data in cases.items():
        with pytest.raises(InputError) as err:
            load(tmp_path, name, data)
        assert "\n" not in str(err.value), name


def test_duplicates_are_recognised_by_credential_id():
    first = load_badge(FIX / "dcc-v2-ed25519.json")
    again = load_badge(FIX / "dcc-v2-eddsa-rdfc-2022-basic.json")  # same id, other proof
    assert already_imported([], first) is None

    class C:
        id, credential_id = 7, "http://example.com/credentials/3527"
    assert already_imported([C()], again).id == 7


def test_cli_imports_a_baked_png_once_and_refuses_a_badgeclass_with_exit_2(cli, tmp_path):
    path = tmp_path / "b.png"
    path.write_bytes(bake_png((FIX / "dcc-v2-ed25519.json").read_text()))
    r = cli("cert", "import", str(path))
    assert r.code == 0 and "Teamwork" in r.out, r.err
    r = cli("cert", "import", str(FIX / "dcc-v2-eddsa-rdfc-2022-basic.json"))  # same id
    assert r.code == 0 and "already imported as certification 1" in r.out, r.err
    assert len(json.loads(cli("cert", "list", "--json").out)["certifications"]) == 1
    r = cli("cert", "import", str(FIX / "validator-core-ob1.0-badgeclass.json"))
    assert r.code == 2
    assert r.err.strip().splitlines() == [
        "error: validator-core-ob1.0-badgeclass.json: an Open Badges BadgeClass (the badge "
        "itself), not an award of it to someone"]
