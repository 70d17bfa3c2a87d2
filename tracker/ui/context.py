"""The app context every page receives: the Store, the undo stack, one change hook, and a
worker pool.

Threading rule: everything here lives on the GUI thread. ``run_in_worker`` runs a function
on a pool thread and delivers its result (or its exception) back on the GUI thread; the
worker function must not touch widgets.

Screens never call each other. After a mutation, ``changed`` is emitted with the set of
kinds that changed (see ``Kinds``); each page decides whether to redraw.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QUndoStack

from tracker.db.protocol import StoreAPI

_log = logging.getLogger(__name__)  # ids, counts and kinds only: never a note's text


class Kinds:
    PROGRESS = "progress"        # milestone states
    NOTES = "notes"              # notes and evidence
    PROFILE = "profile"
    CERTS = "certifications"
    STUDY = "study"
    REVIEWS = "reviews"
    CURRICULUM = "curriculum"
    ALL = frozenset({PROGRESS, NOTES, PROFILE, CERTS, STUDY, REVIEWS, CURRICULUM})


def log_worker_error(fn: Callable[..., Any], exc: BaseException) -> None:
    """Log a pool job's exception with its traceback (any thread): the user sees one line,
    the log keeps the rest. Refused input and file errors are warnings, the rest errors."""
    from tracker import diagnostics
    from tracker.db.errors import TrackerError

    name = getattr(fn, "__qualname__", None) or type(fn).__name__
    level = logging.WARNING if isinstance(exc, (TrackerError, OSError)) else logging.ERROR
    diagnostics.get_logger("tracker.ui.worker").log(
        level, "background job %s failed: %s", name, type(exc).__name__, exc_info=exc)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:  # pool thread
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            log_worker_error(self.fn, exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class AppContext(QObject):
    """Shared by the main window and its pages (GUI thread only)."""

    changed = Signal(object)          # frozenset[str] of Kinds
    status_message = Signal(str)      # "Saved", errors... shown in the status bar
    error = Signal(str)               # one-line error for a message box
    navigate = Signal(str, object)    # page name, argument (e.g. ("skills", milestone_id))

    def __init__(self, store: StoreAPI, parent: QObject | None = None):
        super().__init__(parent)
        self.store: StoreAPI = store  # the Store, or review mode's read-only FileStore
        self.undo_stack = QUndoStack(self)
        self.pool = QThreadPool.globalInstance()
        self._jobs: set[_Job] = set()
        self.read_only = False

    def notify(self, *kinds: str, message: str | None = None) -> None:
        _log.debug("changed: %s", ", ".join(sorted(kinds)))
        self.changed.emit(frozenset(kinds))
        if message:
            self.status_message.emit(message)

    def run_in_worker(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None) -> None:
        job = _Job(fn)
        job.setAutoDelete(False)
        self._jobs.add(job)

        @Slot(object)
        def done(result: Any) -> None:
            self._jobs.discard(job)
            on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            self._jobs.discard(job)
            if on_error:
                on_error(exc)
            else:
                self.error.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        self.pool.start(job)
