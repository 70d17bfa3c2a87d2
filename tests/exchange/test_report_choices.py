"""Reports and a mentor's `review` show a choice as one requirement with its options (or
the option the learner's stack names) and mark electives, as the app does (issue 11)."""

from __future__ import annotations

import pytest

from tracker.db.store import Store
from tracker.exchange.progress import export_progress, read_progress_file
from tracker.reports.data import report_data
from tracker.reports.html import render_html


@pytest.fixture(scope="module")
def reading(tmp_path_factory):
    """A batch-scoring learner aiming at Junior on the shipped pack, with the basics done."""
    folder = tmp_path_factory.mktemp("choices")
    with Store.open(folder / "d") as store:
        store.set_profile(name="Ann", target_level="junior", stack={"serving": "batch"})
        store.set_states({"python.venv": "done", "docker.containerize-model": "done"})
        path = folder / "ann.mlops-progress.json"
        export_progress(store, path)
    return read_progress_file(path)


def test_a_choice_gap_is_one_row_naming_its_options_and_the_stacks_pick(reading):
    data = report_data(reading)
    alert = next(g for g in data.gaps if g["id"] == "serving.first-alert")
    assert alert["options"] and len(alert["options"]) == 2
    # the learner's stack says batch: the gap names the batch option
    assert alert["title"].endswith(reading.curriculum.milestone_by_id[
        "alerting.batch-job-alert"].title)
    # its options are not listed again as gaps of their own
    assert not {"alerting.batch-job-alert", "alerting.latency-error-alert"} & {
        g["id"] for g in data.gaps}
    text = render_html(data)
    assert "one of 2: " in text and "A choice is one requirement" in text


def test_electives_are_marked_and_come_last(tmp_path):
    with Store.open(tmp_path / "d") as store:
        store.set_profile(name="Bo", target_level="junior")
        cur = store.curriculum()
        junior = [m.id for m in cur.milestones if m.level == "junior" and not m.elective]
        store.set_states({m: "done" for m in junior[3:]})
        export_progress(store, tmp_path / "bo.mlops-progress.json")
    data = report_data(read_progress_file(tmp_path / "bo.mlops-progress.json"))
    flags = [g["elective"] for g in data.gaps]
    assert True in flags and False in flags
    assert flags == sorted(flags)  # required first, electives last
    text = render_html(data)
    assert text.count('<span class="note">elective</span>') == flags.count(True)


def test_the_review_text_lists_next_steps_with_choices_and_tags(reading):
    from tracker.commands.exchange import _gap_lines

    lines = _gap_lines(reading)
    assert lines[0].startswith("\nNext for Junior MLOps Engineer (first 10 of ")
    assert all("[" in ln for ln in lines[1:] if ln.startswith("  - "))
    framework = [ln for ln in lines if "(one of 2)" in ln and "One of 2" in ln]
    assert framework, lines  # no stack for the framework: "one of 2", options listed below
    assert any(ln.startswith("      any one of: ") for ln in lines)


def test_the_cohort_table_says_how_choices_and_electives_count(tmp_path, cli):
    with Store.open(tmp_path / "d") as store:
        store.set_profile(name="Cy")
        store.set_states({"gcp.vertex-training": "done"})
        (tmp_path / "cohort").mkdir()
        export_progress(store, tmp_path / "cohort" / "cy.mlops-progress.json")
    r = cli("cohort", str(tmp_path / "cohort"))
    assert r.code == 0, r.err
    assert '(percents count each "one of" choice (e.g. the cloud) once' in r.out
    assert "leave electives out" in r.out
