"""The curriculum loader: the shipped pack is valid and rich; every kind of error is
reported with its place, all at once, and nothing half-loads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tracker.curriculum.loader import CurriculumError, load_pack, parse_toml_text
from tracker.paths import default_pack_path, resources_dir

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml"


def problems(text: str) -> list[str]:
    with pytest.raises(CurriculumError) as info:
        parse_toml_text(textwrap.dedent(text), "bad.toml")
    return [str(p) for p in info.value.problems]


def tiny_with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = TINY.read_text()
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1], 1)
    return text + "\n" + textwrap.dedent(extra)


def test_tiny_pack_loads_in_rank_order():
    cur = load_pack(TINY)
    assert [lv.id for lv in cur.levels] == ["junior", "mlops", "senior", "lead", "director"]
    assert cur.milestone_by_id["docker.multi-stage"].weight == 2
    assert cur.milestone_by_id["python.venv"].core is True
    assert cur.area_of(cur.milestone_by_id["docker.build"]) == "ops"
    assert len(cur.content_hash) == 64


def test_shipped_pack_is_valid_and_covers_the_role():
    cur = load_pack(default_pack_path())
    assert [lv.id for lv in cur.levels] == ["junior", "mlops", "senior", "lead", "director"]
    assert [lv.rank for lv in cur.levels] == [1, 2, 3, 4, 5]
    assert len(cur.areas) >= 12
    assert len(cur.skills) >= 50
    assert len(cur.milestones) >= 150
    for lv in cur.levels:
        own = [m for m in cur.milestones if m.level == lv.id]
        assert len(own) >= 15, lv.id
        assert any(m.core for m in own), lv.id
        assert lv.focus and lv.experience
    assert len(cur.certifications) >= 12
    text = " ".join([m.title + " " + m.description for m in cur.milestones]
                    + [s.title + " " + s.description for s in cur.skills]).lower()
    for topic in ["docker", "kubernetes", "aws", "azure", "google cloud", "sql", "drift",
                  "canary", "a/b", "explainab", "retrain", "peft", "encrypt", "cost",
                  "maturity", "automl", "federated", "kubeflow", "continual", "ethic",
                  "naming", "document", "agile", "stakeholder", "hyperparameter", "alert",
                  "version", "shell"]:
        assert topic in text, topic
    # every skill has at least one milestone; titles are statements, not topic names
    skills_used = {m.skill for m in cur.milestones}
    assert skills_used == {s.id for s in cur.skills}
    assert all(len(m.title.split()) >= 4 for m in cur.milestones)


def test_sample_custom_pack_is_valid():
    packs = sorted((resources_dir() / "curriculum" / "examples").glob("*.toml"))
    assert packs
    for p in packs:
        cur = load_pack(p)
        assert cur.id != "mlops"


def test_toml_syntax_error_has_a_line():
    errs = problems('id = "x"\nversion = \n')
    assert len(errs) == 1 and "not valid TOML" in errs[0] and "line 2" in errs[0]


def test_duplicate_ids_are_reported_with_both_places():
    errs = problems(tiny_with("""
        [[milestones]]
        id = "python.venv"
        skill = "python"
        level = "junior"
        title = "Again the same id"
    """))
    assert any("duplicate milestone id 'python.venv'" in e and "first at" in e for e in errs)
    assert any(e.startswith("line ") for e in errs)


def test_malformed_ids():
    errs = problems(tiny_with(replace=('id = "python.tests"', 'id = "Python Tests!"')))
    assert any("is not a valid milestone id" in e for e in errs)
    errs = problems(tiny_with(replace=('id = "ops"', 'id = "ops area"')))
    assert any("not a valid area id" in e for e in errs)


def test_unknown_area_skill_and_level():
    text = tiny_with(replace=('area = "ops"', 'area = "nowhere"'))
    text = text.replace('skill = "leadership"\nlevel = "lead"', 'skill = "ghost"\nlevel = "lead"')
    text = text.replace('level = "director"\ntitle = "Write', 'level = "emperor"\ntitle = "Write')
    errs = problems(text)
    assert any("unknown area 'nowhere'" in e for e in errs)
    assert any("unknown skill 'ghost'" in e for e in errs)
    assert any("unknown level 'emperor'" in e for e in errs)


def test_empty_level_and_bad_threshold_and_weight_all_at_once():
    text = tiny_with(replace=('level = "director"\ntitle = "Write', 'level = "lead"\ntitle = "Write'))
    text = text.replace("threshold = 50", "threshold = 150")
    text = text.replace("weight = 3", "weight = 0")
    errs = problems(text)
    assert any("'director'" in e and "no milestones of its own" in e for e in errs)
    assert any("threshold must be a percent from 0 to 100" in e for e in errs)
    assert any("weight must be a whole number" in e for e in errs)
    assert len(errs) >= 3


def test_bad_types_unknown_keys_and_missing_keys():
    text = tiny_with(replace=('core = true\nweight = 2', 'core = "yes"\nweight = 2\ncolour = "red"'))
    text = text.replace('title = "Build an image for a model service"\n', "")
    errs = problems(text)
    assert any("core must be true or false" in e for e in errs)
    assert any("unknown key 'colour'" in e for e in errs)
    assert any("missing required key 'title'" in e for e in errs)


def test_duplicate_rank_and_negative_weight():
    text = tiny_with(replace=("rank = 2", "rank = 1"))
    text = text.replace("weight = 4", "weight = -4")
    errs = problems(text)
    assert any("rank 1 is already used" in e for e in errs)
    assert any("got -4" in e for e in errs)


def test_requires_cycles_and_unknown_requires():
    text = tiny_with(replace=('title = "Create a virtual environment"',
                              'title = "Create a virtual environment"\nrequires = ["docker.build"]'))
    text = text.replace('title = "Scan images for vulnerabilities in CI"',
                        'title = "Scan images for vulnerabilities in CI"\nrequires = ["nope.nope"]')
    errs = problems(text)
    assert any("cycle" in e and "python.venv" in e and "docker.build" in e for e in errs)
    assert any("requires unknown milestone 'nope.nope'" in e for e in errs)


def test_certification_errors():
    errs = problems(tiny_with("""
        [[certifications]]
        id = "bad-cert"
        name = ""
        issuer = "Someone"
        skills = ["unknown-skill"]
        level = "wizard"
        url = "javascript:alert(1)"
    """))
    assert any("name must not be empty" in e for e in errs)
    assert any("unknown skill 'unknown-skill'" in e for e in errs)
    assert any("unknown level 'wizard'" in e for e in errs)
    assert any("url must be an http(s) address" in e for e in errs)


def test_missing_file_folder_and_binary(tmp_path: Path):
    with pytest.raises(CurriculumError, match="cannot read"):
        load_pack(tmp_path / "nope.toml")
    with pytest.raises(CurriculumError, match="folder"):
        load_pack(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(CurriculumError, match="UTF-8"):
        load_pack(binary)


def test_first_line_summarises():
    with pytest.raises(CurriculumError) as info:
        parse_toml_text(tiny_with(replace=("threshold = 50", "threshold = -1")).replace(
            "weight = 3", "weight = 1000"), "x.toml")
    assert info.value.first_line.startswith("x.toml: ")
    assert "(and 1 more)" in info.value.first_line


# ---------------------------------------------------------------- hostile shapes (issue 10)
def test_a_list_or_table_where_an_id_belongs_is_a_problem_with_its_place():
    """Review §6: `level = ["junior"]` or `area = {x = 1}` raised TypeError (unhashable)."""
    text = tiny_with(replace=('area = "ops"', 'area = {x = 1}'))
    text = text.replace('level = "junior"', 'level = ["junior"]', 1)
    text = text.replace('skill = "docker"', 'skill = 7', 1)
    text = text.replace('id = "leadership"', 'id = ["leadership"]', 1)
    text += textwrap.dedent("""
        [[certifications]]
        id = "odd-cert"
        name = "Odd"
        issuer = "Someone"
        skills = [{a = 1}]
        level = {rank = 1}
    """)
    errs = problems(text)
    assert any("area must be an area id" in e and "table" in e and e.startswith("line ")
               for e in errs)
    assert any("level must be a level id" in e and "list" in e and "milestones[0]" in e
               for e in errs)
    assert any("skill must be a skill id" in e and "number" in e for e in errs)
    assert any("not a valid skill id" in e for e in errs)
    assert any("certifications[" in e and "level must be a level id" in e for e in errs)
    assert any("certifications[" in e and "skills must be a list of skill ids" in e
               for e in errs)


def test_numbers_too_large_for_a_float_or_for_python_are_problems():
    errs = problems(tiny_with(replace=("threshold = 50", "threshold = " + "9" * 400)))
    assert any("threshold must be a percent" in e for e in errs)
    errs = problems(tiny_with(replace=("weight = 3", "weight = " + "9" * 5000)))
    assert len(errs) == 1 and "not valid TOML" in errs[0]


@pytest.mark.parametrize("nested", ["[" * 500 + "]" * 500, "{a=" * 5000 + "1" + "}" * 5000])
def test_values_nested_too_deeply_for_the_toml_parser_are_a_problem(nested):
    """tomllib recurses per level: a few hundred levels raised RecursionError (exit 1)."""
    errs = problems(tiny_with(replace=("threshold = 50", "threshold = " + nested)))
    assert errs == ["not valid TOML: nested too deeply"]


def test_values_too_large_to_show_are_still_reported():
    import tomllib

    from tracker.curriculum.loader import parse_pack

    data = tomllib.loads(TINY.read_text())
    data["levels"][0]["id"] = 10 ** 5000
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    data["levels"][1]["rank"] = nested
    with pytest.raises(CurriculumError) as info:
        parse_pack(data, "odd")
    text = [str(p) for p in info.value.problems]
    assert sum("too large to show" in t for t in text) == 2


def test_keys_of_any_type_are_reported_not_sorted_into_a_crash():
    import tomllib

    from tracker.curriculum.loader import parse_pack

    data = tomllib.loads(TINY.read_text())
    data["levels"][0][1] = "x"
    data["levels"][0][None] = "y"
    with pytest.raises(CurriculumError) as info:
        parse_pack(data, "odd")
    assert sum("unknown key" in str(p) for p in info.value.problems) == 2


def _chain_cycle_pack(n: int, back_to_first: bool = True) -> dict:
    """Milestone i requires i+1 (and, with ``back_to_first``, milestone 0): n back edges
    along one depth-first path (the review's cycle bomb)."""
    ms = []
    for i in range(n):
        req = [f"m.n{(i + 1) % n}"]
        if back_to_first and i:
            req.append("m.n0")
        ms.append({"id": f"m.n{i}", "skill": "s", "level": "junior", "title": f"T{i}",
                   "requires": req})
    return {"id": "bomb", "version": "1", "title": "Bomb",
            "levels": [{"id": "junior", "rank": 1, "title": "J"}],
            "areas": [{"id": "a", "title": "A"}],
            "skills": [{"id": "s", "area": "a", "title": "S"}], "milestones": ms}


def test_a_tangle_of_cycles_is_one_bounded_problem():
    """Review §3: one problem per strongly connected component, not a path copy per back
    edge; the message stays short however long the cycle is."""
    from tracker.curriculum.loader import parse_pack

    with pytest.raises(CurriculumError) as info:
        parse_pack(_chain_cycle_pack(3000), "bomb")
    cycles = [p for p in info.value.problems if "cycle" in p.message]
    assert len(cycles) == 1
    assert len(str(cycles[0])) < 1000
    assert "m.n0" in cycles[0].message and "3000 milestones" in cycles[0].message
    assert len(str(info.value)) < 2000


def test_a_short_cycle_is_shown_whole_and_cycles_are_listed_up_to_a_cap():
    from tracker.curriculum.loader import MAX_CYCLES_LISTED, parse_pack

    data = _chain_cycle_pack(2, back_to_first=False)
    with pytest.raises(CurriculumError) as info:
        parse_pack(data, "two")
    assert [p.message for p in info.value.problems] == [
        "requires form a cycle: m.n0 -> m.n1 -> m.n0"]
    many = MAX_CYCLES_LISTED + 7
    data["milestones"] = [
        {"id": f"m.p{i}-{j}", "skill": "s", "level": "junior", "title": "T",
         "requires": [f"m.p{i}-{1 - j}"]} for i in range(many) for j in (0, 1)]
    with pytest.raises(CurriculumError) as info:
        parse_pack(data, "pairs")
    msgs = [p.message for p in info.value.problems]
    assert sum(m.startswith("requires form a cycle") for m in msgs) == MAX_CYCLES_LISTED
    assert any("7 more cycles" in m for m in msgs)


def test_a_cycle_as_long_as_the_pack_needs_no_recursion():
    import sys

    from tracker.curriculum.loader import parse_pack

    n = sys.getrecursionlimit() * 5
    with pytest.raises(CurriculumError) as info:
        parse_pack(_chain_cycle_pack(n, back_to_first=False), "ring")
    assert [p.message for p in info.value.problems if "cycle" in p.message][0].endswith(
        "-> m.n0")


def test_the_full_message_is_built_only_when_asked_for():
    from tracker.curriculum.loader import Problem

    problems_ = [Problem(f"p{i}", "x" * 100) for i in range(50_000)]
    exc = CurriculumError("big", problems_)
    assert sum(len(str(a)) for a in exc.args) < 200
    assert exc.first_line == "big: p0: " + "x" * 100 + " (and 49999 more)"
    assert str(exc).count("\n") == 50_000
