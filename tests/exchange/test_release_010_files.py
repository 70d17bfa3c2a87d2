"""Files written by release 0.1.0 (progress format_version 1 with a format-1 pack, and a
mentor's review of it; made with that release from the 0001_initial fixture database)
are still read, restored and imported with nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

from tracker import readiness as rd
from tracker.exchange.progress import read_progress_file

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1.0"
PROGRESS = HERE / "release-0.1.0.mlops-progress.json"
REVIEW = HERE / "release-0.1.0.mlops-review.json"


def test_a_0_1_0_progress_file_reads_with_readiness_v2():
    reading = read_progress_file(PROGRESS)
    assert reading.document.format_version == 1 and reading.integrity == "ok"
    assert reading.curriculum.format == 1 and not reading.curriculum.choices
    assert len(reading.document.progress) == 161
    # recomputed by today's rules (own-level depth applies to format-1 packs too)
    assert [r.percent for r in reading.results] == \
        [r.percent for r in rd.readiness(reading.curriculum, reading.states)]


def test_restore_and_review_import_keep_every_tick_and_verdict(cli):
    doc = json.loads(PROGRESS.read_text(encoding="utf-8"))
    r = cli("restore", str(PROGRESS), "--yes")
    assert r.code == 0, r.err
    rows = {m["id"]: m for m in cli("milestones", "--json").json()["milestones"]}
    for p in doc["progress"]:
        if p["milestone"] in rows:
            assert rows[p["milestone"]]["state"] == p["state"], p["milestone"]
    # milestones that pack 2.1 merged: their ticks land on the milestone that replaces them
    # (the furthest state of the merged ones); this fresh folder never knew the old ids
    assert rows["platform-strategy.component-evaluation"]["state"] == "done"  # done + learning
    assert rows["strategic-planning.team-targets"]["state"] == "done"  # learning + done
    assert rows["org-change.cross-team-delivery"]["state"] == "learning"
    assert "workflow-orchestration.platform-choice" not in rows
    r = cli("import-review", str(REVIEW), "--any-export")  # exported elsewhere
    assert r.code == 0, r.err
    rows = {m["id"]: m for m in cli("milestones", "--json").json()["milestones"]}
    review = json.loads(REVIEW.read_text(encoding="utf-8"))
    for v in review["verdicts"]:
        assert rows[v["milestone"]]["review"]["verdict"] == v["verdict"]
    # the shipped pack is format 2 now: the AWS milestone is an option of the cloud choice
    assert rows["aws.s3-iam-basics"]["choice"] == "cloud.data-access"
    status = cli("status", "--json").json()
    assert all("own_percent" in lv for lv in status["levels"])


def test_review_of_a_0_1_0_file_prints_readiness_v2(cli):
    r = cli("review", str(PROGRESS), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["integrity"] == "ok"
    assert [lv["id"] for lv in doc["levels"]] == ["junior", "mlops", "senior", "lead",
                                                   "director"]
