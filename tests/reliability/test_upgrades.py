"""Upgrades lose nothing: a populated database of each released schema (tests/db/fixtures/,
built by make_fixture.py) is opened by this version through ``Store.open`` and every row
is checked. tests/db/test_migrations.py fails when a released schema has no fixture or no
test here named ``upgrade_from_<rev>``.

For a new migration: keep these tests, add ``make_<rev>`` to make_fixture.py once the schema
is released, and if the migration reshapes a table on purpose, map the old columns to the
new ones in ``expected_rows`` rather than loosening the comparison.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tracker import paths
from tracker.curriculum.loader import load_pack
from tracker.db import backup
from tracker.db import engine as dbengine
from tracker.db.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "db" / "fixtures"
# What the user put in; an upgrade must keep every row and every value of these.
USER_TABLES = ("progress", "progress_event", "evidence", "certification", "study_session",
               "review", "profile")
# The curriculum: a sync may update or retire rows, never delete them.
CURRICULUM_TABLES = ("level", "area", "skill", "milestone", "catalog_certification")


def dump(path: Path) -> dict[str, list[dict]]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}" ORDER BY 1')]
                for t in tables}
    finally:
        con.close()


def expected_rows(table: str, before: list[dict], after: list[dict]) -> tuple[list, list]:
    """Old rows, and the new rows cut down to the old columns (new columns may be added)."""
    if not before:
        return before, after
    cols = list(before[0])
    return before, [{c: r.get(c) for c in cols} for r in after]


def upgrade(tmp_path: Path, rev: str) -> tuple[dict, dict, Path]:
    src = FIXTURES / f"{rev}.sqlite3"
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(src, folder / "tracker.sqlite3")
    before = dump(folder / "tracker.sqlite3")
    with Store.open(folder):
        pass
    after = dump(folder / "tracker.sqlite3")
    return before, after, folder


def check_nothing_lost(before: dict, after: dict, folder: Path, rev: str) -> None:
    # A milestone that `replaces` older ones receives copies of their progress, evidence
    # and verdicts (pack format 2): those rows are added; every old row stays as it was.
    heirs = {r["id"] for r in after["milestone"] if r.get("replaces", "[]") != "[]"}
    for table in USER_TABLES:
        old, new = expected_rows(table, before[table], after[table])
        added = [r for r in new if r not in old]
        assert all(r.get("milestone_id") in heirs for r in added), \
            f"{table}: rows added by the upgrade for no replaced milestone"
        kept = [r for r in new if r in old]
        assert len(kept) == len(old), table
        assert kept == old, f"{table}: rows changed by the upgrade"
    for table in CURRICULUM_TABLES:
        old_ids = {r["id"] for r in before[table]}
        new_ids = {r["id"] for r in after[table]}
        assert old_ids <= new_ids, f"{table}: rows deleted: {sorted(old_ids - new_ids)[:5]}"
    old_meta = {r["key"] for r in before["meta"]}
    assert old_meta <= {r["key"] for r in after["meta"]}
    assert after["alembic_version"] == [{"version_num": dbengine.SCHEMA_HEAD}]
    con = sqlite3.connect(folder / "tracker.sqlite3")
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    saved = [b for b in backup.list_backups(folder) if b.reason == "before-migration"]
    if rev != dbengine.SCHEMA_HEAD:
        assert len(saved) == 1 and dump(saved[0].path) == before
    else:
        assert saved == []


def test_upgrade_from_0001_initial_keeps_every_row(tmp_path: Path):
    before, after, folder = upgrade(tmp_path, "0001_initial")
    # the fixture is what it says it is
    counts = {t: len(before[t]) for t in USER_TABLES}
    assert counts == {"progress": 161, "progress_event": 473, "evidence": 70,
                      "certification": 15, "study_session": 300, "review": 90, "profile": 1}
    check_nothing_lost(before, after, folder, "0001_initial")
    # the old pack's hash differs from today's: the sync ran, and retired (kept) the legacy
    # milestone that has progress
    legacy = next(r for r in after["milestone"] if r["id"] == "legacy.hadoop-cluster")
    assert legacy["active"] == 0
    # and the Store reads it all back as the user left it (a sample of values)
    # milestones the pack merged (`replaces`) give copies of their progress to the
    # milestone replacing them: one progress row, one event ("replaces") and the evidence
    # each; everything else is exactly as the user left it
    carried = ({r["milestone_id"] for r in after["progress"]}
               - {r["milestone_id"] for r in before["progress"]})
    assert carried == {"platform-strategy.component-evaluation",
                       "strategic-planning.team-targets", "org-change.cross-team-delivery"}
    carry_events = [r for r in after["progress_event"] if r["source"] == "replaces"]
    assert sorted(r["milestone_id"] for r in carry_events) == sorted(carried)
    carried_evidence = len(after["evidence"]) - len(before["evidence"])
    with Store.open(folder) as s:
        snap = s.snapshot()
        assert len(snap.history) == 473 + len(carry_events)
        assert len(snap.progress) == 161 + len(carried)
        assert snap.progress["legacy.hadoop-cluster"].state in ("done", "learning", "todo")
        assert snap.profile.name == "Zoë O'Brien-Łukasiewicz"
        assert snap.profile.target_level == "senior"
        assert snap.profile.experience_years == 3.5
        notes = {e.note for e in snap.progress.values()}
        assert "Готово — 完成 — ✅ with emoji 🚀" in notes
        assert any("\n\ttabbed" in n for n in notes)
        certs = {c.name: c for c in snap.certifications}
        assert certs["Internal MLOps Guild — Level 2"].issuer == "ACME Corp"
        assert sum(1 for c in snap.certifications if c.raw) == 3
        assert len(snap.study_sessions) == 300
        assert sum(st.minutes for st in snap.study_sessions) == sum(
            r["minutes"] for r in before["study_session"])
        assert sum(len(v) for v in snap.evidence.values()) == 70 + carried_evidence
        assert set(s.reviews()) <= {r["milestone_id"] for r in before["review"]} | carried
        last = before["progress_event"][-1]
        h = [h for h in snap.history if h.milestone not in carried][-1]
        assert (h.milestone, h.state, h.previous) == (last["milestone_id"], last["state"],
                                                     last["previous_state"])


def test_upgrade_to_0002_pack_format_2_fills_the_new_columns(tmp_path: Path):
    """0001_initial -> 0002_pack_format_2 on the populated 0.1.0 database: only adds (new
    columns with defaults, the choice table), then the sync fills them from the pack."""
    before, after, folder = upgrade(tmp_path, "0001_initial")
    check_nothing_lost(before, after, folder, "0001_initial")
    assert [r["stack"] for r in after["profile"]] == ["{}"]
    assert "choice" in after and "choice" not in before
    assert all(r["status"] in ("active", "retired") for r in after["catalog_certification"])
    assert {r["elective"] for r in after["milestone"]} <= {0, 1}
    with Store.open(folder) as s:
        cur = s.curriculum()
        shipped = load_pack(paths.default_pack_path())
        assert cur.to_dict() == shipped.to_dict()
        # every tick of the 0.1.0 database is still there (carried ones added)
        states = s.states()
        for row in before["progress"]:
            assert states[row["milestone_id"]] == row["state"]
        # ticks on milestones the pack merged are carried to the milestone replacing them
        # (the furthest state wins), and the merged ones are retired, not deleted
        assert states["platform-strategy.component-evaluation"] == "done"
        assert states["strategic-planning.team-targets"] == "done"
        assert states["org-change.cross-team-delivery"] == "learning"
        retired = {mid for mid, _ in s.retired_milestones()}
        assert {"workflow-orchestration.platform-choice", "mlops-maturity.improvement-plan",
                "agile-delivery.cross-team-ceremonies"} <= retired


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.sqlite3")))
def test_every_fixture_upgrades_without_loss(tmp_path: Path, fixture: str):
    """The generic check, so a new fixture is covered even before its own test exists."""
    before, after, folder = upgrade(tmp_path, fixture)
    check_nothing_lost(before, after, folder, fixture)


def test_upgrade_fixtures_are_small():
    for p in FIXTURES.glob("*.sqlite3"):
        assert p.stat().st_size < 512 * 1024, p.name
