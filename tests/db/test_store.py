"""The Store: one transaction per action, all-or-nothing, history appended, curriculum
sync that keeps progress, plain dataclasses out."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tracker.curriculum.loader import load_pack, parse_toml_text
from tracker.db.errors import InputError
from tracker.db.store import Store
from tracker.db.types import CertificationInput, Review

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml"


def raw(store: Store, sql: str) -> list[tuple]:
    con = sqlite3.connect(store.path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_pragmas_wal_full_foreign_keys(store: Store):
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_fresh_database_goes_through_migrations(store: Store):
    from tracker.db.engine import SCHEMA_HEAD

    assert raw(store, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]


def test_set_states_appends_history_and_returns_previous(store: Store):
    prev = store.set_states({"python.venv": "done", "python.tests": "learning"})
    assert prev == {"python.venv": "todo", "python.tests": "todo"}
    prev = store.set_states({"python.venv": "todo"})
    assert prev == {"python.venv": "done"}
    assert store.states() == {"python.venv": "todo", "python.tests": "learning"}
    events = raw(store, "SELECT milestone_id, state, previous_state FROM progress_event ORDER BY id")
    assert events == [("python.venv", "done", "todo"), ("python.tests", "learning", "todo"),
                      ("python.venv", "todo", "done")]


def test_setting_the_same_state_adds_no_event(store: Store):
    store.set_states({"python.venv": "done"})
    store.set_states({"python.venv": "done"})
    assert raw(store, "SELECT count(*) FROM progress_event") == [(1,)]


def test_unknown_id_changes_nothing(store: Store):
    store.set_states({"python.venv": "done"})
    with pytest.raises(InputError, match="unknown milestone id 'nope'"):
        store.set_states({"python.tests": "done", "nope": "done"})
    with pytest.raises(InputError, match="unknown state"):
        store.set_states({"python.tests": "finished"})
    assert store.states() == {"python.venv": "done"}
    assert raw(store, "SELECT count(*) FROM progress_event") == [(1,)]


def test_failed_transaction_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch):
    from tests.conftest import faulty_ticks

    faulty_ticks(store, monkeypatch,
                 lambda sql, args: "progress_event" in sql and "python.tests" in args[0],
                 OSError("disk full"))
    with pytest.raises(OSError):
        store.set_states({"python.venv": "done", "python.tests": "done"})
    monkeypatch.undo()
    assert store.states() == {}
    assert raw(store, "SELECT count(*) FROM progress_event") == [(0,)]
    assert store.set_states({"python.venv": "done"}) == {"python.venv": "todo"}


def test_a_failed_orm_transaction_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch):
    """The same for the ORM writer (every other kind of write)."""
    from tracker.db import models

    original = models.ProgressEventRow.__init__

    def boom(self, **kw):
        if kw.get("milestone_id") == "python.tests":
            raise OSError("disk full")
        original(self, **kw)

    monkeypatch.setattr(models.ProgressEventRow, "__init__", boom)
    with pytest.raises(OSError):
        store._w().set_states({"python.venv": "done", "python.tests": "done"}, "app")
    monkeypatch.undo()
    assert store.states() == {}
    assert raw(store, "SELECT count(*) FROM progress_event") == [(0,)]


def test_notes_profile_and_undo_values(store: Store):
    assert store.set_note("python.venv", "used uv\nand pip") == ""
    assert store.set_note("python.venv", "second") == "used uv\nand pip"
    assert store.progress()["python.venv"].note == "second"
    before, after = store.set_profile(name="Ada", target_level="senior", experience_years=2.5)
    assert before.name == "" and after.target_level == "senior"
    store.restore_profile(before)
    assert store.profile().name == ""


@pytest.mark.parametrize("kwargs, message", [
    ({"name": ""}, "name must not be empty"),
    ({"name": "x" * 201}, "too long"),
    ({"target_level": "emperor"}, "unknown level"),
    ({"experience_years": -1}, "from 0 to 70"),
])
def test_bad_profile_input_changes_nothing(store: Store, kwargs, message):
    store.set_profile(name="Ada")
    with pytest.raises(InputError, match=message):
        store.set_profile(**kwargs)
    assert store.profile().name == "Ada"


def test_certifications_crud_and_exact_restore(store: Store):
    c = store.add_certification(CertificationInput("CKA", "CNCF", "2025-01-10", "2028-01-10",
                                                   "ABC-1", "https://example.org/c/1"))
    assert c.id > 0 and c.expires == "2028-01-10"
    before = store.update_certification(c.id, CertificationInput("CKA", "CNCF", "2025-01-11"))
    assert before == c
    deleted = store.delete_certification(c.id)
    assert store.certifications() == []
    store.restore_certification(c)
    assert store.certifications() == [c]
    assert deleted.earned == "2025-01-11"


@pytest.mark.parametrize("cert, message", [
    (CertificationInput("", "CNCF", "2025-01-01"), "name must not be empty"),
    (CertificationInput("CKA", "CNCF", "2025-02-30"), "not a real date"),
    (CertificationInput("CKA", "CNCF", "01/02/2025"), "YYYY-MM-DD"),
    (CertificationInput("CKA", "CNCF", "2025-01-01", "2024-01-01"), "before the earned date"),
    (CertificationInput("CKA", "CNCF", "2025-01-01", url="ftp://x"), "http"),
])
def test_bad_certifications_are_refused(store: Store, cert, message):
    with pytest.raises(InputError, match=message):
        store.add_certification(cert)
    assert store.certifications() == []


def test_study_sessions(store: Store):
    s = store.add_study_session(45, day="2026-11-20", skill="docker", note="compose")
    assert s.minutes == 45 and s.skill == "docker"
    for bad, msg in [(0, "from 1 to 720"), (721, "from 1 to 720"), (True, "whole number")]:
        with pytest.raises(InputError, match=msg):
            store.add_study_session(bad)
    with pytest.raises(InputError, match="unknown skill"):
        store.add_study_session(10, skill="cooking")
    with pytest.raises(InputError, match="not a real date"):
        store.add_study_session(10, day="2026-13-01")
    assert store.study_minutes_by_day("2026-11-01") == {"2026-11-20": 45}
    gone = store.delete_study_session(s.id)
    store.restore_study_session(gone)
    assert store.study_sessions() == [s]


def test_reviews_newest_verdict_wins(store: Store):
    store.add_reviews([
        Review("python.venv", "needs-work", "show the lockfile", "Grace", "2026-11-01T10:00:00Z"),
        Review("python.venv", "verified", "good", "Grace", "2026-11-05T10:00:00Z"),
        Review("docker.build", "verified", "", "Linus", "2026-11-02T10:00:00Z"),
    ])
    reviews = store.reviews()
    assert reviews["python.venv"].verdict == "verified"
    assert reviews["python.venv"].comment == "good"
    assert set(reviews) == {"python.venv", "docker.build"}


def test_new_pack_version_keeps_progress_and_retires(store: Store):
    store.set_states({"python.venv": "done", "docker.scan": "done", "python.tests": "learning"})
    store.set_note("docker.scan", "trivy")
    text = TINY.read_text().replace('version = "1.0.0"', 'version = "2.0.0"')
    # remove docker.scan, add a new milestone
    start = text.index('[[milestones]]\nid = "docker.scan"')
    end = text.index("[[milestones]]", start + 5)
    text = text[:start] + text[end:] + '''
[[milestones]]
id = "python.typing"
skill = "python"
level = "senior"
title = "Add type hints and run mypy in CI"
'''
    report = store.sync_curriculum(parse_toml_text(text, "v2"))
    assert report.retired == ("docker.scan",) and report.added == ("python.typing",)
    cur = store.curriculum()
    assert cur.version == "2.0.0" and "docker.scan" not in cur.milestone_by_id
    # progress and history of the retired milestone are still in the database
    assert store.progress()["docker.scan"].note == "trivy"
    assert raw(store, "SELECT active FROM milestone WHERE id='docker.scan'") == [(0,)]
    assert store.states()["python.venv"] == "done"
    # going back reactivates it with its progress intact
    report = store.sync_curriculum(load_pack(TINY))
    assert report.reactivated == ("docker.scan",)
    assert store.states()["docker.scan"] == "done"


def test_retired_milestone_cannot_be_ticked(store: Store):
    text = TINY.read_text().replace('id = "docker.scan"', 'id = "docker.sbom"')
    store.sync_curriculum(parse_toml_text(text, "v2"))
    store.set_states({"docker.sbom": "done"})
    with pytest.raises(InputError, match="unknown milestone"):
        store.set_states({"docker.scan": "done"})


def test_pack_is_synced_only_when_its_file_changes(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    with Store.open(folder) as s:
        s.set_states({"python.venv": "done"})
        first = s.meta("pack_file_sha256")
    with Store.open(folder) as s:
        assert s.ensure_curriculum().changed is False
        assert s.meta("pack_file_sha256") == first


def test_custom_pack_use_and_back_to_default(store: Store, tmp_path: Path):
    store.set_states({"python.venv": "done", "leadership.strategy": "done"})
    custom = tmp_path / "bootcamp.toml"
    text = TINY.read_text().replace('id = "tiny"', 'id = "bootcamp"')
    start = text.index('[[milestones]]\nid = "leadership.strategy"')
    end = text.index("[[certifications]]")
    text = text[:start] + text[end:]
    text = text.replace('level = "lead"\ntitle = "Run a design review',
                        'level = "director"\ntitle = "Run a design review')
    text = text.replace('[[milestones]]\nid = "leadership.review"', '''[[milestones]]
id = "lead.mentoring"
skill = "leadership"
level = "lead"
title = "Mentor a junior engineer for a quarter"

[[milestones]]
id = "leadership.review"''')
    custom.write_text(text)
    pack, report = store.use_pack(custom)
    assert pack.id == "bootcamp" and "leadership.strategy" in report.retired
    assert store.curriculum().id == "bootcamp"
    assert store.states()["python.venv"] == "done"  # shared id kept
    # the installed copy survives the original's removal
    custom.unlink()
    store._curriculum = None
    assert store.ensure_curriculum().changed is False
    pack, report = store.use_default_pack()
    assert store.curriculum().id == "tiny"
    assert store.states()["leadership.strategy"] == "done"


def test_snapshot_is_plain_data(store: Store):
    store.set_states({"python.venv": "done"})
    snap = store.snapshot()
    assert snap.states == {"python.venv": "done"}
    assert snap.curriculum.id == "tiny"
    assert len(snap.history) == 1
    assert not any(type(v).__module__.startswith("sqlalchemy") for v in vars(snap).values())


def test_two_stores_writing_at_once_both_succeed(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    Store.open(folder).close()
    errors: list[BaseException] = []
    ids = ["python.venv", "python.tests", "docker.build", "docker.multi-stage"]

    def writer(n: int) -> None:
        try:
            with Store.open(folder) as s:
                for i in range(40):
                    s.set_states({ids[(i + n) % 4]: ["done", "todo", "learning"][i % 3]})
                    s.add_study_session(1 + i, day="2026-11-01")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(folder) as s:
        assert len(s.study_sessions()) == 120


def test_reads_match_the_pack_the_writer_synced(store: Store):
    """The sqlite3 read path and the ORM write path agree on every curriculum field."""
    assert store.curriculum() == load_pack(TINY)
    assert store.curriculum().content_hash == load_pack(TINY).content_hash


def test_data_version_sees_commits_from_another_store(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    with Store.open(folder) as gui, Store.open(folder) as cli:
        before = gui.data_version()
        cli.set_states({"python.venv": "done"})
        after = gui.data_version()
        assert after != before
        c = cli.add_certification(CertificationInput("CKA", "CNCF", "2025-01-01"))
        v1 = gui.data_version()
        cli.update_certification(c.id, CertificationInput("CKA", "CNCF", "2025-01-02"))
        assert gui.data_version() != v1  # an edit changes no count, still seen


def test_another_process_installing_a_pack_is_seen(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    text = TINY.read_text().replace('version = "1.0.0"', 'version = "1.1.0"')
    pack = tmp_path / "p.toml"
    pack.write_text(text)
    with Store.open(folder) as gui, Store.open(folder) as cli:
        assert gui.curriculum().version == "1.0.0"
        cli.use_pack(pack)
        assert gui.curriculum().version == "1.1.0"


def test_opening_a_current_database_does_not_import_sqlalchemy(tmp_path: Path):
    import subprocess
    import sys

    folder = tmp_path / "d"
    Store.open(folder).close()
    code = ("import sys; from tracker.db.store import Store; s = Store.open(sys.argv[1]); "
            "s.curriculum(); s.states(); s.snapshot(); s.close(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))")
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_an_import_of_reviews_can_be_removed_exactly(store: Store):
    store.add_reviews([Review("python.venv", "needs-work", "older", "Grace",
                              "2026-10-01T10:00:00Z")])
    ids = store.import_reviews([Review("python.venv", "verified", "newer", "Grace",
                                       "2026-11-01T10:00:00Z")])
    assert store.reviews()["python.venv"].comment == "newer"
    store.remove_reviews(ids)
    assert store.reviews()["python.venv"].comment == "older"
    assert store.import_reviews([]) == []


def test_undo_of_a_delete_never_overwrites_a_row_that_took_the_freed_id(tmp_path: Path,
                                                                        tiny_default):
    """SQLite reuses the highest freed rowid: a CLI add after a GUI delete gets the deleted
    row's id. Restoring the deleted row must then take a new id, not overwrite."""
    folder = tmp_path / "d"
    with Store.open(folder) as gui, Store.open(folder) as cli:
        old = gui.add_certification(CertificationInput("Old cert", "X", "2024-01-01"))
        gui.delete_certification(old.id)
        theirs = cli.add_certification(CertificationInput("CKA", "CNCF", "2025-01-01"))
        assert theirs.id == old.id  # the id really was reused
        back = gui.restore_certification(old)
        assert back.id != theirs.id and back.name == "Old cert"
        assert sorted(c.name for c in gui.certifications()) == ["CKA", "Old cert"]

        s1 = gui.add_study_session(30, day="2026-01-01")
        gui.delete_study_session(s1.id)
        s2 = cli.add_study_session(45, day="2026-01-02")
        assert s2.id == s1.id
        again = gui.restore_study_session(s1)
        assert again.id != s2.id
        assert sorted(s.minutes for s in gui.study_sessions()) == [30, 45]

        e1 = gui.add_evidence("python.venv", "https://a.example")
        gui.remove_evidence(e1.id)
        e2 = cli.add_evidence("python.venv", "https://b.example")
        assert gui.restore_evidence(e1).id != e2.id
        assert sorted(e.text for e in gui.evidence()) == ["https://a.example",
                                                         "https://b.example"]


def test_undo_of_an_edit_restores_the_same_row(store: Store):
    c = store.add_certification(CertificationInput("CKA", "CNCF", "2025-01-01"))
    before = store.update_certification(c.id, CertificationInput("CKAD", "CNCF", "2025-01-01"))
    assert store.restore_certification(before).id == c.id
    assert [x.name for x in store.certifications()] == ["CKA"]


def test_restore_keeps_the_progress_of_retired_milestones(store: Store, tmp_path: Path):
    """Restoring one's own export made while a custom pack was active must not wipe the
    progress, notes or evidence of milestones that pack retired."""
    store.set_states({"docker.scan": "done", "python.venv": "done"})
    store.set_note("docker.scan", "trivy in CI")
    store.add_evidence("docker.scan", "https://ci.example/scan")
    text = TINY.read_text().replace('id = "docker.scan"', 'id = "docker.sbom"')
    store.sync_curriculum(parse_toml_text(text, "custom"))  # docker.scan is now retired
    snap = store.snapshot(with_history=False)
    store.set_states({"python.venv": "todo"})
    store.replace_all(snap)
    assert store.states()["python.venv"] == "done"
    assert store.states()["docker.scan"] == "done"
    assert store.progress()["docker.scan"].note == "trivy in CI"
    assert [e.text for e in store.evidence("docker.scan")] == ["https://ci.example/scan"]
    store.sync_curriculum(load_pack(TINY))  # back: the retired milestone is whole again
    assert store.states()["docker.scan"] == "done"


def test_restore_keeps_the_order_of_same_day_study_sessions(store: Store):
    for minutes in (10, 20, 30):
        store.add_study_session(minutes, day="2026-03-01")
    snap = store.snapshot(with_history=False)
    before = [s.minutes for s in store.study_sessions()]
    store.replace_all(snap)
    assert [s.minutes for s in store.study_sessions()] == before == [30, 20, 10]


def test_going_back_to_the_default_pack_never_overwrites_an_earlier_custom_one(
        store: Store, tmp_path: Path):
    from tracker import paths

    for version in ("1.1.0", "1.2.0"):
        pack = tmp_path / f"p{version}.toml"
        pack.write_text(TINY.read_text().replace('version = "1.0.0"', f'version = "{version}"'))
        store.use_pack(pack)
        store.use_default_pack()
    kept = sorted(paths.installed_pack_path(store.folder).parent.glob("previous-custom-*.toml"))
    assert len(kept) == 2
    assert {('1.1.0' in p.read_text()) for p in kept} == {True, False}
