"""Pack format 2 in the GUI (shipped pack): a choice's options and electives are marked in
the skills tree, the detail pane names the choice and the prerequisites, and the learner's
stack is set in the profile dialog. All text plain."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import shown
from tracker.ui.models.skill_tree import LEVEL_COL, SkillTreeModel
from tracker.ui.pages.skills import SkillsPage


@pytest.fixture
def page(ctx, qtbot):
    p = SkillsPage(ctx)
    shown(qtbot, ctx, p, (1200, 800))
    yield p


def level_text(model: SkillTreeModel, mid: str) -> str:
    node = model.node_for(mid) if hasattr(model, "node_for") else None
    if node is None:
        node = model._milestones[mid]  # noqa: SLF001
    return model._display(node, LEVEL_COL)  # noqa: SLF001


def test_options_and_electives_are_marked_in_the_tree(page):
    model = page.model
    assert "one of 3" in level_text(model, "aws.s3-iam-basics")
    assert "core" in level_text(model, "aws.s3-iam-basics")  # the choice is core
    assert "elective" in level_text(model, "peft.lora-finetune")
    assert "core" not in level_text(model, "peft.lora-finetune")


def test_the_detail_pane_names_the_choice_and_the_prerequisites(page, store):
    page.open_item("azure.workspace-setup")
    text = page.detail_links.text()
    assert page.detail_links.textFormat() == Qt.TextFormat.PlainText
    assert "One of 3 ways to meet" in text and "any one counts" in text
    assert "Read training data from S3" in text
    page.open_item("continuous-delivery.deploy-pipeline")
    text = page.detail_links.text()
    assert "Needs first:" in text and "(not done yet)" in text
    page.open_item("peft.lora-finetune")
    assert "Elective" in page.detail_meta.text()


def test_the_profile_dialog_sets_the_stack(qtbot, ctx, store):
    from tracker.ui.welcome import ProfileDialog

    store.set_profile(name="Ada")
    dlg = ProfileDialog(ctx)
    qtbot.addWidget(dlg)
    assert set(dlg.stack) >= {"cloud", "serving", "framework"}
    box = dlg.stack["cloud"]
    box.setCurrentIndex(box.findData("gcp"))
    dlg._save()  # noqa: SLF001
    assert store.profile().stack_map == {"cloud": "gcp"}
    ctx.undo_stack.undo()
    assert store.profile().stack_map == {}


def test_a_held_retired_certification_is_kept_and_marked(qtbot, ctx, store):
    from tracker.db.types import CertificationInput
    from tracker.ui.models.cert_table import STATUS_COL
    from tracker.ui.pages.certifications import CertificationsPage

    store.add_certification(CertificationInput(
        name="AWS Certified Machine Learning - Specialty", issuer="Amazon Web Services",
        earned="2024-05-01"))
    page = CertificationsPage(ctx)
    qtbot.addWidget(page)
    text = page.model.index(0, STATUS_COL).data()
    assert text.endswith("retired by the issuer on 2026-03-31")
