"""The CLI contract for pack format 2: milestones --json gains elective/choice/requires,
status gains own_percent, profile --stack, and a held retired certification says so."""

from __future__ import annotations

from tracker import paths
from tracker import readiness as rd
from tracker.curriculum.loader import load_pack

PACK = load_pack(paths.default_pack_path())


def test_milestones_json_names_choices_electives_and_prerequisites(cli):
    rows = {m["id"]: m for m in cli("milestones", "--json").json()["milestones"]}
    aws = rows["aws.sagemaker-endpoint"]
    assert aws["choice"] == "cloud.managed-deployment"
    ch = PACK.choice_by_id["cloud.managed-deployment"]
    assert (aws["core"], aws["weight"]) == (ch.core, ch.weight)  # the choice's
    assert rows["peft.lora-finetune"]["elective"] is True
    assert rows["peft.lora-finetune"]["choice"] is None
    assert rows["continuous-delivery.deploy-pipeline"]["requires"] == list(
        PACK.milestone_by_id["continuous-delivery.deploy-pipeline"].requires)


def test_an_azure_engineer_is_an_mlops_engineer_on_the_command_line(cli):
    done = set()
    for u in rd.units(PACK):
        if u.elective or PACK.rank(u.level) > 2:
            continue
        if u.options:
            azure = [o for o in u.options if o.startswith("azure.")]
            neutral = [o for o in u.options if not o.startswith(("aws.", "gcp."))]
            done.add((azure or neutral)[0])
        else:
            done.add(u.id)
    assert cli("tick", *sorted(done)).code == 0
    doc = cli("status", "--json").json()
    assert doc["current_level"] == "mlops"
    mlops = doc["levels"][1]
    assert mlops["readiness_percent"] == 100 and mlops["own_percent"] == 100


def test_profile_stack_is_checked_kept_and_names_the_option_in_gaps(cli):
    r = cli("profile", "--stack", "cloud=gcp", "--stack", "serving=batch", "--json")
    assert r.code == 0, r.err
    assert r.json()["learner"]["stack"] == {"cloud": "gcp", "serving": "batch"}
    r = cli("profile", "--stack", "cloud=oracle")
    assert r.code == 2 and "is not an option of 'cloud'" in r.err
    assert "\n" not in r.err.strip()
    r = cli("profile", "--stack", "nonsense")
    assert r.code == 2 and "CHOICE=OPTION" in r.err
    r = cli("profile", "--stack", "cloud=")
    assert r.code == 0 and "stack: serving=batch" in r.out


def test_a_held_retired_certification_is_kept_and_marked(cli):
    r = cli("cert", "add", "--name", "AWS Certified Machine Learning - Specialty",
            "--issuer", "Amazon Web Services", "--earned", "2024-05-01")
    assert r.code == 0, r.err
    certs = cli("cert", "list", "--json").json()["certifications"]
    assert len(certs) == 1 and certs[0]["retired_on"] == "2026-03-31"
    assert "(retired by the issuer on 2026-03-31)" in cli("cert", "list").out
