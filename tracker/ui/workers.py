"""Run a function on a pool thread and get its result back on the GUI thread: the one worker
helper of the GUI (the app context's ``run_in_worker`` and the recovery dialog's
``run_with_progress`` both use it).

How it stays safe with Qt and with Python's reference counting:

- The pool runs a plain callable (``QThreadPool.start(callable)``): no QObject is made per
  job, so nothing that belongs to the GUI thread is ever destroyed on a pool thread. (The
  helper it replaces made a QObject per job to carry its signals; every job and everything
  its callbacks held stayed alive for good, and freeing them from a pool thread would have
  destroyed a GUI-thread object there.)
- One long-lived bridge object on the GUI thread carries every result back (a queued signal)
  and keeps each job's function and callbacks until the result has been delivered. The pool
  thread lets go of the function before it sends the result, so the last reference to the
  function, and to whatever widgets its closure holds, is always dropped on the GUI thread.
- The function must return plain data, never a Qt object.

The cyclic garbage collector runs on the GUI thread only (tracker/ui/gc_policy.py).
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


def log_worker_error(fn: Callable[..., Any], exc: BaseException) -> None:
    """Log a pool job's exception with its traceback (any thread): the user sees one line,
    the log keeps the rest. Refused input and file errors are warnings, the rest errors."""
    import logging

    from tracker import diagnostics
    from tracker.db.errors import TrackerError

    name = getattr(fn, "__qualname__", None) or type(fn).__name__
    level = logging.WARNING if isinstance(exc, (TrackerError, OSError)) else logging.ERROR
    diagnostics.get_logger("tracker.ui.worker").log(
        level, "background job %s failed: %s", name, type(exc).__name__, exc_info=exc)


class _Bridge(QObject):
    """Lives on the GUI thread for the whole process; results arrive here, queued."""

    finished = Signal(int, bool, object)  # job key, succeeded, result or exception

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[int, tuple[Callable[[], Any], OnDone, OnError]] = {}
        self._keys = itertools.count(1)
        self.finished.connect(self._deliver)

    def submit(self, fn: Callable[[], Any], on_done: OnDone, on_error: OnError,
               pool: QThreadPool) -> None:
        key = next(self._keys)
        self.pending[key] = (fn, on_done, on_error)
        pool.start(functools.partial(_run, self, key))

    @Slot(int, bool, object)
    def _deliver(self, key: int, ok: bool, payload: Any) -> None:
        fn, on_done, on_error = self.pending.pop(key)
        del fn  # on the GUI thread, after the pool thread has let go of it
        if ok:
            on_done(payload)
        else:
            on_error(payload)


def _run(bridge: _Bridge, key: int) -> None:  # pool thread
    fn = bridge.pending[key][0]
    try:
        payload, ok = fn(), True
    except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
        log_worker_error(fn, exc)
        payload, ok = exc, False
    del fn
    bridge.finished.emit(key, ok, payload)


_bridge: _Bridge | None = None


def run(fn: Callable[[], Any], on_done: OnDone, on_error: OnError,
        pool: QThreadPool | None = None) -> None:
    """Run ``fn()`` on ``pool`` (the global pool by default); then ``on_done(result)`` or
    ``on_error(exception)`` on the GUI thread. Call from the GUI thread."""
    global _bridge
    if _bridge is None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("tracker.ui.workers.run must be called from the GUI thread")
        _bridge = _Bridge()
    _bridge.submit(fn, on_done, on_error, pool or QThreadPool.globalInstance())


def pending() -> int:
    """How many jobs have not delivered their result yet (for tests)."""
    return len(_bridge.pending) if _bridge is not None else 0
