"""The cyclic garbage collector runs on the GUI thread only (tracker/ui/gc_policy.py).

Without the policy, a Qt object owned by Python and caught in a reference cycle is freed by
whichever thread happens to trigger a collection: a worker that allocates. Its C++ destructor
then runs off the GUI thread; for a widget or a timer that is a segmentation fault at a random
moment (the CI run that died in test_review_import_ui.py). Each case runs in a child process,
so the test session's own collector setting does not matter."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from tests.conftest import ROOT

CHILD = r"""
import gc, json, sys, threading
from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
if sys.argv[1] == "policy":
    from tracker.ui import gc_policy
    gc_policy.install(app)
where = []

class Holder(QObject):
    def __init__(self):
        super().__init__()
        self.me = self  # a reference cycle: only the cyclic collector frees it

    def __del__(self):
        where.append(threading.current_thread().name)

gc.collect()  # start from empty generations
h = Holder()
del h

def allocate():  # crosses the first generation's threshold many times
    for _ in range(200):
        junk = [[] for _ in range(1000)]

t = threading.Thread(target=allocate, name="worker")
t.start()
t.join()
during = list(where)
loop = QEventLoop()
QTimer.singleShot(1500, loop.quit)  # the GUI thread's event loop runs for a while
loop.exec()
print(json.dumps({"during_worker": during, "after_event_loop": where}))
"""


def run_child(mode: str) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                       cwd=ROOT, timeout=120,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_without_the_policy_a_worker_thread_frees_qt_garbage():
    """The hazard is real: the control case shows a worker freeing a QObject."""
    out = run_child("plain")
    assert out["during_worker"] == ["worker"]


def test_with_the_policy_qt_garbage_is_freed_on_the_gui_thread():
    out = run_child("policy")
    assert out["during_worker"] == []
    assert out["after_event_loop"] == ["MainThread"]


def test_the_cohort_reader_never_collects_off_the_main_thread(monkeypatch, tmp_path):
    """A file that fails in an unforeseen way makes the reader collect: on the main thread
    (the CLI) it does; on a pool thread (the GUI's cohort window) it leaves that to the GUI
    thread's collector."""
    from tracker.exchange import cohort

    calls: list[str] = []
    monkeypatch.setattr(cohort.gc, "collect",
                        lambda *a: calls.append(threading.current_thread().name) or 0)

    def broken(*_a, **_k):
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(cohort, "read_progress_file", broken)
    f = tmp_path / "a.mlops-progress.json"
    f.write_text("{}", encoding="utf-8")

    t = threading.Thread(target=cohort._read_one, args=(f, cohort.CurriculumCache()),
                         name="pool")
    t.start()
    t.join()
    assert calls == []
    _, row, reason = cohort._read_one(f, cohort.CurriculumCache())
    assert row is None and reason
    assert calls == ["MainThread"]


def test_a_finished_job_keeps_nothing_alive_and_its_function_dies_on_the_gui_thread(qtbot):
    """tracker/ui/workers.py: the result comes back on the GUI thread; afterwards neither
    the job nor its function nor its callbacks are held anywhere (the old helper kept every
    job, and what its callbacks held, for good), and the function's last reference is
    dropped on the GUI thread, never on the pool thread."""
    import weakref

    from tracker.ui import workers

    freed_on: list[str] = []

    class Work:
        def __call__(self):
            return [threading.current_thread().name]

        def __del__(self):
            freed_on.append(threading.current_thread().name)

    results: list = []
    refs = []
    for _ in range(50):
        work = Work()
        refs.append(weakref.ref(work))
        workers.run(work, results.append, results.append)
        del work
    qtbot.waitUntil(lambda: len(results) == 50, timeout=20_000)
    assert all(r != ["MainThread"] for r in results)  # ran on the pool
    assert workers.pending() == 0
    assert all(ref() is None for ref in refs)
    assert freed_on == ["MainThread"] * 50


def test_a_failing_job_reports_its_exception_on_the_gui_thread(qtbot):
    from tracker.ui import workers

    seen: list = []

    def boom():
        raise ValueError("bad input")

    workers.run(boom, lambda r: seen.append(("done", r)),
                lambda e: seen.append((threading.current_thread().name, e)))
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    where, exc = seen[0]
    assert where == "MainThread" and isinstance(exc, ValueError) and str(exc) == "bad input"
    assert workers.pending() == 0
