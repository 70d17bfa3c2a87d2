"""Badges go through the same safe JSON reader as progress and review files (issue 10,
item 8; hostile review section 7): a lone surrogate escape anywhere in a badge, even in a
field the app never uses, is refused in one line with exit 2 and nothing is stored."""

from __future__ import annotations

import json

import pytest

from tracker.db.errors import InputError
from tracker.exchange.openbadges import load_badge

OB2 = ('{"type":"Assertion","badge":{"name":"X","issuer":{"name":"Y"}},'
       '"issuedOn":"2024-01-01"%s}')


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc80", "\\udfff", "a\\ud83d"])
@pytest.mark.parametrize("where", ["note", "badge-name", "key"])
def test_a_lone_surrogate_anywhere_is_refused_in_process(tmp_path, escape, where):
    text = {
        "note": OB2 % f',"note":"{escape}"',
        "badge-name": OB2.replace('"name":"X"', f'"name":"X{escape}"') % "",
        "key": OB2 % f',"{escape}":1',
    }[where]
    path = tmp_path / "s.json"
    path.write_text(text, encoding="ascii")
    with pytest.raises(InputError, match="lone surrogate"):
        load_badge(path)


def test_a_surrogate_pair_is_a_character_and_loads(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(OB2.replace('"name":"X"', '"name":"X \\ud83c\\udf93"') % "",
                    encoding="ascii")
    assert load_badge(path).name == "X \U0001f393"


def test_a_utf8_byte_order_mark_is_still_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (OB2 % "").encode())
    assert load_badge(path).issuer == "Y"


@pytest.mark.parametrize("text, expect", [
    (OB2 % ',"n":NaN', "NaN is not allowed"),
    ('{"type":"Assertion","type":"Assertion"}', "duplicate key"),
    ("[" * 100 + "]" * 100, "nested more than"),
])
def test_the_other_safe_json_rules_apply_too(tmp_path, text, expect):
    path = tmp_path / "b.json"
    path.write_text(text, encoding="ascii")
    with pytest.raises(InputError, match=expect):
        load_badge(path)


def test_cli_cert_import_of_a_surrogate_badge_exits_2_and_stores_nothing(cli, tmp_path):
    """The exact reproduction from the review."""
    path = tmp_path / "s.json"
    path.write_text(OB2 % ',"note":"\\ud800"', encoding="ascii")
    assert cli("cert", "list", "--json").code == 0
    r = cli("cert", "import", str(path))
    assert r.code == 2, r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: s.json: "), r.err
    assert "lone surrogate" in lines[0] and "unexpected" not in lines[0]
    assert json.loads(cli("cert", "list", "--json").out)["certifications"] == []
