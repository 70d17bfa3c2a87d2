"""Opening a file from outside (issue 15): ``mlops-tracker FILE``, File > Open File… and a
file dropped on the window all go through ExchangeActions.open_file. A progress file opens
in review mode; a review file and a badge are offered for import (Cancel changes nothing);
anything else is refused in one line, the command line's own words."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from tracker.exchange.digest import with_integrity
from tracker.exchange.filekind import file_kind
from tracker.exchange.progress import export_progress
from tracker.exchange.safe_json import LoadError
from tracker.ui import exchange_actions
from tracker.ui.review.review_window import ReviewWindow

WAIT = 20_000
BADGE = ('{"type":"Assertion","badge":{"name":"Kubernetes Admin","issuer":{"name":"CNCF"}},'
         '"issuedOn":"2024-01-02"}')


def progress_file(store, tmp_path, name="ann.mlops-progress.json"):
    store.set_profile(name="Ann")
    first = store.curriculum().milestones[0].id
    store.set_states({first: "done"})
    path = tmp_path / name
    return path, export_progress(store, path), first


def review_file(tmp_path, doc, name="r.mlops-review.json"):
    body = {"format": "mlops-tracker/review", "format_version": 1,
            "reviewed_at": "2025-01-01T00:00:00Z", "reviewer": {"name": "Mo"},
            "learner": doc["learner"], "progress_digest": doc["integrity"]["digest"],
            "verdicts": [{"milestone": doc["progress"][0]["milestone"],
                          "verdict": "verified", "comment": "ok"}]}
    path = tmp_path / name
    path.write_text(json.dumps(with_integrity(body)), encoding="utf-8")
    return path


def open_and_wait(qtbot, window, path, monkeypatch, answers=()):
    answers = list(answers)
    asked = []

    def fake_ask(parent, title, text, informative, accept_text):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(exchange_actions, "ask", fake_ask)
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.open_files([str(path)])
    return asked


# ------------------------------------------------------------------ the classifier
def test_the_content_decides_the_kind(store, tmp_path):
    path, doc, _ = progress_file(store, tmp_path, name="renamed.json")
    assert file_kind(path) == "progress"
    assert file_kind(review_file(tmp_path, doc, name="x.json")) == "review"
    badge = tmp_path / "b.json"
    badge.write_text(BADGE, encoding="utf-8")
    assert file_kind(badge) == "badge"


@pytest.mark.parametrize("content, expect", [
    (b"\x00\x01binary", "not a JSON text file"),
    (b'{"name": "some package", "version": "1.0"}', "not a progress file, a review file or"),
    (b'{"format": "mlops-tracker/cohort", "format_version": 1}', "only progress and review"),
    (b"[" * 100_000, "nest"),
])
def test_unknown_and_hostile_files_are_refused_in_one_line(tmp_path, content, expect):
    path = tmp_path / "f.json"
    path.write_bytes(content)
    with pytest.raises(LoadError) as info:
        file_kind(path)
    assert "\n" not in str(info.value)
    assert expect.lower() in str(info.value).lower()


def test_a_folder_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(LoadError, match="folder"):
        file_kind(tmp_path)
    with pytest.raises(LoadError, match="no such file"):
        file_kind(tmp_path / "nope.json")


# ------------------------------------------------------------------ the window
def test_a_progress_file_opens_in_review_mode(qtbot, window, store, tmp_path, monkeypatch):
    path, _doc, _ = progress_file(store, tmp_path)
    assert open_and_wait(qtbot, window, path, monkeypatch) == []
    qtbot.waitUntil(lambda: any(isinstance(w, ReviewWindow)
                                for w in window.exchange_actions.windows), timeout=WAIT)


def test_a_review_file_is_offered_for_import(qtbot, window, store, tmp_path, monkeypatch):
    path, doc, first = progress_file(store, tmp_path)
    review = review_file(tmp_path, doc)
    asked = open_and_wait(qtbot, window, review, monkeypatch, [False])
    assert asked and review.name in asked[0]
    assert store.reviews() == {}
    with qtbot.waitSignals([window.exchange_actions.finished] * 2, timeout=WAIT):
        open_and_wait(qtbot, window, review, monkeypatch, [True])
    qtbot.waitUntil(lambda: first in store.reviews(), timeout=WAIT)
    assert store.reviews()[first].verdict == "verified"


def test_a_badge_is_offered_for_import(qtbot, window, store, tmp_path, monkeypatch):
    badge = tmp_path / "badge.json"
    badge.write_text(BADGE, encoding="utf-8")
    open_and_wait(qtbot, window, badge, monkeypatch, [False])
    assert store.certifications() == []
    open_and_wait(qtbot, window, badge, monkeypatch, [True])
    qtbot.waitUntil(lambda: len(store.certifications()) == 1, timeout=WAIT)
    assert store.certifications()[0].name == "Kubernetes Admin"
    assert window.current_key() == "certifications"


def test_an_unknown_file_is_refused_with_the_cli_line(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "package.json"
    path.write_text('{"name": "x"}', encoding="utf-8")
    assert open_and_wait(qtbot, window, path, monkeypatch) == []
    box = window.exchange_actions.last_error_box
    assert box is not None and "not a progress file, a review file or an Open Badge" in box.text()
    box.close()


def test_file_menu_open_file(qtbot, window, store, tmp_path, monkeypatch):
    path, _doc, _ = progress_file(store, tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_file_action.trigger()
    qtbot.waitUntil(lambda: bool(window.exchange_actions.windows), timeout=WAIT)


def test_dropping_a_file_opens_it(qtbot, window, store, tmp_path):
    path, _doc, _ = progress_file(store, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    assert window.acceptDrops()
    assert window.dropped_files(mime) == [str(path)]
    remote = QMimeData()
    remote.setUrls([QUrl("https://example.org/x.json")])
    assert window.dropped_files(remote) == []
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.dropEvent(ev)
    qtbot.waitUntil(lambda: bool(window.exchange_actions.windows), timeout=WAIT)
