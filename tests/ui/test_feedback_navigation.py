"""Issue 14: after importing a mentor review the app shows the Skills tree filtered to the
verdicts that need work (or, when none does, to the verified ones)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtWidgets import QFileDialog

from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import export_progress

WAIT = 20_000


def review_file(tmp_path, progress, verdicts, name="r"):
    body = {"format": "mlops-tracker/review", "format_version": 1,
            "reviewed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reviewer": {"name": "Mo"}, "learner": progress["learner"],
            "progress_digest": progress["integrity"]["digest"],
            "verdicts": [{"milestone": m, "verdict": v, "comment": ""} for m, v in verdicts]}
    path = tmp_path / f"{name}.mlops-review.json"
    path.write_text(json.dumps(with_integrity(body)), encoding="utf-8")
    return path


def import_file(qtbot, window, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.import_review_action.trigger()


def test_import_opens_the_needs_work_filter(qtbot, window, store, tmp_path, monkeypatch):
    store.set_profile(name="Ann")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_states({ids[0]: "done", ids[4]: "done", ids[7]: "learning"})
    window.show_page("certifications")
    doc = export_progress(store, tmp_path / "ann.mlops-progress.json")
    path = review_file(tmp_path, doc, [(ids[0], "verified"), (ids[4], "needs-work"),
                                       (ids[7], "needs-work")])
    import_file(qtbot, window, monkeypatch, path)
    assert window.current_key() == "skills"
    skills = window.page("skills")
    assert skills.review_filter.currentData() == "needs-work"
    assert skills.visible_milestone_ids() == [ids[4], ids[7]]
    assert skills.count_label.text() == f"2 of {len(ids)} shown"


def test_import_of_only_verified_verdicts_opens_the_verified_filter(qtbot, window, store,
                                                                    tmp_path, monkeypatch):
    store.set_profile(name="Ann")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_states({ids[2]: "done"})
    doc = export_progress(store, tmp_path / "ann.mlops-progress.json")
    import_file(qtbot, window, monkeypatch,
                review_file(tmp_path, doc, [(ids[2], "verified")]))
    assert window.current_key() == "skills"
    skills = window.page("skills")
    assert skills.review_filter.currentData() == "verified"
    assert skills.visible_milestone_ids() == [ids[2]]
    # Importing the same file again adds nothing and leaves the page where the learner is.
    window.show_page("dashboard")
    import_file(qtbot, window, monkeypatch,
                review_file(tmp_path, doc, [(ids[2], "verified")], name="again"))
    assert window.current_key() == "dashboard"
