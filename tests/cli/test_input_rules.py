"""One set of input rules, through the real command line (issue 9 section 4, hostile review
section 10): what `cert add`, `study add` and `profile` accept, `export`, `review`,
`report --self` and `restore` carry; what they refuse is refused when it is typed, in one
line that says why (never a regular expression), and nothing changes."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tracker.curriculum.loader import load_pack
from tracker.paths import default_pack_path

PACK = load_pack(default_pack_path())
FIRST = PACK.milestones[0].id


def one_line_error(r, fragment: str) -> str:
    assert r.code == 2, (r.code, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.err
    assert "Traceback" not in r.err and "pattern" not in r.err and "^" not in r.err, r.err
    assert fragment in lines[0], lines[0]
    return lines[0]


def ok(r):
    assert r.code == 0, (r.code, r.out, r.err)
    return r


def in_two_days() -> str:  # in the future in every time zone
    return (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("earned", ["2200-01-01", "2199-12-31", "in-two-days"])
def test_cert_add_with_a_future_earned_date_is_refused_as_in_the_future(cli, earned):
    earned = in_two_days() if earned == "in-two-days" else earned
    r = cli("cert", "add", "--name", "CKA", "--issuer", "CNCF", "--earned", earned)
    assert one_line_error(r, f"earned date {earned} is in the future")
    assert ok(cli("cert", "list", "--json")).json()["certifications"] == []


@pytest.mark.parametrize("day", ["2200-12-31", "in-two-days"])
def test_study_add_on_a_future_day_is_refused_as_in_the_future(cli, day):
    day = in_two_days() if day == "in-two-days" else day
    one_line_error(cli("study", "add", "--minutes", "10", "--date", day),
                   f"date {day} is in the future")
    assert ok(cli("study", "list", "--json")).json()["study_sessions"] == []


def test_an_expiry_past_the_file_format_is_refused_when_typed(cli, tmp_path):
    one_line_error(cli("cert", "add", "--name", "CKA", "--issuer", "CNCF", "--earned",
                       "2024-01-01", "--expires", "2200-06-01"),
                   "expiry date 2200-06-01 is out of range (1950-01-01 to 2199-12-31)")
    ok(cli("cert", "add", "--name", "CKA", "--issuer", "CNCF", "--earned", "2024-01-01",
           "--expires", "2199-12-31"))
    ok(cli("study", "add", "--minutes", "10", "--date", date.today().isoformat()))
    out = tmp_path / "me.mlops-progress.json"
    ok(cli("export", "-o", str(out)))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["certifications"][0]["expires"] == "2199-12-31"
    ok(cli("report", "--self", "-o", str(tmp_path / "me.html")))
    ok(cli("review", str(out), "--json", data_dir=None))


def test_a_profile_name_with_markup_exports_reviews_restores_and_is_escaped(cli, tmp_path):
    name = "<b>Ada</b> &amp; <!-- x -->"
    ok(cli("profile", "--name", name))
    ok(cli("tick", FIRST))
    out = tmp_path / "ada.mlops-progress.json"
    ok(cli("export", "-o", str(out)))
    review = ok(cli("review", str(out), "--json", data_dir=None)).json()
    assert review["learner"]["name"] == name and review["integrity"] == "ok"

    report = tmp_path / "ada.html"
    ok(cli("report", "--self", "-o", str(report)))
    html = report.read_text(encoding="utf-8")
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp;amp; &lt;!-- x --&gt;" in html
    assert "<b>Ada" not in html and "<!-- x" not in html

    # A mentor whose name has markup can write the review; the learner imports it.
    verdicts = tmp_path / "ada.mlops-review.json"
    ok(cli("review", str(out), "--verdict", f"{FIRST}=verified:<i>good</i>", "--reviewer",
           "<i>Grace</i>", "-o", str(verdicts), data_dir=None))
    ok(cli("import-review", str(verdicts)))
    ms = ok(cli("milestones", "--json")).json()["milestones"]
    mine = next(m for m in ms if m["id"] == FIRST)
    assert mine["review"]["reviewer"] == "<i>Grace</i>"

    fresh = tmp_path / "fresh"
    ok(cli("restore", "--yes", str(out), data_dir=fresh))
    assert ok(cli("profile", "--json", data_dir=fresh)).json()["learner"]["name"] == name


@pytest.mark.parametrize("name, fragment", [
    ("Eve\u009b2J", "name contains a control character (U+009B)"),
    ("\u202eevil", "name contains a bidirectional control character (U+202E)"),
])
def test_a_name_that_is_not_printable_text_is_refused_when_typed(cli, name, fragment):
    ok(cli("profile", "--name", "Ada"))
    one_line_error(cli("profile", "--name", name), fragment)
    assert ok(cli("profile", "--json")).json()["learner"]["name"] == "Ada"
