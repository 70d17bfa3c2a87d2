"""Review mode: a progress file opened read-only in the app's pages, with the banner, the
mentor's verdicts (undoable, exported as a review file the learner imports) and the
comparison with an earlier export."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tracker.db.errors import InputError
from tracker.exchange.progress import build_progress_document, read_progress_file, write_document
from tracker.exchange.review import read_review_file
from tracker.ui.models.skill_tree import ReviewRole
from tracker.ui.review.file_store import FileStore
from tracker.ui.review.review_window import ReviewWindow

WAIT = 20_000



@pytest.fixture
def learner(store, tmp_path):
    """The learner's export: Ann, 12 milestones done, one certification."""
    from tracker.db.types import CertificationInput

    store.set_profile(name="Ann", target_level="mlops")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_states({m: "done" for m in ids[:12]})
    store.set_note(ids[0], "see <b>repo</b>")
    store.add_certification(CertificationInput("<i>CKA</i>", "CNCF", "2024-01-10"))
    path = tmp_path / "ann.mlops-progress.json"
    write_document(path, build_progress_document(store.snapshot(with_history=False)))
    return path, ids


def open_review(qtbot, window, monkeypatch, path) -> ReviewWindow:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_progress_action.trigger()
    wins = [w for w in window.exchange_actions.windows if isinstance(w, ReviewWindow)]
    assert wins, window.exchange_actions.last_error_box and \
        window.exchange_actions.last_error_box.text()
    return wins[-1]


def test_open_progress_file_shows_the_banner_and_the_same_numbers(qtbot, window, learner,
                                                                  monkeypatch, store):
    path, _ = learner
    rw = open_review(qtbot, window, monkeypatch, path)
    assert rw.windowTitle() == "MLOps Career Tracker — Review of Ann"
    b = rw.banner
    assert b.learner_label.text() == "Review of Ann"
    assert "Exported " in b.exported_label.text() and "target: MLOps Engineer" in \
        b.exported_label.text()
    assert "Integrity: ok" in b.integrity_label.text() and not b.modified
    assert "the same version as yours" in b.curriculum_label.text()
    for lab in (b.learner_label, b.exported_label, b.integrity_label, b.curriculum_label):
        assert lab.textFormat() == Qt.TextFormat.PlainText
    assert rw.ctx.read_only and isinstance(rw.ctx.store, FileStore)
    # the pages read the file: the Levels page shows the file's readiness
    levels = rw.show_page("levels")
    reading = read_progress_file(path)
    first = reading.summary[0]
    assert f"{first.percent:.1f}%" in " ".join(
        lab.text() for lab in levels.findChildren(type(b.learner_label)))
    # the certifications page shows the file's certification, literally
    certs = rw.show_page("certifications")
    assert certs.ctx.store.certifications()[0].name == "<i>CKA</i>"


def test_hostile_learner_name_shows_as_plain_text(qtbot, store, learner):
    path, _ = learner
    reading = read_progress_file(path)
    doc = reading.document
    hostile = replace(reading, document=doc.model_copy(update={
        "learner": doc.learner.model_copy(update={"name": "<b>x</b>"})}))
    rw = ReviewWindow(hostile, settings_folder=store.folder)
    qtbot.addWidget(rw)
    assert rw.windowTitle().endswith("Review of <b>x</b>")
    assert rw.banner.learner_label.text() == "Review of <b>x</b>"
    assert rw.banner.learner_label.textFormat() == Qt.TextFormat.PlainText


def test_a_file_naming_the_learner_in_html_is_refused_in_one_line(qtbot, window, learner,
                                                                  monkeypatch, tmp_path):
    path, _ = learner
    data = json.loads(path.read_text())
    data["learner"]["name"] = "<b>x</b>"
    bad = tmp_path / "bad.mlops-progress.json"
    bad.write_text(json.dumps(data))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bad), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_progress_action.trigger()
    box = window.exchange_actions.last_error_box
    assert box is not None and "\n" not in box.text() and "markup" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert not window.exchange_actions.windows


def test_a_tampered_file_is_marked_modified(qtbot, window, learner, monkeypatch, tmp_path):
    path, ids = learner
    data = json.loads(path.read_text())
    for p in data["progress"]:
        p["state"] = "done"
    data["progress"].append({"milestone": ids[40], "state": "done",
                             "updated_at": data["exported_at"], "note": "", "evidence": []})
    tampered = tmp_path / "tampered.mlops-progress.json"
    tampered.write_text(json.dumps(data))
    rw = open_review(qtbot, window, monkeypatch, tampered)
    assert rw.banner.modified
    assert "Integrity: modified" in rw.banner.integrity_label.text()


def test_pages_are_read_only(qtbot, window, learner, monkeypatch):
    path, ids = learner
    before = path.read_bytes()
    rw = open_review(qtbot, window, monkeypatch, path)
    skills = rw.show_page("skills")
    skills.open_item(ids[30])
    assert skills.toggle_selected() is False  # Space: refused
    assert rw.last_error_box is not None and "read-only" in rw.last_error_box.text()
    assert rw.ctx.store.states().get(ids[30], "todo") == "todo"
    assert skills.model.index_for(ids[30]).data(ReviewRole) is None
    assert skills.note_edit.isReadOnly()
    with pytest.raises(InputError, match="read-only"):
        rw.ctx.store.set_states({ids[30]: "done"})
    assert path.read_bytes() == before
    assert rw.ctx.undo_stack.count() == 0
    assert not rw.profile_action.isVisible()


def test_mentor_verdicts_undo_export_and_the_learner_imports_them(
        qtbot, window, learner, monkeypatch, tmp_path, store):
    path, ids = learner
    rw = open_review(qtbot, window, monkeypatch, path)
    assert rw.panel.reviewer_edit.text() == "Ann"  # the viewer's own profile name
    rw.panel.reviewer_edit.setText("Mo & Co")
    skills = rw.show_page("skills")
    skills.open_item(ids[0])
    assert rw.current_milestone == ids[0]
    rw.panel.comment_edit.setPlainText("<script>x</script> well done")
    qtbot.mouseClick(rw.panel.verified_button, Qt.MouseButton.LeftButton)
    skills.open_item(ids[1])
    rw.panel.comment_edit.setPlainText("needs tests")
    qtbot.mouseClick(rw.panel.needs_work_button, Qt.MouseButton.LeftButton)

    assert skills.model.index_for(ids[0]).data(ReviewRole) == "verified"
    assert skills.model.index_for(ids[1]).data(ReviewRole) == "needs-work"
    assert rw.panel.verdict_list.topLevelItemCount() == 2
    assert rw.panel.verdict_list.topLevelItem(0).text(2) == "<script>x</script> well done"
    skills.open_item(ids[0])
    assert skills.review_comment.text() == "<script>x</script> well done"
    assert skills.review_by.text().startswith("by Mo & Co")

    rw.undo_action.trigger()
    assert skills.model.index_for(ids[1]).data(ReviewRole) is None
    assert rw.panel.verdict_list.topLevelItemCount() == 1
    rw.redo_action.trigger()
    assert skills.model.index_for(ids[1]).data(ReviewRole) == "needs-work"

    out = tmp_path / "review-out"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.export_review_action.trigger()
    written = tmp_path / "review-out.mlops-review.json"
    review = read_review_file(written)
    assert review.integrity == "ok" and review.reviewer == "Mo & Co"
    assert [(v.milestone, v.verdict) for v in review.document.verdicts] == \
        [(ids[0], "verified"), (ids[1], "needs-work")]
    assert review.document.progress_digest == read_progress_file(path).digest
    assert rw.ctx.undo_stack.isClean()

    # the learner (same store, profile "Ann") imports it through the menu
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(written), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.import_review_action.trigger()
    reviews = store.reviews()
    assert reviews[ids[0]].verdict == "verified" and reviews[ids[1]].verdict == "needs-work"
    assert reviews[ids[0]].comment == "<script>x</script> well done"


def test_export_review_needs_a_verdict_and_a_reviewer(qtbot, store, learner):
    path, ids = learner
    rw = ReviewWindow(read_progress_file(path), settings_folder=store.folder)
    qtbot.addWidget(rw)
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.export_review()
    assert "at least one" in rw.last_error_box.text()
    assert rw.mark("verified", ids[3], "ok")
    rw.panel.reviewer_edit.setText("  ")
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.export_review()
    assert "reviewer" in rw.last_error_box.text()


def test_closing_with_unexported_verdicts_asks_first(qtbot, store, learner):
    path, ids = learner
    rw = ReviewWindow(read_progress_file(path), settings_folder=store.folder)
    qtbot.addWidget(rw)
    rw.show()
    rw.mark("needs-work", ids[2], "")
    rw.close()
    assert rw.isVisible() and rw.discard_box is not None and rw.discard_box.isVisible()
    rw.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not rw.isVisible()


def test_compare_with_an_earlier_file_shows_newly_done_milestones(
        qtbot, window, learner, monkeypatch, tmp_path, store):
    older, ids = learner
    store.set_states({ids[20]: "done", ids[0]: "todo"})
    store.add_study_session(45, "2024-02-01")
    newer = tmp_path / "ann-later.mlops-progress.json"
    write_document(newer, build_progress_document(store.snapshot(with_history=False)))
    rw = open_review(qtbot, window, monkeypatch, newer)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(older), "")))
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.compare_action.trigger()
    dlg = rw.last_dialog
    assert dlg is not None and dlg.isVisible()
    cur = store.curriculum()
    text = dlg.text()
    assert "Newly done (1)" in text and cur.milestone_by_id[ids[20]].title in text
    assert "No longer done (1)" in text and cur.milestone_by_id[ids[0]].title in text
    assert "45 min in 1 session" in text
    assert dlg.changes["newly_done"] == [ids[20]]


def test_compare_with_another_learner_is_refused(qtbot, window, learner, monkeypatch,
                                                 tmp_path, store):
    path, _ = learner
    store.set_profile(name="Bob")
    other = tmp_path / "bob.mlops-progress.json"
    write_document(other, build_progress_document(store.snapshot(with_history=False)))
    rw = open_review(qtbot, window, monkeypatch, path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(other), "")))
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.compare_action.trigger()
    assert rw.last_dialog is None
    assert "different learners" in rw.last_error_box.text()
    assert "\n" not in rw.last_error_box.text()


def test_file_store_serves_the_file_and_refuses_writes(store, learner):
    path, ids = learner
    fs = FileStore(read_progress_file(path), folder=store.folder, path=path)
    assert fs.profile().name == "Ann"
    assert sum(1 for s in fs.states().values() if s == "done") == 12
    assert fs.progress()[ids[0]].note == "see <b>repo</b>"
    assert len(fs.history()) == 12 and sum(fs.done_days("2000-01-01").values()) == 12
    assert fs.now() == read_progress_file(path).exported_at
    for call in (lambda: fs.set_note(ids[0], "x"), lambda: fs.add_reviews([]),
                 lambda: fs.replace_all(None), lambda: fs.add_study_session(5)):
        with pytest.raises(InputError, match="read-only"):
            call()
    with pytest.raises(InputError):
        fs.set_verdict("no.such", None)
    assert Path(fs.folder) == store.folder


def test_review_mode_offers_no_editing_of_certifications_or_study(qtbot, window, learner,
                                                                 monkeypatch):
    win = open_review(qtbot, window, monkeypatch, learner[0])
    certs = win.show_page("certifications")
    assert not any(b.isVisibleTo(win) for b in (certs.add_button, certs.edit_button,
                                                certs.delete_button, certs.import_button))
    study = win.show_page("study")
    assert not study.form_card.isVisibleTo(win) and not study.delete_button.isVisibleTo(win)
