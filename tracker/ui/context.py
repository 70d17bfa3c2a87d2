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
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack

from tracker.db.protocol import StoreAPI
from tracker.ui import workers

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
        self.read_only = False

    def notify(self, *kinds: str, message: str | None = None) -> None:
        _log.debug("changed: %s", ", ".join(sorted(kinds)))
        self.changed.emit(frozenset(kinds))
        if message:
            self.status_message.emit(message)

    def run_in_worker(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn`` on the pool (tracker/ui/workers.py); ``on_done(result)`` or
        ``on_error(exception)`` then run on the GUI thread. Without ``on_error`` the first
        line of the error goes to :attr:`error`."""
        def failed(exc: BaseException) -> None:
            if on_error:
                on_error(exc)
            else:
                self.error.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

        workers.run(fn, on_done, failed, self.pool)
