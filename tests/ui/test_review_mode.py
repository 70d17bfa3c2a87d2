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
from tracker.exchange.progress import (build_progress_document, export_progress,
                                       read_progress_file, write_document)
from tracker.exchange.review import read_review_file
from tracker.ui.models.skill_tree import IdRole, ReviewRole
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
    export_progress(store, path)  # as File > Export Progress: a review of it is hers
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
    raw = reading.raw  # the reading's document is built from it
    hostile = replace(reading, raw={**raw, "learner": {**raw["learner"], "name": "<b>x</b>"}})
    assert hostile.document.learner.name == hostile.learner_name == "<b>x</b>"
    rw = ReviewWindow(hostile, settings_folder=store.folder)
    qtbot.addWidget(rw)
    assert rw.windowTitle().endswith("Review of <b>x</b>")
    assert rw.banner.learner_label.text() == "Review of <b>x</b>"
    assert rw.banner.learner_label.textFormat() == Qt.TextFormat.PlainText


def test_a_file_naming_the_learner_in_html_opens_and_shows_the_name_as_text(
        qtbot, window, learner, monkeypatch, tmp_path):
    """Names are text (issue 9 section 4): markup in a name is just characters, so the file
    opens and the name is shown literally; a control character is refused in one line."""
    from tracker.exchange.digest import with_integrity

    path, _ = learner
    data = json.loads(path.read_text())
    data.pop("integrity")
    data["learner"]["name"] = "<b>x</b> &amp; y"
    marked = tmp_path / "marked.mlops-progress.json"
    marked.write_text(json.dumps(with_integrity(data)))
    rw = open_review(qtbot, window, monkeypatch, marked)
    assert rw.banner.learner_label.text() == "Review of <b>x</b> &amp; y"
    assert rw.banner.learner_label.textFormat() == Qt.TextFormat.PlainText
    assert "Integrity: ok" in rw.banner.integrity_label.text()

    data["learner"]["name"] = "x\u009b2J"
    bad = tmp_path / "bad.mlops-progress.json"
    bad.write_text(json.dumps(with_integrity(data)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bad), "")))
    before = len(window.exchange_actions.windows)
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_progress_action.trigger()
    box = window.exchange_actions.last_error_box
    assert box is not None and "\n" not in box.text()
    assert "learner.name: contains a control character (U+009B)" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert len(window.exchange_actions.windows) == before


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
    # Space does nothing in review mode: no change, and no warning that answers a key that
    # offers nothing (issue 14)
    qtbot.keyClick(skills.tree, Qt.Key.Key_Space)
    assert skills.mark_selected_done() is False
    assert rw.last_error_box is None
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


# ------------------------------------------------------------------ the panel follows clicks
@pytest.fixture
def reviewing(qtbot, store, learner):
    """A shown review window on Ann's file, the Skills page open and fully expanded."""
    path, ids = learner
    rw = ReviewWindow(read_progress_file(path), settings_folder=store.folder, reviewer="Mo")
    qtbot.addWidget(rw)
    rw.resize(1400, 900)
    rw.show()
    qtbot.waitExposed(rw)
    rw.activateWindow()
    qtbot.waitUntil(rw.isActiveWindow, timeout=WAIT)
    skills = rw.show_page("skills")
    skills.tree.expandAll()
    yield rw, skills, ids
    rw._discard_ok = True  # teardown: no question left open
    rw.close()


def click_row(qtbot, skills, mid: str) -> None:
    """A real mouse click in the middle of the milestone's row, on the tree's viewport."""
    view = skills.tree
    ix = skills.proxy.mapFromSource(skills.model.index_for(mid))
    assert ix.isValid(), f"{mid} is filtered out"
    view.scrollTo(ix)
    rect = view.visualRect(ix)
    assert view.viewport().rect().contains(rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def verdicts(rw) -> dict[str, tuple[str, str]]:
    return {k: (r.verdict, r.comment) for k, r in rw.file_store.verdicts().items()}


def title(rw, mid: str) -> str:
    return rw.reading.curriculum.milestone_by_id[mid].title


def test_a_clicked_row_gets_the_verdict_not_the_previously_selected_one(qtbot, reviewing):
    rw, skills, ids = reviewing
    view, p = skills.tree, rw.panel
    for mid in (ids[1], ids[5], ids[3], ids[0]):
        click_row(qtbot, skills, mid)
        assert rw.current_milestone == mid
        assert p.milestone_title.text() == title(rw, mid) == skills.detail_title.text()

    click_row(qtbot, skills, ids[4])
    click_row(qtbot, skills, ids[6])
    qtbot.mouseClick(p.needs_work_button, Qt.MouseButton.LeftButton)
    assert verdicts(rw) == {ids[6]: ("needs-work", "")}
    assert view.hasFocus()  # the button did not take the focus: Down goes on in the tree

    click_row(qtbot, skills, ids[2])
    qtbot.mouseClick(p.verified_button, Qt.MouseButton.LeftButton)
    click_row(qtbot, skills, ids[7])
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Verified
    assert verdicts(rw) == {ids[2]: ("verified", ""), ids[6]: ("needs-work", ""),
                            ids[7]: ("verified", "")}
    assert skills.model.index_for(ids[6]).data(ReviewRole) == "needs-work"
    for mid in (ids[0], ids[1], ids[3], ids[4], ids[5]):
        assert skills.model.index_for(mid).data(ReviewRole) is None

    # undo still takes back one verdict at a time, the last one first
    rw.undo_action.trigger()
    assert ids[7] not in verdicts(rw) and ids[2] in verdicts(rw)
    rw.redo_action.trigger()
    assert verdicts(rw)[ids[7]] == ("verified", "")


def test_clicks_on_a_filtered_tree_give_the_verdict_to_the_clicked_row(qtbot, reviewing):
    rw, skills, ids = reviewing
    cur = rw.reading.curriculum
    # a word shared by a few milestone titles, far from the first rows
    words: dict[str, list[str]] = {}
    for m in cur.milestones[20:]:
        for w in {w.lower() for w in m.title.split() if len(w) > 5 and w.isalpha()}:
            words.setdefault(w, []).append(m.id)
    word = next(w for w, found in sorted(words.items()) if 3 <= len(found) <= 12)
    skills.filter_edit.setText(word)
    qtbot.waitUntil(skills.proxy.is_filtering, timeout=WAIT)
    shown = skills.visible_milestone_ids()
    assert 3 <= len(shown) < len(cur.milestones)

    click_row(qtbot, skills, shown[2])
    click_row(qtbot, skills, shown[0])
    assert rw.panel.milestone_title.text() == title(rw, shown[0])
    qtbot.mouseClick(rw.panel.verified_button, Qt.MouseButton.LeftButton)
    click_row(qtbot, skills, shown[1])
    qtbot.keyClick(skills.tree, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert verdicts(rw) == {shown[0]: ("verified", ""), shown[1]: ("needs-work", "")}
    # the shortcut moved on to the next row the filter shows
    assert rw.current_milestone == shown[2]
    assert skills.tree.currentIndex().data(IdRole) == shown[2]


def test_the_verdict_list_moves_the_tree_and_the_panel_follows_the_tree(qtbot, reviewing):
    rw, skills, ids = reviewing
    lst = rw.panel.verdict_list
    assert rw.mark("verified", ids[8], "ok") and rw.mark("needs-work", ids[9], "")
    assert rw.current_milestone is None  # marking a given milestone does not move the panel
    click_row(qtbot, skills, ids[3])
    item = lst.topLevelItem(1)
    assert item.data(0, Qt.ItemDataRole.UserRole) == ids[9]
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton,
                     pos=lst.visualItemRect(item).center())
    assert rw.current_milestone == ids[9]
    assert skills.tree.currentIndex().data(IdRole) == ids[9]
    assert lst.hasFocus()  # browsing the list does not pull the focus into the tree
    # clicking the row that was current before in the tree shows it again
    click_row(qtbot, skills, ids[3])
    assert rw.current_milestone == ids[3] and lst.currentItem() is None
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton,
                     pos=lst.visualItemRect(lst.topLevelItem(1)).center())
    assert rw.current_milestone == ids[9]


# ------------------------------------------------------------------ comment drafts
def test_comment_drafts_are_kept_per_milestone_when_moving_by_mouse_and_keyboard(
        qtbot, reviewing):
    rw, skills, ids = reviewing
    edit, view = rw.panel.comment_edit, skills.tree
    shown = skills.visible_milestone_ids()
    a, b = shown[0], shown[1]
    click_row(qtbot, skills, a)
    qtbot.keyClicks(edit, "Image is 1.2 GB")
    click_row(qtbot, skills, b)
    assert edit.toPlainText() == ""
    qtbot.keyClicks(edit, "<b>needs</b> tests")
    # keyboard: Down to the next milestone and back
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert rw.current_milestone == shown[2] and edit.toPlainText() == ""
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert rw.current_milestone == b and edit.toPlainText() == "<b>needs</b> tests"
    click_row(qtbot, skills, a)
    assert edit.toPlainText() == "Image is 1.2 GB"
    assert rw.drafts == {a: "Image is 1.2 GB", b: "<b>needs</b> tests"}

    # a verdict takes the draft; undoing the verdict gives it back
    qtbot.mouseClick(rw.panel.verified_button, Qt.MouseButton.LeftButton)
    assert verdicts(rw)[a] == ("verified", "Image is 1.2 GB") and a not in rw.drafts
    assert rw.panel.verdict_list.topLevelItem(0).text(2) == "Image is 1.2 GB"
    click_row(qtbot, skills, b)
    click_row(qtbot, skills, a)
    assert edit.toPlainText() == "Image is 1.2 GB" and a not in rw.drafts
    rw.undo_action.trigger()
    assert a not in verdicts(rw) and rw.drafts[a] == "Image is 1.2 GB"
    assert edit.toPlainText() == "Image is 1.2 GB"
    rw.redo_action.trigger()
    assert verdicts(rw)[a] == ("verified", "Image is 1.2 GB") and a not in rw.drafts

    # editing a recorded comment is a draft until a verdict is given again
    edit.selectAll()
    qtbot.keyClicks(edit, "Smaller now")
    click_row(qtbot, skills, b)
    assert rw.drafts[a] == "Smaller now"
    assert verdicts(rw)[a] == ("verified", "Image is 1.2 GB")
    # marking another milestone by id uses that milestone's draft, not the box's text
    assert rw.mark("needs-work", a)
    assert verdicts(rw)[a] == ("needs-work", "Smaller now") and set(rw.drafts) == {b}
    assert edit.toPlainText() == "<b>needs</b> tests"
    # the learner's and the mentor's text stay plain text
    assert rw.panel.milestone_title.textFormat() == Qt.TextFormat.PlainText


def test_exporting_the_review_discards_the_drafts(qtbot, reviewing, tmp_path, monkeypatch):
    rw, skills, ids = reviewing
    shown = skills.visible_milestone_ids()
    click_row(qtbot, skills, shown[0])
    qtbot.keyClicks(rw.panel.comment_edit, "good")
    qtbot.mouseClick(rw.panel.verified_button, Qt.MouseButton.LeftButton)
    click_row(qtbot, skills, shown[1])
    qtbot.keyClicks(rw.panel.comment_edit, "not a verdict yet")
    assert rw.unsaved() == (1, 1)
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.export_review(str(tmp_path / "r"))
    review = read_review_file(tmp_path / "r.mlops-review.json")
    assert [(v.milestone, v.comment) for v in review.document.verdicts] == [(shown[0], "good")]
    assert rw.drafts == {} and rw.panel.comment_edit.toPlainText() == ""
    assert "1 comment without a verdict discarded" in rw.statusBar().currentMessage()
    # signed with the mentor's key, made in the viewing app's data folder (issue 12)
    assert review.signature.state == "signed"
    assert f"signed with key {review.signature.fingerprint}" in rw.statusBar().currentMessage()
    key = rw.file_store.folder / "reviewer-ed25519.pem"
    assert key.is_file() and key.stat().st_mode & 0o077 == 0
    assert rw.unsaved() == (0, 0)
    rw.close()
    assert not rw.isVisible() and rw.discard_box is None


# ------------------------------------------------------------------ closing asks
def start_closing(qtbot, rw) -> QMessageBox:
    rw.close()
    box = rw.discard_box
    assert rw.isVisible() and box is not None and box.isVisible()
    return box


def test_closing_with_a_verdict_and_a_draft_offers_save_discard_cancel(qtbot, reviewing):
    rw, skills, ids = reviewing
    click_row(qtbot, skills, ids[1])
    qtbot.mouseClick(rw.panel.needs_work_button, Qt.MouseButton.LeftButton)
    click_row(qtbot, skills, ids[2])
    qtbot.keyClicks(rw.panel.comment_edit, "half typed")
    box = start_closing(qtbot, rw)
    Button = QMessageBox.StandardButton
    assert box.standardButtons() == Button.Save | Button.Discard | Button.Cancel
    assert box.defaultButton() is box.button(Button.Save)
    assert box.text() == "Save your review of Ann before closing?"
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "1 verdict not exported" in box.informativeText()
    assert "1 comment typed without a verdict" in box.informativeText()
    rw.close()  # asking twice shows the same question, not a second one
    assert rw.discard_box is box

    box.button(Button.Cancel).click()
    assert rw.isVisible() and rw.discard_box is None
    assert verdicts(rw) == {ids[1]: ("needs-work", "")} and rw.drafts == {ids[2]: "half typed"}
    assert rw.panel.comment_edit.toPlainText() == "half typed"

    start_closing(qtbot, rw).button(Button.Discard).click()
    assert not rw.isVisible()


def test_closing_and_saving_exports_then_closes(qtbot, reviewing, tmp_path, monkeypatch):
    rw, skills, ids = reviewing
    click_row(qtbot, skills, ids[4])
    qtbot.keyClicks(rw.panel.comment_edit, "fine")
    qtbot.keyClick(skills.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    Button = QMessageBox.StandardButton

    # a cancelled file dialog keeps the window and the verdict
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        start_closing(qtbot, rw).button(Button.Save).click()
    assert rw.isVisible() and rw.unsaved() == (1, 0)

    out = tmp_path / "saved"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        start_closing(qtbot, rw).button(Button.Save).click()
    qtbot.waitUntil(lambda: not rw.isVisible(), timeout=WAIT)
    review = read_review_file(tmp_path / "saved.mlops-review.json")
    assert [(v.milestone, v.verdict, v.comment) for v in review.document.verdicts] == \
        [(ids[4], "verified", "fine")]


def test_closing_with_only_a_draft_asks_to_discard_it(qtbot, reviewing):
    rw, skills, ids = reviewing
    click_row(qtbot, skills, ids[3])
    qtbot.keyClicks(rw.panel.comment_edit, "a thought")
    click_row(qtbot, skills, ids[5])
    box = start_closing(qtbot, rw)
    Button = QMessageBox.StandardButton
    assert box.standardButtons() == Button.Discard | Button.Cancel  # nothing Save could keep
    assert box.defaultButton() is box.button(Button.Cancel)
    box.button(Button.Discard).click()
    assert not rw.isVisible()


def test_closing_question_shows_a_hostile_learner_name_as_plain_text(qtbot, store, learner):
    path, ids = learner
    reading = read_progress_file(path)
    raw = reading.raw  # the reading's document is built from it
    hostile = replace(reading, raw={**raw, "learner": {**raw["learner"], "name": "<b>x</b>"}})
    assert hostile.document.learner.name == hostile.learner_name == "<b>x</b>"
    rw = ReviewWindow(hostile, settings_folder=store.folder)
    qtbot.addWidget(rw)
    rw.show()
    rw.mark("verified", ids[0], "<i>ok</i>")
    box = start_closing(qtbot, rw)
    assert box.text() == "Save your review of <b>x</b> before closing?"
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Discard).click()
    assert not rw.isVisible()


# ------------------------------------------------------------------ keyboard review
def test_a_whole_review_from_the_keyboard(qtbot, reviewing):
    rw, skills, ids = reviewing
    view, edit = skills.tree, rw.panel.comment_edit
    Ctrl, Shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    rw.show_page("dashboard")
    qtbot.keyClick(rw, Qt.Key.Key_2, Ctrl)                 # View > Skills
    assert rw.current_key() == "skills"
    qtbot.keyClick(rw, Qt.Key.Key_F, Ctrl)                 # Edit > Find
    assert skills.filter_edit.hasFocus()
    qtbot.keyClick(skills.filter_edit, Qt.Key.Key_Down)    # into the tree
    assert view.hasFocus()
    for _ in range(10):                                    # down to the first milestone
        if rw.current_milestone is not None:
            break
        qtbot.keyClick(view, Qt.Key.Key_Right)             # open a closed skill
        qtbot.keyClick(view, Qt.Key.Key_Down)
    shown = skills.visible_milestone_ids()
    first = shown.index(rw.current_milestone)
    m = shown[first:first + 6]

    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Comment box
    assert edit.hasFocus()
    qtbot.keyClicks(edit, "solid work")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Ctrl)           # Verified, then next
    assert rw.current_milestone == m[1] and edit.hasFocus() and edit.toPlainText() == ""
    qtbot.keyClicks(edit, "add tests")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Ctrl | Shift)   # Needs work, then next
    qtbot.keyClick(edit, Qt.Key.Key_Backspace, Ctrl | Shift)  # nothing to remove: skip
    assert rw.current_milestone == m[3]
    qtbot.keyClick(edit, Qt.Key.Key_Enter, Ctrl | Qt.KeyboardModifier.KeypadModifier)
    assert verdicts(rw) == {m[0]: ("verified", "solid work"), m[1]: ("needs-work", "add tests"),
                            m[3]: ("verified", "")}
    assert rw.current_milestone == m[4] == view.currentIndex().data(IdRole)
    assert rw.panel.milestone_title.text() == title(rw, m[4])

    # back in the tree: Up, remove the verdict on m[3] (and on to m[4]), undo it
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert rw.current_milestone == m[3]
    qtbot.keyClick(view, Qt.Key.Key_Backspace, Ctrl | Shift)
    assert m[3] not in verdicts(rw) and rw.current_milestone == m[4]
    qtbot.keyClick(view, Qt.Key.Key_Z, Ctrl)
    assert verdicts(rw)[m[3]] == ("verified", "")
    assert rw.ctx.undo_stack.count() == 4


def test_verdict_shortcuts_are_unique_and_named_in_the_tooltips(qtbot, reviewing):
    from PySide6.QtGui import QAction, QKeySequence

    rw, _skills, _ids = reviewing
    seen: dict[str, str] = {}
    for a in rw.findChildren(QAction):
        for key in a.shortcuts():
            text = key.toString()
            assert text not in seen or seen[text] == a.text(), (text, a.text(), seen.get(text))
            seen[text] = a.text()
    assert [a.shortcut().toString() for a in rw.verdict_actions] == \
        ["Ctrl+Return", "Ctrl+Shift+Return", "Ctrl+Shift+Backspace"]
    p = rw.panel
    for button, action in zip((p.verified_button, p.needs_work_button, p.clear_button),
                              rw.verdict_actions):
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert native in button.toolTip()
    assert rw.review_menu.menuAction() in rw.menuBar().actions()
    assert [a.text() for a in rw.menuBar().actions()][-2:] == ["&Review", "&Help"]
    # nothing under review: the shortcuts are off
    assert not any(a.isEnabled() for a in rw.verdict_actions)


def test_verdict_shortcuts_work_from_the_floating_panel(qtbot, reviewing):
    rw, skills, ids = reviewing
    shown = skills.visible_milestone_ids()
    click_row(qtbot, skills, shown[2])
    rw.dock.setFloating(True)
    rw.dock.activateWindow()
    qtbot.waitUntil(rw.dock.isActiveWindow, timeout=WAIT)
    rw.panel.comment_edit.setFocus()
    qtbot.keyClicks(rw.panel.comment_edit, "ok")
    qtbot.keyClick(rw.panel.comment_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert verdicts(rw) == {shown[2]: ("verified", "ok")}
    assert rw.current_milestone == shown[3] and rw.panel.comment_edit.hasFocus()


def test_review_outputs_never_overwrite_the_file_under_review_or_the_database(
        qtbot, store, learner, tmp_path):
    """The review file and the report are checked like every output (issue 10, item 1):
    not onto the progress file the window shows, not onto the viewing app's database."""
    path, ids = learner
    before = path.read_bytes()
    db = Path(store.folder) / "tracker.sqlite3"
    db_before = db.read_bytes()
    rw = ReviewWindow(read_progress_file(path), settings_folder=store.folder, path=path,
                      reviewer="Mo")
    qtbot.addWidget(rw)
    assert rw.mark("verified", ids[0])
    errors: list[str] = []
    rw.show_error = errors.append
    for target in (str(path), str(db)):
        with qtbot.waitSignal(rw.finished, timeout=WAIT):
            rw.export_review(target)
    with qtbot.waitSignal(rw.finished, timeout=WAIT):
        rw.export_report(str(db.with_name("tracker.sqlite3-wal")) + ".html")
    assert len(errors) == 3, errors
    assert all("\n" not in e and "will not write" in e for e in errors), errors
    assert "input" in errors[0] and "database" in errors[1] and "database" in errors[2]
    assert path.read_bytes() == before and db.read_bytes() == db_before
    rw._discard_ok = True
    rw.close()


def test_a_file_with_its_own_cut_curriculum_is_flagged_in_the_banner(qtbot, window, learner,
                                                                    monkeypatch, tmp_path):
    """hostile.md item 9: the shipped id and version, fewer milestones, digest recomputed:
    the integrity is "ok" but the banner says the curriculum differs from the known one."""
    from tracker.exchange.digest import with_integrity

    path, ids = learner
    doc = json.loads(path.read_text(encoding="utf-8"))
    keep, seen = [], set()
    for m in doc["curriculum"]["milestones"]:  # one milestone per level
        # a required milestone per level (an elective or option gives a level no units)
        if m["level"] not in seen and not m.get("options") and not m.get("elective"):
            seen.add(m["level"])
            keep.append({**m, "requires": [], "core": False})
    doc["curriculum"]["milestones"] = keep
    doc["curriculum"]["choices"] = []
    forged = tmp_path / "forged.mlops-progress.json"
    forged.write_text(json.dumps(with_integrity(doc)), encoding="utf-8")
    rw = open_review(qtbot, window, monkeypatch, forged)
    b = rw.banner
    assert "Integrity: ok" in b.integrity_label.text()
    assert "unchanged since export" in b.integrity_label.text()
    assert b.curriculum_check.status == "differs" and b.modified
    assert "DIFFERS" in b.check_label.text() and "removed" in b.check_label.text()
    assert b.check_label.textFormat() == Qt.TextFormat.PlainText


def test_the_honest_export_matches_the_known_curriculum(qtbot, window, learner, monkeypatch):
    path, _ = learner
    b = open_review(qtbot, window, monkeypatch, path).banner
    assert b.curriculum_check.status == "known" and not b.modified
    assert "matches the shipped curriculum" in b.check_label.text()
