"""File > Open Cohort Folder…: the table loads in a worker (cancellable, window responsive),
sorts, filters, lists bad files, exports CSV and opens a learner in review mode."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tracker.exchange.progress import build_progress_document, write_document
from tracker.ui.cohort import CohortWindow, SortRole
from tracker.ui.review.review_window import ReviewWindow

WAIT = 20_000
LEARNERS = (("Ann", 40), ("bob & co <3", 5), ("Cleo", 120))



@pytest.fixture
def folder(tmp_path, store):
    """Three learners' exports and two bad files (one with markup in its name)."""
    out = tmp_path / "cohort"
    out.mkdir()
    ids = [m.id for m in store.curriculum().milestones]
    for name, n in LEARNERS:
        store.set_profile(name=name, target_level="senior")
        store.set_states({m: ("done" if i < n else "todo") for i, m in enumerate(ids[:150])})
        doc = build_progress_document(store.snapshot(with_history=False))
        write_document(out / f"{name.split()[0].lower()}.mlops-progress.json", doc)
    (out / "<b>evil<i>.mlops-progress.json").write_text("{not json")
    newer = json.loads((out / "ann.mlops-progress.json").read_text())
    newer["format_version"] = 7
    (out / "zed.mlops-progress.json").write_text(json.dumps(newer))
    (out / "notes.txt").write_text("ignored: not a progress file")
    return out


def open_cohort(qtbot, window, monkeypatch, folder) -> CohortWindow:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(folder)))
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        window.exchange_actions.open_cohort_action.trigger()
    win = next(w for w in window.exchange_actions.windows if isinstance(w, CohortWindow))
    qtbot.waitUntil(lambda: win.result is not None and not win.loading, timeout=WAIT)
    return win


def column(win, title):
    m = win.proxy
    return next(c for c in range(m.columnCount())
                if m.headerData(c, Qt.Orientation.Horizontal) == title)


def shown(win, col=0):
    return [win.proxy.index(r, col).data() for r in range(win.proxy.rowCount())]


def test_loads_good_files_and_lists_bad_ones(qtbot, window, monkeypatch, folder):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    assert win.windowTitle() == "MLOps Career Tracker — Cohort: cohort"
    assert shown(win) == ["Ann", "bob & co <3", "Cleo"]  # hostile text, literally
    assert win.proxy.headerData(0, Qt.Orientation.Horizontal) == "Learner"
    junior = column(win, "Junior MLOps Engineer")
    cells = shown(win, junior)
    assert all(c.endswith("%") or c.endswith("✓") for c in cells)
    assert shown(win, column(win, "Target level")) == ["Senior MLOps Engineer"] * 3
    assert shown(win, column(win, "Integrity")) == ["ok"] * 3
    assert shown(win, column(win, "Curriculum")) == ["known"] * 3  # the shipped pack
    assert win.bad_list.isVisibleTo(win) and win.bad_list.count() == 2
    texts = [win.bad_list.item(i).text() for i in range(2)]
    assert texts[0].startswith("<b>evil<i>.mlops-progress.json: ")
    assert texts[1].startswith("zed.mlops-progress.json: ") and "newer version" in texts[1]
    assert win.bad_heading.text() == "2 files could not be read"
    assert win.summary.text() == "3 learners · 2 unreadable · 1 other file ignored"
    assert "1 other file ignored" in win.statusBar().currentMessage()


def test_sorting_and_filtering(qtbot, window, monkeypatch, folder):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    junior = column(win, "Junior MLOps Engineer")
    win.table.sortByColumn(junior, Qt.SortOrder.DescendingOrder)
    assert shown(win) == ["Cleo", "Ann", "bob & co <3"]
    percents = [win.proxy.index(r, junior).data(SortRole) for r in range(3)]
    assert percents == sorted(percents, reverse=True)
    win.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown(win) == ["Cleo", "bob & co <3", "Ann"]

    qtbot.keyClicks(win.filter_edit, "BOB")
    assert shown(win) == ["bob & co <3"]
    assert win.summary.text() == "1 of 3 learners · 2 unreadable · 1 other file ignored"
    win.filter_edit.clear()
    assert win.proxy.rowCount() == 3


def test_export_csv_writes_the_rows_shown(qtbot, window, monkeypatch, folder, tmp_path):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    win.filter_edit.setText("c")  # bob & co, Cleo
    out = tmp_path / "cohort-out"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(win.finished, timeout=WAIT):
        win.csv_button.click()
    raw = (tmp_path / "cohort-out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as spreadsheets want
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["file", "learner", "target_level", "current_level"]
    assert [r[1] for r in rows[1:]] == ["bob & co <3", "Cleo"]
    assert "CSV with 2 learners saved" in win.statusBar().currentMessage()


def test_double_click_opens_review_mode(qtbot, window, monkeypatch, folder):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    win.show()
    qtbot.waitExposed(win)
    rect = win.table.visualRect(win.proxy.index(2, 0))
    # a real double-click: press/release, then the double-click event
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.exchange_actions.finished, timeout=WAIT):
        qtbot.mouseDClick(win.table.viewport(), Qt.MouseButton.LeftButton,
                          pos=rect.center())
    review = [w for w in window.exchange_actions.windows if isinstance(w, ReviewWindow)]
    assert len(review) == 1 and review[0].windowTitle().endswith("Review of Cleo")


def test_loading_is_cancellable_and_the_window_stays_responsive(qtbot, window, monkeypatch,
                                                                folder):
    import tracker.exchange.cohort as cohort

    real = cohort.load_cohort
    started = threading.Event()

    def slow(paths, **kw):  # waits (in the worker) until the user cancels
        started.set()
        for _ in range(2000):
            if kw["cancelled"]():
                break
            threading.Event().wait(0.005)
        return real(paths, **kw)

    monkeypatch.setattr(cohort, "load_cohort", slow)
    win = CohortWindow(window.ctx, folder)
    qtbot.addWidget(win)
    win.show()
    win.load()
    assert win.loading and win.progress_bar.isVisible() and win.cancel_button.isVisible()
    qtbot.waitUntil(started.is_set, timeout=WAIT)
    qtbot.keyClicks(win.filter_edit, "ann")  # the GUI thread is free while the worker runs
    assert win.filter_edit.text() == "ann"
    with qtbot.waitSignal(win.loaded, timeout=WAIT):
        win.cancel_button.click()
    assert win.result.cancelled and win.result.rows == []
    assert "cancelled" in win.statusBar().currentMessage()
    assert not win.progress_bar.isVisible() and not win.loading


def test_an_empty_or_missing_folder(qtbot, window, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    win = CohortWindow(window.ctx, empty)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=WAIT):
        win.load()
    assert win.proxy.rowCount() == 0 and not win.csv_button.isEnabled()
    gone = CohortWindow(window.ctx, tmp_path / "gone")
    qtbot.addWidget(gone)
    with qtbot.waitSignal(gone.loaded, timeout=WAIT):
        gone.load()
    assert "no such file or folder" in gone.last_error_box.text()


def test_cohort_models_pass_the_model_tester(qtbot, window, monkeypatch, folder,
                                             qtmodeltester):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    qtmodeltester.check(win.proxy.sourceModel())
    qtmodeltester.check(win.proxy)


def test_tooltips_from_files_are_escaped(qtbot, window, monkeypatch, folder):
    win = open_cohort(qtbot, window, monkeypatch, folder)
    rows = {win.proxy.index(r, 0).data(): r for r in range(win.proxy.rowCount())}
    r = rows["bob & co <3"]
    for c in range(win.proxy.columnCount()):
        t = win.proxy.index(r, c).data(Qt.ItemDataRole.ToolTipRole)
        if t:
            assert "<3" not in t and "& co" not in t, (c, t)
    assert "&lt;3" in win.proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_rows_show_while_the_folder_is_still_loading(qtbot, window, monkeypatch, folder):
    """Rows stream into the table batch by batch: here the worker pauses after its first
    batch, and the table already shows it (sorted) with the progress bar up."""
    import tracker.exchange.cohort as cohort

    real = cohort.load_cohort
    go_on = threading.Event()

    def paused(paths, **kw):
        on_rows = kw["on_rows"]

        def rows(batch):
            on_rows(batch)
            go_on.wait(WAIT / 1000)

        return real(paths, **{**kw, "on_rows": rows})

    monkeypatch.setattr(cohort, "load_cohort", paused)
    win = CohortWindow(window.ctx, folder)
    qtbot.addWidget(win)
    win.show()
    win.load()
    try:
        qtbot.waitUntil(lambda: win.proxy.rowCount() == 3, timeout=WAIT)
        assert win.loading and win.result is None and win.progress_bar.isVisible()
        assert shown(win) == ["Ann", "bob & co <3", "Cleo"]
        assert win.summary.text().startswith("Loading… 3 learners")
    finally:
        with qtbot.waitSignal(win.loaded, timeout=WAIT):
            go_on.set()
    assert not win.loading and shown(win) == ["Ann", "bob & co <3", "Cleo"]
    assert len(win.result.rows) == 3 and win.model.rowCount() == 3


def test_a_file_with_its_own_curriculum_is_flagged(qtbot, window, monkeypatch, folder):
    """hostile.md item 9: a cut curriculum under the known id and version, re-digested."""
    from tracker.exchange.digest import with_integrity

    doc = json.loads((folder / "ann.mlops-progress.json").read_text(encoding="utf-8"))
    keep, seen = [], set()
    for m in doc["curriculum"]["milestones"]:
        # a required milestone per level (an elective or option gives a level no units)
        if m["level"] not in seen and not m.get("options") and not m.get("elective"):
            seen.add(m["level"])
            keep.append({**m, "requires": [], "core": False})
    doc["curriculum"]["milestones"] = keep
    doc["curriculum"]["choices"] = []
    doc["learner"]["name"] = "Mallory"
    (folder / "mallory.mlops-progress.json").write_text(json.dumps(with_integrity(doc)))
    win = open_cohort(qtbot, window, monkeypatch, folder)
    names = shown(win)
    col = column(win, "Curriculum")
    assert shown(win, col)[names.index("Mallory")] == "differs"
    assert shown(win, column(win, "Integrity"))[names.index("Mallory")] == "ok"
    tip = win.proxy.index(names.index("Mallory"), col).data(Qt.ItemDataRole.ToolTipRole)
    assert "differs" in tip and "removed" in tip
    assert "1 file with a curriculum that differs" in win.summary.text()


def test_closing_the_window_while_it_loads_is_safe(qtbot, window, monkeypatch, folder):
    """The user closes the cohort window (deleted on close, as File > Open Cohort Folder
    makes it) while the worker is still reading: the worker's later progress, rows and
    skipped-file messages and its final result go nowhere, with no error and no crash."""
    import tracker.exchange.cohort as cohort
    from tracker.ui import workers

    real = cohort.load_cohort
    go_on, first_batch = threading.Event(), threading.Event()

    def paused(paths, **kw):
        on_rows = kw["on_rows"]

        def rows(batch):
            on_rows(batch)
            first_batch.set()
            go_on.wait(WAIT / 1000)

        return real(paths, **{**kw, "on_rows": rows, "cancelled": lambda: False})

    monkeypatch.setattr(cohort, "load_cohort", paused)
    win = CohortWindow(window.ctx, folder)
    window.exchange_actions.keep(win)
    win.show()
    win.load()
    qtbot.waitUntil(first_batch.is_set, timeout=WAIT)
    gone: list[bool] = []
    win.destroyed.connect(lambda *_: gone.append(True))
    win.close()
    qtbot.waitUntil(lambda: bool(gone), timeout=WAIT)
    go_on.set()  # the worker goes on: skipped files, progress, then its result
    qtbot.waitUntil(lambda: workers.pending() == 0, timeout=WAIT)
    qtbot.wait(50)  # queued emits from the worker are delivered (and ignored)
    assert not [w for w in window.exchange_actions.windows if isinstance(w, CohortWindow)]
