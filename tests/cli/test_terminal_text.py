"""Terminal escape injection (issue 10; hostile review section 16): text from files and the
database reaches the terminal with its control characters made visible, through one
output point (tracker.termtext, held by cli.main). ``--json`` output stays exact."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import termtext

ESC_SEQS = ["\x1b[2J", "\x1b[1A\r\x1b[2K", "\x1b]8;;http://evil.example/\x1b\\", "\x1b[8m",
            "\x9b31m", "\u202e", "\u2066", "\x07", "\x7f"]
RAW = set("\x1b\r\x07\x7f\x9b\u202e\u2066")


def raw_controls(text: str) -> set[str]:
    return {ch for ch in text if termtext.UNSAFE.match(ch)}


# ------------------------------------------------------------------ the function
def test_clean_shows_every_control_as_an_escape():
    assert termtext.clean("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert termtext.clean("x\r\ny\tz") == "x\\x0d\ny\tz"
    assert termtext.clean("C1\x9b2J") == "C1\\u009b2J"
    assert termtext.clean("\u202eevil") == "\\u202eevil"
    assert termtext.clean("bad\udcff.json") == "bad\\udcff.json"
    plain = "Ann Lee — Ünïcödé 学习 🎓 <b>&amp;</b> \\x1b"
    assert termtext.clean(plain) is plain


def test_exactly_the_controls_are_escaped():
    changed = [c for c in range(0x3000) if termtext.clean(chr(c)) != chr(c)]
    expected = ([c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
                + [0x061C, 0x200E, 0x200F] + list(range(0x202A, 0x202F))
                + list(range(0x2066, 0x206A)))
    assert changed == expected
    for c in changed:  # every one of them is a control or a format character
        assert unicodedata.category(chr(c)) in ("Cc", "Cf")


@given(st.text())
def test_cleaned_text_never_holds_a_control_and_safe_text_is_untouched(text):
    out = termtext.clean(text)
    assert raw_controls(out) == set()
    if not raw_controls(text):
        assert out == text
    out.encode("utf-8")  # printable on any UTF-8 terminal, even with undecodable names


@given(st.recursive(st.text() | st.integers() | st.none(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12))
def test_json_through_the_output_point_reads_back_exactly(value):
    text = json.dumps(value, ensure_ascii=False, indent=2)
    assert json.loads(termtext.clean(text)) == value


def test_safe_streams_wraps_and_unwraps(capsys):
    before = sys.stdout, sys.stderr
    with termtext.safe_streams():
        print("name\x1b[31m red", "\u202e")
        print("err\x9b", file=sys.stderr)
        with termtext.safe_streams():  # nested: still one wrapper
            assert not isinstance(sys.stdout.raw, termtext.SafeStream)
    assert (sys.stdout, sys.stderr) == before
    out, err = capsys.readouterr()
    assert out == "name\\x1b[31m red \\u202e\n" and err == "err\\u009b\n"


# ------------------------------------------------------------------ the command line
def _poison_database(cli) -> dict[str, str]:
    """Text an older version let in (or a hand-edited file holds), written with SQL."""
    assert cli("profile", "--name", "Eve").code == 0
    values = {"name": "Eve\x1b[2J\x9b31m\u202elive",
              "cert": "Cert\x1b[1A\r\x1b[2KIntegrity: ok\x9b2J"}
    con = sqlite3.connect(cli.data_dir / "tracker.sqlite3")
    con.execute("UPDATE profile SET name = ?", (values["name"],))
    con.execute("INSERT INTO certification(name, issuer, earned, credential_id, url, source, "
                "verified, created_at) VALUES (?, '\u202eXYZ', '2025-03-01', '', '', 'manual',"
                " 0, '2025-03-01T00:00:00Z')", (values["cert"],))
    con.commit()
    con.close()
    return values


def test_database_text_is_escaped_for_people_and_exact_in_json(cli):
    values = _poison_database(cli)
    for argv in (["status"], ["cert", "list"], ["profile"]):
        r = cli(*argv)
        assert r.code == 0, r.err
        assert raw_controls(r.out + r.err) == set(), (argv, r.out)
    assert "Eve\\x1b[2J\\u009b31m\\u202elive" in cli("status").out
    assert "Cert\\x1b[1A\\x0d\\x1b[2KIntegrity: ok\\u009b2J" in cli("cert", "list").out
    r = cli("status", "--json")
    assert raw_controls(r.out) == set()
    assert r.json()["learner"]["name"] == values["name"]
    certs = cli("cert", "list", "--json").json()["certifications"]
    assert [c["name"] for c in certs] == [values["cert"]]
    assert certs[0]["issuer"] == "\u202eXYZ"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names")
def test_file_names_cannot_rewrite_the_integrity_line(cli, tmp_path):
    """``review`` printed the file name raw on the line above "Integrity:"."""
    assert cli("tick", "python.venv").code == 0
    plain = tmp_path / "ann.mlops-progress.json"
    assert cli("export", "-o", str(plain)).code == 0
    doc = json.loads(plain.read_text(encoding="utf-8"))
    doc["learner"]["name"] = "Mallory"  # tampered, not re-signed
    name = "y\x1b[1A\x1b[2KExported: x   Integrity: ok\r\x9b\u202e.mlops-progress.json"
    evil = tmp_path / name
    evil.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("review", str(evil), data_dir=None)
    assert r.code == 0, r.err
    assert raw_controls(r.out) == set()
    lines = r.out.splitlines()
    assert lines[0] == ("File: y\\x1b[1A\\x1b[2KExported: x   Integrity: ok\\x0d\\u009b"
                        "\\u202e.mlops-progress.json")
    assert lines[1].split("Integrity: ")[1].startswith("modified")
    r = cli("review", str(evil), "--json", data_dir=None)
    assert r.json()["integrity"] == "modified"


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin",
                    reason="needs file names that are not UTF-8")
def test_cohort_skips_and_errors_never_reach_the_terminal_raw(cli, tmp_path):
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "x\x1b[2J\x1b[31mPWNED\x1b[0m.mlops-progress.json").write_bytes(b"{")
    os.close(os.open(os.fsencode(folder) + b"/bad\xff\x9b.mlops-progress.json",
                     os.O_CREAT | os.O_WRONLY))
    r = cli("cohort", str(folder), data_dir=None)
    assert "unexpected" not in r.err and "Traceback" not in r.err, r.err
    assert raw_controls(r.out + r.err) == set()
    assert "x\\x1b[2J\\x1b[31mPWNED\\x1b[0m.mlops-progress.json" in r.err
    assert "bad\\udcff\\udc9b.mlops-progress.json" in r.err
    r = cli("review", str(folder / "gone\x1b[2J\u202e.mlops-progress.json"), data_dir=None)
    assert r.code == 2 and raw_controls(r.err) == set()
    assert "gone\\x1b[2J\\u202e" in r.err


def test_the_restore_prompt_is_cleaned_too(monkeypatch, tmp_path):
    """input() writes its prompt to the terminal itself, not through sys.stdout."""
    import builtins

    from tracker.commands import exchange

    seen = []
    monkeypatch.setattr(builtins, "input", lambda prompt="": seen.append(prompt) or "n")

    class Tty:
        def isatty(self):
            return True

    class Reading:
        source = "y\x1b[1A.mlops-progress.json"
        learner_name = "Eve\u202e"
        exported_at = "2026-11-30T00:00:00Z"
        integrity = "ok"

        def to_snapshot(self):
            return None

    monkeypatch.setattr(exchange.sys, "stdin", Tty())
    monkeypatch.setattr(exchange.sys, "stdout", Tty())
    import tracker.exchange.progress as progress

    monkeypatch.setattr(progress, "read_progress_file", lambda path: Reading())
    args = type("A", (), {"file": "f", "yes": False, "data_dir": str(tmp_path)})()
    monkeypatch.setattr(exchange, "print", lambda *a, **k: None, raising=False)
    assert exchange.cmd_restore(args) == 0
    assert seen and raw_controls(seen[0]) == set()
    assert "y\\x1b[1A.mlops-progress.json" in seen[0] and "Eve\\u202e" in seen[0]


def test_every_command_module_prints_only_through_the_cli():
    """The output point is cli.main: commands print with print()/print_json (wrapped
    there), never to a stream of their own that would bypass it."""
    root = Path(__file__).resolve().parents[2] / "tracker" / "commands"
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.__stdout__" not in text and "sys.__stderr__" not in text, path
        assert ".buffer.write" not in text and "os.write(" not in text, path
