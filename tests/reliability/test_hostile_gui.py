"""The whole app against hostile input, through the GUI's own paths.

1. Each hostile progress or review file, opened with File > Open Progress File…,
   File > Restore from a Progress File… and File > Import Mentor Review…, ends with one
   message and an unchanged database.
2. Every page built with hostile strings everywhere (learner name, notes, evidence,
   certifications, study notes, mentor comments) shows them as plain text: no label that
   displays such a string interprets it as rich text, and tooltips escape it.
"""

from __future__ import annotations

import copy
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.exchange.test_exchange_cli import BAD
from tracker.db.store import Store
from tracker.db.types import CertificationInput, Review
from tracker.exchange.digest import with_integrity
from tracker.exchange.progress import build_progress_document
from tracker.ui.mainwindow import PAGE_KEYS, MainWindow

WAIT = 20_000
MARK = "<b>HOSTILE</b>"


def dump(store: Store) -> list[tuple]:
    con = sqlite3.connect(store.path)
    try:
        rows = []
        for table in ("progress", "progress_event", "certification", "study_session", "review",
                      "evidence", "profile"):
            rows += [(table, *r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]
        return rows
    finally:
        con.close()


@pytest.fixture
def window(qtbot, tmp_path):
    store = Store.open(tmp_path / "d")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_profile(name="Ann Lee", target_level="senior")
    store.set_states({i: "done" for i in ids[:12]})
    win = MainWindow(store, welcome=False)
    qtbot.addWidget(win)
    yield win
    for w in list(win.exchange_actions.windows):
        w._discard_ok = True
        w.close()
    store.close()


def _documents(store: Store) -> tuple[dict, dict]:
    progress = build_progress_document(store.snapshot(with_history=False))
    review = with_integrity({
        "format": "mlops-tracker/review", "format_version": 1,
        "reviewed_at": "2026-01-01T10:00:00Z", "reviewer": {"name": "Dr. Mentor"},
        "learner": progress["learner"], "progress_digest": progress["integrity"]["digest"],
        "verdicts": [{"milestone": progress["progress"][0]["milestone"],
                      "verdict": "verified", "comment": "ok"}]})
    return progress, review


@pytest.mark.parametrize("case", sorted(BAD))
def test_hostile_files_through_the_gui_change_nothing(qtbot, window, tmp_path, case):
    store = window.ctx.store
    progress, review = _documents(store)
    acts = window.exchange_actions
    before = dump(store)
    for action, kind in ((acts.open_progress, "progress"), (acts.restore, "progress"),
                         (acts.import_review, "review")):
        doc = copy.deepcopy(progress if kind == "progress" else review)
        path = tmp_path / f"{case}-{action.__name__}.mlops-{kind}.json"
        path.write_bytes(BAD[case](doc, kind))
        acts.last_error_box = None
        with qtbot.waitSignal(acts.finished, timeout=WAIT):
            action(str(path))
        box = acts.last_error_box
        assert box is not None, f"{action.__name__}: no message for {case}"
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert box.text().strip() and "Traceback" not in box.text()
        assert "\n" not in box.text().strip(), box.text()
        assert acts.windows == [] or all(w.isHidden() for w in acts.windows)
        box.close()
    assert dump(store) == before


def _fill_hostile(store: Store) -> None:
    ids = [m.id for m in store.curriculum().milestones]
    store.set_profile(name=MARK, target_level="mlops")
    store.set_states({ids[0]: "done", ids[1]: "learning"})
    for mid in ids[:3]:
        store.set_note(mid, f"{MARK} note <script>alert(1)</script>")
        store.add_evidence(mid, f"https://example.org/{MARK}")
    store.add_certification(CertificationInput(MARK, MARK, "2025-01-01", "2025-02-01",
                                               MARK, ""))
    store.add_study_session(30, day="2026-01-05", skill=store.curriculum().skills[0].id,
                            note=MARK)
    store.add_reviews([Review(ids[0], "needs-work", MARK, MARK, "2026-01-02T10:00:00Z")])


def _shows_marker(w: QWidget) -> bool:
    if isinstance(w, QLabel):
        return "HOSTILE" in w.text()
    if isinstance(w, QAbstractButton):
        return "HOSTILE" in w.text()
    return False


def test_every_page_shows_hostile_strings_as_plain_text(qtbot, window):
    store = window.ctx.store
    _fill_hostile(store)
    window.check_external_changes()
    seen = 0
    for key in PAGE_KEYS:
        page = window.show_page(key)
        if key == "skills":
            page.open_item(store.curriculum().milestones[0].id)
        qtbot.wait(1)  # let queued refreshes run (no timing involved)
        for w in window.findChildren(QWidget):
            if isinstance(w, QLabel) and "HOSTILE" in w.text():
                seen += 1
                assert w.textFormat() == Qt.TextFormat.PlainText, (key, w.objectName(),
                                                                   w.text()[:80])
            tip = w.toolTip()
            if "HOSTILE" in tip:
                assert "<b>HOSTILE" not in tip, (key, type(w).__name__, tip[:80])
    assert seen >= 4  # the name, a note or review, a certification, ... really shown
    assert MARK in window.windowTitle()
