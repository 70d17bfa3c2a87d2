"""The command-line contract, through real subprocesses: JSON shapes, exit codes, one-line
errors, and bad input that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.curriculum.loader import load_pack
from tracker.paths import default_pack_path, resources_dir

PACK = load_pack(default_pack_path())
CORE_JUNIOR = [m.id for m in PACK.milestones if m.level == "junior" and m.core]
ANY = [m.id for m in PACK.milestones]


def assert_one_line_error(r, fragment: str = "") -> None:
    assert r.code == 2, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: "), r.err
    assert "Traceback" not in r.err
    assert fragment.lower() in lines[0].lower(), lines[0]


def test_status_json_on_a_fresh_data_folder(cli):
    r = cli("status", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert set(doc) == {"learner", "current_level", "levels"}
    assert doc["current_level"] is None
    assert [lv["id"] for lv in doc["levels"]] == ["junior", "mlops", "senior", "lead", "director"]
    assert [lv["rank"] for lv in doc["levels"]] == [1, 2, 3, 4, 5]
    for lv in doc["levels"]:
        assert set(lv) == {"id", "title", "rank", "readiness_percent", "own_percent", "ready",
                           "gaps"}
        assert lv["readiness_percent"] == 0 and lv["ready"] is False
    assert doc["levels"][0]["title"] == "Junior MLOps Engineer"
    assert doc["levels"][-1]["title"] == "Director of MLOps"


def test_milestones_json_shape(cli):
    r = cli("milestones", "--json")
    assert r.code == 0, r.err
    ms = r.json()["milestones"]
    assert len(ms) == len(PACK.milestones)
    for m in ms:
        assert set(m) == {"id", "title", "skill", "area", "level", "core", "weight", "state",
                          "review", "elective", "choice", "requires"}
        assert m["state"] == "todo" and m["review"] is None
    assert {m["level"] for m in ms} == {"junior", "mlops", "senior", "lead", "director"}


def test_tick_updates_status_and_state(cli):
    first = ANY[0]
    r = cli("tick", first, ANY[1], "--state", "learning")
    assert r.code == 0, r.err
    r = cli("tick", first)
    assert r.code == 0
    states = {m["id"]: m["state"] for m in cli("milestones", "--json").json()["milestones"]}
    assert states[first] == "done" and states[ANY[1]] == "learning"
    junior = cli("status", "--json").json()["levels"][0]
    assert 0 < junior["readiness_percent"] < 100
    assert first not in junior["gaps"]


def test_ticking_every_junior_milestone_makes_junior_current(cli):
    ids = [m.id for m in PACK.milestones if m.level == "junior"]
    assert cli("tick", *ids).code == 0
    doc = cli("status", "--json").json()
    assert doc["levels"][0]["readiness_percent"] == 100.0
    assert doc["levels"][0]["ready"] is True and doc["levels"][0]["gaps"] == []
    assert doc["current_level"] == "junior"


def test_unknown_id_among_valid_ones_changes_nothing(cli):
    r = cli("tick", ANY[0], "no.such-milestone", ANY[1])
    assert_one_line_error(r, "no.such-milestone")
    states = {m["id"]: m["state"] for m in cli("milestones", "--json").json()["milestones"]}
    assert set(states.values()) == {"todo"}


def test_bad_state_is_a_usage_error(cli):
    assert_one_line_error(cli("tick", ANY[0], "--state", "finished"), "invalid choice")


def test_profile_set_and_show(cli):
    r = cli("profile", "--name", "<b>Ada</b>", "--target-level", "senior",
            "--experience-years", "2.5")
    assert r.code == 0, r.err
    doc = cli("status", "--json").json()
    assert doc["learner"] == {"name": "<b>Ada</b>", "target_level": "senior",
                              "experience_years": 2.5, "stack": {}}


@pytest.mark.parametrize("args, fragment", [
    (("--target-level", "emperor"), "unknown level"),
    (("--name", ""), "must not be empty"),
    (("--name", "x" * 5000), "too long"),
    (("--experience-years", "lots"), "must be a number"),
    (("--experience-years", "nan"), "must be a number"),
])
def test_bad_profile_input(cli, args, fragment):
    cli("profile", "--name", "Ada")
    assert_one_line_error(cli("profile", *args), fragment)
    assert cli("profile", "--json").json()["learner"]["name"] == "Ada"


def test_cert_add_and_list(cli):
    r = cli("cert", "add", "--name", "Certified Kubernetes Administrator (CKA)", "--issuer",
            "CNCF", "--earned", "2025-03-01", "--expires", "2099-03-01", "--credential-id",
            "LF-123", "--url", "https://training.linuxfoundation.org/certification/x")
    assert r.code == 0, r.err
    certs = cli("cert", "list", "--json").json()["certifications"]
    assert len(certs) == 1
    c = certs[0]
    assert c["name"].startswith("Certified Kubernetes") and c["status"] == "valid"
    assert c["earned"] == "2025-03-01" and c["expires"] == "2099-03-01"
    cli("cert", "add", "--name", "Old", "--issuer", "X", "--earned", "2019-01-01",
        "--expires", "2020-01-01")
    statuses = {c["name"]: c["status"] for c in cli("cert", "list", "--json").json()["certifications"]}
    assert statuses["Old"] == "expired"


@pytest.mark.parametrize("extra, fragment", [
    (("--earned", "2025-02-30"), "not a real date"),
    (("--earned", "yesterday"), "YYYY-MM-DD"),
    (("--earned", "2025-05-01", "--expires", "2025-04-01"), "before the earned date"),
    (("--earned", "2025-05-01", "--url", "not a url"), "http"),
])
def test_bad_cert_input(cli, extra, fragment):
    assert_one_line_error(cli("cert", "add", "--name", "CKA", "--issuer", "CNCF", *extra),
                          fragment)
    assert cli("cert", "list", "--json").json()["certifications"] == []


def test_cert_missing_required_option(cli):
    assert_one_line_error(cli("cert", "add", "--name", "CKA"), "required")


def test_study_add(cli):
    skill = PACK.skills[0].id
    r = cli("study", "add", "--minutes", "90", "--date", "2026-11-20", "--skill", skill,
            "--note", "read docs")
    assert r.code == 0, r.err
    sessions = cli("study", "list", "--json").json()["study_sessions"]
    assert sessions == [{"id": 1, "date": "2026-11-20", "minutes": 90, "skill": skill,
                         "note": "read docs"}]


@pytest.mark.parametrize("args, fragment", [
    (("--minutes", "0"), "from 1 to 720"),
    (("--minutes", "721"), "from 1 to 720"),
    (("--minutes", "ten"), "whole number"),
    (("--minutes", "30", "--date", "2026-02-29"), "not a real date"),
    (("--minutes", "30", "--skill", "basket-weaving"), "unknown skill"),
    (("--minutes", "30", "--note", "x" * 10_001), "too long"),
])
def test_bad_study_input(cli, args, fragment):
    assert_one_line_error(cli("study", "add", *args), fragment)
    assert cli("study", "list", "--json").json()["study_sessions"] == []


def test_curriculum_show(cli):
    doc = cli("curriculum", "show", "--json").json()
    assert doc["id"] == PACK.id and doc["version"] == PACK.version
    assert doc["counts"]["milestones"] == len(PACK.milestones)
    assert doc["source"] == "default"


def test_curriculum_check_ok_and_broken(cli, tmp_path: Path):
    r = cli("curriculum", "check", str(default_pack_path()))
    assert r.code == 0 and r.out.startswith("ok: ")
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "Bad Id"\nversion = "1"\ntitle = "x"\n[[levels]]\nid = "a"\nrank = 1\n'
                   'title = "A"\nthreshold = 120\n')
    r = cli("curriculum", "check", str(bad))
    assert r.code == 2
    out = r.out.strip().splitlines()
    assert len(out) >= 3  # id, threshold, empty level: every problem, each with its place
    assert any("threshold" in line and "levels[0]" in line for line in out)
    assert r.err.strip().splitlines() == [f"error: bad.toml: {len(out)} problems"]


def test_curriculum_use_sample_pack_keeps_shared_progress(cli):
    sample = sorted((resources_dir() / "curriculum" / "examples").glob("*.toml"))[0]
    custom = load_pack(sample)
    shared = [m.id for m in custom.milestones if m.id in PACK.milestone_by_id]
    only_default = [m.id for m in PACK.milestones if m.id not in custom.milestone_by_id]
    assert shared, "the sample pack should share some milestone ids with the default"
    assert cli("tick", shared[0], only_default[0]).code == 0
    r = cli("curriculum", "use", str(sample))
    assert r.code == 0, r.err
    show = cli("curriculum", "show", "--json").json()
    assert show["id"] == custom.id and show["source"] == "custom"
    states = {m["id"]: m["state"] for m in cli("milestones", "--json").json()["milestones"]}
    assert states[shared[0]] == "done" and only_default[0] not in states
    assert cli("curriculum", "use", "--default").code == 0
    states = {m["id"]: m["state"] for m in cli("milestones", "--json").json()["milestones"]}
    assert states[shared[0]] == "done" and states[only_default[0]] == "done"


def test_curriculum_use_broken_pack_changes_nothing(cli, tmp_path: Path):
    bad = tmp_path / "broken.toml"
    bad.write_text("this is = = not toml")
    assert_one_line_error(cli("curriculum", "use", str(bad)), "broken.toml")
    assert cli("curriculum", "show", "--json").json()["id"] == PACK.id


def test_unknown_command_and_missing_file(cli):
    assert_one_line_error(cli("frobnicate"), "invalid choice")
    assert_one_line_error(cli("curriculum", "use", "/no/such/file.toml"), "cannot read")
    r = cli("curriculum", "check", "/no/such/file.toml")
    assert r.code == 2 and "cannot read" in r.out and r.err.startswith("error: file.toml")


def test_data_dir_from_environment(cli, tmp_path: Path):
    env_dir = tmp_path / "from-env"
    r = cli("tick", ANY[0], data_dir=None, env={"MLOPS_TRACKER_DATA_DIR": str(env_dir)})
    assert r.code == 0, r.err
    assert (env_dir / "tracker.sqlite3").exists()


def test_text_status_is_a_table(cli):
    r = cli("status")
    assert r.code == 0
    assert "Junior MLOps Engineer" in r.out and "[" in r.out and "%" in r.out
    assert not r.out.lstrip().startswith("{")


def test_unreadable_data_dir_is_a_clean_error(cli, tmp_path: Path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    r = cli("status", data_dir=blocker)
    assert r.code in (1, 2)
    assert r.err.startswith("error: ") and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_curriculum_use_says_when_the_target_level_is_cleared(cli, tmp_path: Path):
    tiny = (Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml").read_text()
    start = tiny.index('[[levels]]\nid = "senior"')
    tiny = tiny[:start] + tiny[tiny.index("[[levels]]", start + 5):]
    s = tiny.index('[[milestones]]\nid = "docker.scan"')
    tiny = tiny[:s] + tiny[tiny.index("[[milestones]]", s + 5):]
    pack = tmp_path / "no-senior.toml"
    pack.write_text(tiny)
    assert cli("profile", "--target-level", "senior").code == 0
    r = cli("curriculum", "use", str(pack))
    assert r.code == 0, r.err
    assert "target level was cleared" in r.out
    assert cli("profile", "--json").json()["learner"]["target_level"] is None
