"""A progress file cannot pass off its own curriculum as the real one (issue 12, part 4;
hostile.md item 9): the embedded pack is compared with the pack the reader knows under the
same id and version, and any difference is shown by review, cohort (text, JSON, CSV) and
the report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tracker.curriculum.loader import load_pack
from tracker.db.types import Profile, ProgressEntry, Snapshot
from tracker.exchange.digest import with_integrity
from tracker.exchange.known_pack import KnownPacks, check_curriculum
from tracker.exchange.progress import build_progress_document, read_progress_bytes
from tracker.paths import default_pack_path

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny.toml"
T0 = "2025-01-01T00:00:00.000000Z"


def honest_doc() -> dict:
    cur = load_pack(default_pack_path())
    first = cur.milestones[0].id
    snap = Snapshot(cur, Profile("Ann", None, 1.0),
                    {first: ProgressEntry(first, "done", T0)}, (), (), {})
    return build_progress_document(snap)


def forged_doc() -> dict:
    """hostile.md item 9: the shipped id, version and title, one milestone per level, all
    done, five verified reviews by a famous mentor, digest recomputed."""
    doc = honest_doc()
    pack = doc["curriculum"]
    keep, seen = [], set()
    for m in pack["milestones"]:
        # a required milestone per level (an elective or option gives a level no units)
        if m["level"] not in seen and not m.get("options") and not m.get("elective"):
            seen.add(m["level"])
            keep.append({**m, "requires": [], "core": False})
    pack["milestones"] = keep
    pack["choices"] = []
    doc["learner"]["name"] = "Mallory"
    doc["progress"] = [{"milestone": m["id"], "state": "done", "updated_at": T0, "note": "",
                        "evidence": []} for m in keep]
    doc["reviews"] = [{"milestone": m["id"], "verdict": "verified", "comment": "",
                       "reviewer": "Grace Hopper", "reviewed_at": T0, "imported_at": T0,
                       "progress_digest": "0" * 64} for m in keep]
    return with_integrity(doc)


def write(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name}.mlops-progress.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def test_the_forged_file_reads_as_intact_and_ready_but_its_curriculum_differs():
    reading = read_progress_bytes(json.dumps(forged_doc()), "forged")
    assert reading.integrity == "ok"  # the digest proves nothing here
    assert reading.current_level == reading.curriculum.levels[-1].id
    check = check_curriculum(reading.curriculum)
    assert check.status == "differs"
    assert "removed" in check.summary
    assert "DIFFERS" in check.text()


def test_the_honest_file_is_known_and_an_unknown_pack_is_unknown():
    reading = read_progress_bytes(json.dumps(honest_doc()), "honest")
    assert check_curriculum(reading.curriculum).status == "known"
    tiny = load_pack(TINY)
    assert check_curriculum(tiny).status == "unknown"
    # ...unless the reader installed it (a mentor's custom pack)
    packs = KnownPacks([("shipped", default_pack_path()), ("installed", TINY)])
    check = packs.check(tiny)
    assert (check.status, check.against) == ("known", "installed")


def test_a_changed_threshold_is_named():
    doc = honest_doc()
    doc["curriculum"]["levels"][-1]["threshold"] = 1.0
    reading = read_progress_bytes(json.dumps(with_integrity(doc)), "f")
    check = check_curriculum(reading.curriculum)
    assert check.status == "differs" and "thresholds changed" in check.summary


def test_review_cohort_and_report_say_the_curriculum_differs(cli, tmp_path: Path):
    forged = write(tmp_path / "cohort", "mallory", forged_doc())
    honest = write(tmp_path / "cohort", "ann", honest_doc())

    r = cli("review", str(forged))
    assert r.code == 0, r.err
    assert "unchanged since export" in r.out
    assert "DIFFERS" in r.out and "removed" in r.out
    doc = cli("review", str(forged), "--json").json()
    assert doc["integrity"] == "ok" and doc["curriculum"] == "differs"
    assert "removed" in doc["curriculum_check"]["summary"]
    assert cli("review", str(honest), "--json").json()["curriculum"] == "known"
    # the verdicts by "Grace Hopper" the learner wrote in are listed, never as verified
    assert len(doc["verdicts"]) == 5
    assert all(v["signature"] == {"state": "unsigned", "verified": False, "key": None}
               and v["reviewer"] == "Grace Hopper" for v in doc["verdicts"])
    assert "not verified" in r.out

    out = tmp_path / "c.csv"
    r = cli("cohort", str(tmp_path / "cohort"), "--csv", str(out))
    assert r.code == 0, r.err
    assert "differs" in r.out
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "curriculum" and rows[0][-2] == "integrity"
    by_learner = {row[1]: row for row in rows[1:]}
    assert by_learner["Mallory"][-1] == "differs" and by_learner["Ann"][-1] == "known"
    j = cli("cohort", str(tmp_path / "cohort"), "--json").json()
    assert {x["learner"]: x["curriculum"] for x in j["learners"]} == {
        "Ann": "known", "Mallory": "differs"}

    for suffix in (".html", ".pdf"):
        rep = tmp_path / f"r{suffix}"
        r = cli("report", str(forged), "-o", str(rep))
        assert r.code == 0, r.err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "differs from the shipped curriculum" in html.lower()
    assert "unchanged since export" in html
    assert "Grace Hopper" in html and "unsigned here, not verified" in html


def test_a_pack_the_mentor_installed_is_known(cli, tmp_path: Path):
    cur = load_pack(TINY)
    first = cur.milestones[0].id
    doc = build_progress_document(Snapshot(cur, Profile("Bo", None, 1.0),
                                           {first: ProgressEntry(first, "done", T0)},
                                           (), (), {}))
    f = write(tmp_path, "bo", doc)
    assert cli("review", str(f), "--json").json()["curriculum"] == "unknown"
    assert "unknown" in cli("review", str(f)).out
    r = cli("curriculum", "use", str(TINY))
    assert r.code == 0, r.err
    review = cli("review", str(f), "--json").json()
    assert (review["curriculum"], review["curriculum_check"]["against"]) == (
        "known", "installed")
