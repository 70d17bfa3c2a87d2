"""Issue 10, item 1 in the app: the save dialogs (export progress, export report, cohort
CSV) go through the same output check as the CLI, so none of them can replace the database
or a backup, even through a symlink. Dialogs are monkeypatched; no sleeps."""

from __future__ import annotations

import hashlib

from PySide6.QtWidgets import QFileDialog

from tracker.exchange.progress import build_progress_document, write_document
from tracker.ui.cohort import CohortWindow

WAIT = 20_000


def save_dialog(monkeypatch, path, chosen=""):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), chosen)))


def files_digest(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "-shm" not in p.name
            and "-wal" not in p.name}


def test_save_dialogs_refuse_the_database_and_backups(qtbot, window, store, tmp_path,
                                                      monkeypatch):
    from tracker.db import backup

    store.set_states({store.curriculum().milestones[0].id: "done"})
    made = backup.make_backup(store.folder, reason="manual")
    link = tmp_path / "innocent.html"
    link.symlink_to(store.path)
    acts = window.exchange_actions
    before = files_digest(store.folder)
    for action, target, filt in (
            (acts.export_progress_action, store.path, ""),
            (acts.export_progress_action, made.path, ""),
            (acts.export_report_action, link, "HTML report (*.html *.htm)"),
            (acts.export_report_action, store.folder / "backups" / "r.html",
             "HTML report (*.html *.htm)")):
        save_dialog(monkeypatch, target, filt)
        acts.last_error_box = None
        with qtbot.waitSignal(acts.finished, timeout=WAIT):
            action.trigger()
        assert acts.last_error_box is not None, target
        assert "will not write" in acts.last_error_box.text()
        assert files_digest(store.folder) == before
    assert link.is_symlink()
    assert store.states()[store.curriculum().milestones[0].id] == "done"


def test_cohort_csv_refuses_a_link_to_the_database(qtbot, window, store, tmp_path,
                                                   monkeypatch):
    folder = tmp_path / "cohort"
    folder.mkdir()
    write_document(folder / "ann.mlops-progress.json",
                   build_progress_document(store.snapshot(with_history=False)))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(folder)))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_cohort_action.trigger()
    win = next(w for w in window.exchange_actions.windows if isinstance(w, CohortWindow))
    qtbot.waitUntil(lambda: win.result is not None and not win.loading, timeout=WAIT)
    link = tmp_path / "out.csv"
    link.symlink_to(store.path)
    before = files_digest(store.folder)
    save_dialog(monkeypatch, link)
    with qtbot.waitSignal(win.finished, timeout=WAIT):
        win.csv_button.click()
    assert win.last_error_box is not None and "will not write" in win.last_error_box.text()
    assert files_digest(store.folder) == before
