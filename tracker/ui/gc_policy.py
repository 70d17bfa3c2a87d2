"""Python's cyclic garbage collector runs on the GUI thread only.

The collector normally runs in whichever thread happens to allocate when a generation's
threshold is crossed: in this app often a pool worker reading a file, the warm-up thread
importing SQLAlchemy, or a review's signature check. If the garbage it finds holds a Qt
object owned by Python (a window, a dialog, a timer, a signal holder in a reference cycle),
that object's C++ destructor then runs on that worker thread. Qt objects must be destroyed on
the thread they live on; a QWidget or QTimer destroyed elsewhere prints "Timers cannot be
stopped from another thread" and the process dies with a segmentation fault, at a random
moment (the CI run of release 0.2 died this way in ``tests/ui/test_review_import_ui.py``;
``tests/ui/test_gc_policy.py`` reproduces the mechanism in a child process).

:func:`install` turns automatic collection off and lets a timer on the GUI thread collect
instead, with the interpreter's own thresholds (the scheme pyqtgraph uses for the same
reason). Worker threads never collect: nothing in the app calls ``gc.collect()`` off the main
thread (``tracker.exchange.cohort`` checks which thread it is on), and the cohort reader, which
turns automatic collection off during a load, only turns it back on if it was on.

GUI thread only.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: How often the GUI thread collects the youngest generation (ms); older generations follow
#: the interpreter's own thresholds, counted in these collections.
INTERVAL_MS = 1000

_installed: GuiThreadCollector | None = None


class GuiThreadCollector(QObject):
    """Collects on the GUI thread, generation by generation, as the interpreter would.

    The youngest generation is collected on every tick that finds new objects, not only
    when the allocation count is past the threshold: the automatic collector also fires on
    short allocation bursts (a worker parsing a file) that are gone by the time a timer
    looks, and garbage must not wait for the next burst on the GUI thread. A collection of
    the youngest generation costs microseconds."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        generation = 0
        if counts[1] > self.threshold[1]:
            generation = 1
            if counts[2] > self.threshold[2]:
                generation = 2
        if counts[0] or generation:
            gc.collect(generation)


def install(app: QCoreApplication | None = None) -> GuiThreadCollector:
    """Turn off automatic collection and collect on ``app``'s thread (once per process)."""
    global _installed
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("gc_policy.install needs a QApplication")
    if _installed is None:
        _installed = GuiThreadCollector(app)
    gc.disable()
    return _installed


def freeze_start_up() -> None:
    """Once the first window is up (call it then, on the GUI thread): what exists now lives as
    long as the app, so the collector stops scanning it (``gc.freeze``). A full collection
    then walks only what was made since: about 90 ms less on the GUI thread each time with
    a filled data folder (42,000 objects after every page was shown, measured)."""
    gc.freeze()
