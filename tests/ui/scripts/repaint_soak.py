"""Repaint every page, chart and dialog of the app several hundred times in one process.

Run by tests/ui/test_repaint_soak.py in a child process, so that a native abort (a refcount
bug in the Qt binding, a dangling wrapper) fails that test with its stderr instead of taking
the test session down. Prints one JSON line of counts and exits 0 when everything survived.

    QT_QPA_PLATFORM=offscreen python tests/ui/scripts/repaint_soak.py DATA_DIR [ROUNDS]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget  # noqa: E402

counts = {"grabs": 0, "wheel": 0, "resizes": 0}


def wheel(widget: QWidget, down: bool) -> None:
    """One notch of the mouse wheel over the middle of ``widget``'s viewport."""
    target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    pos = QPointF(target.width() / 2, target.height() / 2)
    delta = -120 if down else 120
    ev = QWheelEvent(pos, target.mapToGlobal(pos), QPoint(0, 0), QPoint(0, delta),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(target, ev)
    counts["wheel"] += 1


def exercise(widget: QWidget, rounds: int, sizes: tuple[tuple[int, int], ...]) -> None:
    """Paint ``widget`` ``rounds`` times: grab, scroll every scroll area in it, resize."""
    app = QApplication.instance()
    for i in range(rounds):
        w, h = sizes[i % len(sizes)]
        if i % 5 == 0:
            widget.resize(w, h)
            counts["resizes"] += 1
        for area in widget.findChildren(QAbstractScrollArea):
            if area.isVisible():
                wheel(area, down=(i // 10) % 2 == 0)
        widget.grab()
        counts["grabs"] += 1
        app.processEvents()


def populate(data: Path) -> None:
    from tracker.bench import fill_big_history
    from tracker.db.store import Store
    from tracker.db.types import CertificationInput

    data.mkdir(parents=True, exist_ok=True)
    fill_big_history(data, events=3000, sessions=400, certs=6)
    with Store.open(data) as store:
        store.set_profile(name="Ada Lovelace", target_level="senior")
        ids = [m.id for m in store.curriculum().milestones]
        store.set_states({m: "done" for m in ids[:90]})
        store.set_states({m: "learning" for m in ids[90:110]})
        for m in ids[:20]:
            store.set_note(m, "Notes with ümlauts, <b>markup</b> and\nseveral lines")
            store.add_evidence(m, "https://example.com/evidence")
        store.add_certification(CertificationInput("Certified Kubernetes Administrator",
                                                   "CNCF", "2024-03-01"))


def main() -> int:
    data = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    populate(data)
    app = QApplication(sys.argv[:1])
    from tracker.ui import gc_policy

    gc_policy.install(app)  # as tracker/app.py does

    from tracker.db.store import Store
    from tracker.exchange.compare import compare
    from tracker.exchange.progress import (build_progress_document, read_progress_file,
                                           write_document)
    from tracker.ui.cohort import CohortWindow
    from tracker.ui.dialogs.certification import CertificationDialog
    from tracker.ui.mainwindow import PAGE_KEYS, MainWindow
    from tracker.ui.recovery import BackupsDialog
    from tracker.ui.review.review_window import CompareDialog, ReviewWindow
    from tracker.ui.welcome import ProfileDialog
    from tracker.ui.widgets.charts import _Chart
    from tracker.ui.widgets.weekly_chart import WeeklyChart

    store = Store.open(data)
    win = MainWindow(store, welcome=False)
    win.show()
    sizes = ((1280, 800), (1000, 700), (1366, 850), (900, 640))
    pages_done = []
    for key in PAGE_KEYS:
        win.show_page(key)
        exercise(win, rounds, sizes)
        pages_done.append(key)
    charts = [w for w in win.findChildren(QWidget) if isinstance(w, (_Chart, WeeklyChart))]
    for chart in charts:
        for _ in range(rounds):
            chart.grab()
            counts["grabs"] += 1

    # Two exports a few ticks apart: a cohort folder, a review window and a comparison.
    exports = data / "exports"
    exports.mkdir()
    older = exports / "ada-1.mlops-progress.json"
    write_document(older, build_progress_document(store.snapshot(with_history=False)))
    store.set_states({m.id: "done" for m in store.curriculum().milestones[110:120]})
    newer = exports / "ada-2.mlops-progress.json"
    write_document(newer, build_progress_document(store.snapshot(with_history=False)))
    r_old, r_new = read_progress_file(older), read_progress_file(newer)

    dialogs: list[tuple[str, QWidget]] = [
        ("certification", CertificationDialog(store.curriculum().certifications, parent=win)),
        ("profile", ProfileDialog(win.ctx, win)),
        ("backups", BackupsDialog(Path(store.folder), store=store, parent=win)),
        ("compare", CompareDialog(compare(r_old, r_new), r_new.curriculum, older.name,
                                  newer.name, win)),
    ]
    cohort = CohortWindow(win.ctx, exports)
    cohort.show()
    cohort.load()
    deadline = time.monotonic() + 60
    while (cohort.loading or cohort.result is None) and time.monotonic() < deadline:
        app.processEvents()
    if cohort.result is None or len(cohort.result.rows) != 2:
        print(f"the cohort window did not load the two exports: {cohort.result}", file=sys.stderr)
        return 1
    dialogs.append(("cohort", cohort))
    review = ReviewWindow(r_new, settings_folder=data, path=newer,
                          local_curriculum=store.curriculum())
    review._discard_ok = True
    dialogs.append(("review", review))
    for _name, dlg in dialogs:
        dlg.show()
        exercise(dlg, rounds // 2, sizes)
    for key in PAGE_KEYS:  # the review window's own (read-only) pages
        review.show_page(key)
        exercise(review, rounds // 4, sizes)
    for _name, dlg in dialogs:
        dlg.close()
    win.close()
    app.processEvents()
    store.close()
    print(json.dumps({**counts, "pages": pages_done, "charts": len(charts),
                      "dialogs": [n for n, _ in dialogs]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
