"""Import Mentor Review in the GUI (issue 10; hostile review section 12): a review of a
progress file this app never exported asks first (Cancel changes nothing), a review dated
in the future is refused in one line, and a review of one's own export imports without a
question. The same plan as ``import-review`` (tracker.exchange.review.plan_import)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtWidgets import QFileDialog

from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import build_progress_document, export_progress
from tracker.ui import exchange_actions

WAIT = 20_000


def review_file(tmp_path, progress, *, reviewed_at=None, name="r"):
    body = {"format": "mlops-tracker/review", "format_version": 1,
            "reviewed_at": reviewed_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reviewer": {"name": "Mo"}, "learner": progress["learner"],
            "progress_digest": progress["integrity"]["digest"],
            "verdicts": [{"milestone": progress["progress"][0]["milestone"],
                          "verdict": "verified", "comment": "ok"}]}
    path = tmp_path / f"{name}.mlops-review.json"
    path.write_text(json.dumps(with_integrity(body)), encoding="utf-8")
    return path


def run_import(qtbot, window, monkeypatch, path, answers):
    asked: list[tuple[str, str]] = []

    def fake_ask(parent, title, text, informative, accept_text):
        asked.append((text, informative))
        return answers.pop(0)

    monkeypatch.setattr(exchange_actions, "ask", fake_ask)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.import_review_action.trigger()
    return asked


def _learner(store):
    store.set_profile(name="Ann")
    first = store.curriculum().milestones[0].id
    store.set_states({first: "done"})
    return first


def test_a_review_of_a_file_never_exported_asks_first(qtbot, window, store, tmp_path,
                                                       monkeypatch):
    first = _learner(store)
    never_exported = build_progress_document(store.snapshot(with_history=False))
    path = review_file(tmp_path, never_exported)

    asked = run_import(qtbot, window, monkeypatch, path, [False])
    assert len(asked) == 1 and "not for a progress file you exported" in asked[0][0]
    assert never_exported["integrity"]["digest"][:12] in asked[0][1]
    assert store.reviews() == {}
    assert "cancelled" in window.statusBar().currentMessage()

    asked = run_import(qtbot, window, monkeypatch, path, [True])
    assert len(asked) == 1
    assert store.reviews()[first].verdict == "verified"
    info = window.exchange_actions.last_info_box
    assert info is not None and "not for a progress file exported" in info.informativeText()


def test_a_review_of_ones_own_export_imports_without_a_question(qtbot, window, store,
                                                                tmp_path, monkeypatch):
    first = _learner(store)
    doc = export_progress(store, tmp_path / "ann.mlops-progress.json")
    asked = run_import(qtbot, window, monkeypatch, review_file(tmp_path, doc), [])
    assert asked == []
    assert store.reviews()[first].comment == "ok"


def test_a_review_from_the_future_is_refused_in_one_line(qtbot, window, store, tmp_path,
                                                         monkeypatch):
    _learner(store)
    doc = export_progress(store, tmp_path / "ann.mlops-progress.json")
    path = review_file(tmp_path, doc, reviewed_at="2199-12-31T23:59:59Z")
    asked = run_import(qtbot, window, monkeypatch, path, [])
    assert asked == []
    text = window.exchange_actions.last_error_box.text()
    assert "2199-12-31" in text and "future" in text and "\n" not in text
    assert store.reviews() == {}


def test_the_skills_tree_shows_whether_a_verified_verdict_is_signed(qtbot, window, store,
                                                                   tmp_path, monkeypatch):
    """Issue 12: "Done · verified" only for a signed verdict; "(unsigned)" otherwise."""
    from tracker.exchange.signing import load_or_create_key, sign_document
    from tracker.ui.models.skill_tree import STATE_COL

    first = _learner(store)
    doc = export_progress(store, tmp_path / "ann.mlops-progress.json")
    earlier = datetime.now(UTC).replace(microsecond=0).timestamp() - 120
    run_import(qtbot, window, monkeypatch, review_file(
        tmp_path, doc, reviewed_at=datetime.fromtimestamp(earlier, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")), [])
    page = window.show_page("skills")
    cell = page.model.index_for(first).siblingAtColumn(STATE_COL)
    assert cell.data() == "Done · verified (unsigned)"

    signed = review_file(tmp_path, doc, name="signed")
    body = json.loads(signed.read_text(encoding="utf-8"))
    signed.write_text(json.dumps(sign_document(body, load_or_create_key(tmp_path / "mentor"))),
                      encoding="utf-8")
    run_import(qtbot, window, monkeypatch, signed, [True, True, True])
    assert store.review_signature(store.reviews()[first])[0] == "signed"
    cell = page.model.index_for(first).siblingAtColumn(STATE_COL)
    assert cell.data() == "Done · verified"
