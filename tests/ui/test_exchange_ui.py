"""File menu: export progress and reports, restore from a progress file, import a mentor
review. Dialogs are monkeypatched; workers are awaited with ``waitSignal``, never sleeps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFileDialog

from tracker import paths
from tracker import readiness as rd
from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import (build_progress_document, export_progress,
                                       read_progress_file, write_document)
from tracker.exchange.review import build_review_document
from tracker.ui import exchange_actions
from tracker.ui.models.skill_tree import STATE_COL, ReviewRole

WAIT = 20_000



def milestones(store, n):
    return [m.id for m in store.curriculum().milestones[:n]]


def save_dialog(monkeypatch, path, chosen="", seen=None):
    def fake(parent, caption="", directory="", filter="", *a, **k):
        if seen is not None:
            seen.append(directory)
        return str(path), chosen
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))


def open_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def trigger(qtbot, window, action):
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        action.trigger()


def export_file(store, path):
    """As File > Export Progress does (so a review of it is recognised as one of ours)."""
    export_progress(store, path)
    return path


def error_text(window):
    box = window.exchange_actions.last_error_box
    assert box is not None, "no error box"
    return box.text()


# ---------------------------------------------------------------------------- the menu
def test_file_menu_lists_the_exchange_actions_above_quit(window):
    menu = window.menuBar().actions()[0].menu()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Open File…", "Open Progress File…", "Open Cohort Folder…",
                     "Export Progress…",
                     "Export Report…", "Restore from a Progress File…",
                     "Import Mentor Review…", "Back Up Now", "Restore a Backup…", "Quit"]
    acts = window.exchange_actions
    assert acts.export_progress_action.shortcut().toString() == "Ctrl+E"
    assert acts.open_progress_action.shortcut().toString() == "Ctrl+O"
    assert all(a.isEnabled() for a in menu.actions())


# ---------------------------------------------------------------------------- export
def test_export_progress_writes_a_file_the_exchange_reads_back(qtbot, window, store, tmp_path,
                                                               monkeypatch):
    store.set_profile(name="Ann Lee / QA", target_level="mlops")
    done = milestones(store, 25)
    store.set_states({m: "done" for m in done})
    out = tmp_path / "out" / "ann.mlops-progress.json"
    out.parent.mkdir()
    seen: list[str] = []
    save_dialog(monkeypatch, out, seen=seen)

    trigger(qtbot, window, window.exchange_actions.export_progress_action)

    day = datetime.now(UTC).strftime("%Y-%m-%d")
    assert Path(seen[0]).name == f"Ann-Lee-QA-{day}.mlops-progress.json"
    reading = read_progress_file(out)
    assert reading.integrity == "ok"
    assert reading.learner_name == "Ann Lee / QA"
    expected = rd.readiness(store.curriculum(), store.states())
    assert [(s.level, round(s.percent, 6), s.ready) for s in reading.summary] == \
        [(r.level.id, round(r.percent, 6), r.ready) for r in expected]
    assert str(out) in window.statusBar().currentMessage()
    assert not list(out.parent.glob(".*.tmp"))  # atomic: no temp file left


def test_export_progress_adds_the_suffix_to_a_bare_name(qtbot, window, store, tmp_path,
                                                        monkeypatch):
    save_dialog(monkeypatch, tmp_path / "mine")
    trigger(qtbot, window, window.exchange_actions.export_progress_action)
    assert read_progress_file(tmp_path / "mine.mlops-progress.json").integrity == "ok"


def test_export_to_a_missing_folder_is_one_line_and_writes_nothing(qtbot, window, tmp_path,
                                                                   monkeypatch):
    save_dialog(monkeypatch, tmp_path / "nowhere" / "x.mlops-progress.json")
    trigger(qtbot, window, window.exchange_actions.export_progress_action)
    text = error_text(window)
    assert "\n" not in text and "nowhere" in text
    assert not (tmp_path / "nowhere").exists()


def test_cancelled_save_dialog_does_nothing(qtbot, window, tmp_path, monkeypatch):
    save_dialog(monkeypatch, "")
    trigger(qtbot, window, window.exchange_actions.export_progress_action)
    assert window.exchange_actions.last_error_box is None
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.parametrize("name,chosen,kind", [
    ("report.html", "", "html"),
    ("report", exchange_actions.PDF_FILTER, "pdf"),
])
def test_export_report_html_or_pdf(qtbot, window, store, tmp_path, monkeypatch, name, chosen,
                                   kind):
    store.set_profile(name="Bo & Co <3")
    store.set_states({m: "done" for m in milestones(store, 5)})
    save_dialog(monkeypatch, tmp_path / name, chosen)
    trigger(qtbot, window, window.exchange_actions.export_report_action)
    out = tmp_path / ("report.html" if kind == "html" else "report.pdf")
    data = out.read_bytes()
    if kind == "html":
        text = data.decode()
        assert "Bo &amp; Co &lt;3" in text and "Bo & Co <3" not in text
    else:
        assert data.startswith(b"%PDF")
    assert "report saved" in window.statusBar().currentMessage()


# ---------------------------------------------------------------------------- restore
def _backups(store):
    folder = paths.backups_dir(store.folder)
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_restore_replaces_after_confirmation_and_backs_up_first(qtbot, window, store, tmp_path,
                                                                 monkeypatch):
    a, b, c = milestones(store, 3)
    store.set_profile(name="Ann")
    store.set_states({a: "done", b: "learning"})
    store.add_study_session(30, "2024-03-01")
    src = export_file(store, tmp_path / "before.mlops-progress.json")
    store.set_states({a: "todo", c: "done"})
    store.set_profile(name="Someone Else")
    window.ctx.undo_stack.push(QUndoCommand("an earlier step"))
    questions: list[tuple[str, str]] = []

    def yes(parent, title, text, info, accept):
        questions.append((text, info))
        return True

    monkeypatch.setattr(exchange_actions, "ask", yes)
    open_dialog(monkeypatch, src)
    before = _backups(store)
    seen_kinds: list[frozenset] = []
    window.ctx.changed.connect(seen_kinds.append)

    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.restore_action.trigger()

    text, info = questions[0]
    assert "before.mlops-progress.json" in text and "Ann" in text
    assert "1 done now → 1 done in the file" in info
    assert "study sessions: 1 → 1" in info
    assert "backup" in info and "cannot be undone" in info
    states = store.states()
    assert states[a] == "done" and states[b] == "learning" and states.get(c) == "todo"
    assert store.profile().name == "Ann"
    new = [n for n in _backups(store) if n not in before]
    assert any("before-restore" in n for n in new)
    assert window.ctx.undo_stack.count() == 0
    assert seen_kinds and seen_kinds[-1] == frozenset(exchange_actions.Kinds.ALL)
    assert window.windowTitle().endswith("Ann")
    assert "Restored" in window.statusBar().currentMessage()


def test_restore_cancelled_changes_nothing(qtbot, window, store, tmp_path, monkeypatch):
    a, c = milestones(store, 2)
    store.set_states({a: "done"})
    src = export_file(store, tmp_path / "f.mlops-progress.json")
    store.set_states({a: "todo", c: "done"})
    monkeypatch.setattr(exchange_actions, "ask", lambda *a, **k: False)
    open_dialog(monkeypatch, src)
    before = (store.states(), _backups(store))
    trigger(qtbot, window, window.exchange_actions.restore_action)
    assert (store.states(), _backups(store)) == before
    assert "cancelled" in window.statusBar().currentMessage()


@pytest.mark.parametrize("content,expected", [
    (b"this is not json", "JSON"),
    (b"", ""),
    (None, "newer version"),
    (b'{"format": "something/else", "format_version": 1}', ""),
])
def test_restore_from_a_bad_file_is_one_line_and_changes_nothing(
        qtbot, window, store, tmp_path, monkeypatch, content, expected):
    a = milestones(store, 1)[0]
    store.set_states({a: "done"})
    bad = tmp_path / "bad.mlops-progress.json"
    if content is None:  # a newer format version
        doc = build_progress_document(store.snapshot(with_history=False))
        doc["format_version"] = 99
        bad.write_text(json.dumps(with_integrity({k: v for k, v in doc.items()
                                                  if k != "integrity"})))
    else:
        bad.write_bytes(content)
    asked = []
    monkeypatch.setattr(exchange_actions, "ask", lambda *x: asked.append(x) or True)
    open_dialog(monkeypatch, bad)
    before = (store.states(), _backups(store))
    trigger(qtbot, window, window.exchange_actions.restore_action)
    text = error_text(window)
    assert "\n" not in text and expected in text
    assert not asked
    assert (store.states(), _backups(store)) == before


# ---------------------------------------------------------------------------- import review
def _review_file(store, tmp_path, verdicts, *, unknown=False, name=None):
    reading = read_progress_file(export_file(store, tmp_path / "p.mlops-progress.json"))
    doc = build_review_document(reading, verdicts, "Mo & Co <3")
    if unknown:
        body = {k: v for k, v in doc.items() if k != "integrity"}
        body["verdicts"] = body["verdicts"] + [
            {"milestone": "no-such.milestone", "verdict": "verified", "comment": ""}]
        doc = with_integrity(body)
    if name is not None:
        body = {k: v for k, v in doc.items() if k != "integrity"}
        body["learner"] = {**body["learner"], "name": name}
        doc = with_integrity(body)
    out = tmp_path / "r.mlops-review.json"
    write_document(out, doc)
    return out


def test_import_review_stores_verdicts_and_the_skills_page_shows_them(
        qtbot, window, store, tmp_path, monkeypatch):
    store.set_profile(name="Ann")
    a, b = milestones(store, 2)
    store.set_states({a: "done"})
    src = _review_file(store, tmp_path, [(a, "verified", "<b>solid</b>"),
                                         (b, "needs-work", "add tests")], unknown=True)
    skills = window.show_page("skills")
    open_dialog(monkeypatch, src)
    trigger(qtbot, window, window.exchange_actions.import_review_action)

    reviews = store.reviews()
    assert reviews[a].verdict == "verified" and reviews[a].comment == "<b>solid</b>"
    assert reviews[b].verdict == "needs-work" and reviews[a].reviewer == "Mo & Co <3"
    assert "no-such.milestone" not in reviews
    info = window.exchange_actions.last_info_box
    assert info is not None and "no-such.milestone" in info.informativeText()
    assert "Imported 2 verdicts" in window.statusBar().currentMessage()
    ix = skills.model.index_for(a)
    assert ix.data(ReviewRole) == "verified"
    assert "verified" in ix.siblingAtColumn(STATE_COL).data()
    skills.open_item(a)
    # an unsigned review (this one is) is never presented as verified (issue 12)
    assert skills.review_verdict.text() == "Verified (not proven: see the signature)"
    assert "Signature: unsigned" in skills.review_by.text()
    assert "unsigned" in info.informativeText()
    assert skills.review_comment.text() == "<b>solid</b>"  # literally, as plain text

    # importing the same file again adds nothing
    trigger(qtbot, window, window.exchange_actions.import_review_action)
    assert "already imported" in window.statusBar().currentMessage()

    # the import is undoable like any change, and redoable
    window.undo_action.trigger()
    assert store.reviews() == {}
    assert skills.model.index_for(a).data(ReviewRole) in (None, "")
    window.redo_action.trigger()
    assert {k: r.verdict for k, r in store.reviews().items()} == {a: "verified",
                                                                  b: "needs-work"}


def test_import_review_for_another_learner_changes_nothing(qtbot, window, store, tmp_path,
                                                           monkeypatch):
    store.set_profile(name="Ann")
    a = milestones(store, 1)[0]
    src = _review_file(store, tmp_path, [(a, "verified", "")], name="Bob")
    open_dialog(monkeypatch, src)
    trigger(qtbot, window, window.exchange_actions.import_review_action)
    assert "Bob" in error_text(window) and "\n" not in error_text(window)
    assert store.reviews() == {}


def test_import_a_progress_file_as_review_is_refused(qtbot, window, store, tmp_path,
                                                     monkeypatch):
    src = export_file(store, tmp_path / "p.mlops-progress.json")
    open_dialog(monkeypatch, src)
    trigger(qtbot, window, window.exchange_actions.import_review_action)
    assert "\n" not in error_text(window)
    assert store.reviews() == {}
