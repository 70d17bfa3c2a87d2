"""Build the QApplication, open the store, show the main window.

Start-up stays lean: Qt widgets, the Store and the window are imported only here, inside
``run_gui``, and the window builds only the page it lands on (the others on first show).
``MLOPS_TRACKER_PAGE`` (dashboard, skills, levels, certifications, study) and
``MLOPS_TRACKER_THEME`` (system, light, dark) pick the first page and theme without
changing the saved settings (handy for screenshots). What goes wrong is logged: see
tracker/diagnostics.py.
"""

from __future__ import annotations

import os
import sys


def run_gui(data_dir: str | None = None, debug: bool = False,
            files: list[str] | None = None) -> int:
    """Start the GUI and open ``files`` (absolute paths: progress files in review mode,
    review files and badges offered for import). If a GUI already has this data folder
    open, hand it the files instead and return 0 (tracker/ui/instance.py)."""
    from tracker import diagnostics

    # First, so that start-up problems are recorded too: the crash file, the exception
    # hooks and the log (opened on a background thread); --debug adds stderr.
    diagnostics.configure(data_dir, debug=debug, gui=True)
    # Before QApplication and the widgets are loaded: a second start only needs QtCore and
    # QtNetwork to hand its files over (about 0.3 s instead of 0.5-1 s).
    from tracker import paths
    from tracker.ui import instance

    folder = paths.data_dir(data_dir)
    lock = instance.claim(folder)
    if lock is None:  # another window has this data folder: it opens the files
        try:
            instance.forward(folder, list(files or []))
        except instance.NotAnswering as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    from PySide6.QtWidgets import QApplication

    from tracker import APP_NAME, __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from tracker.ui import error_dialog, gc_policy

    gc_policy.install(app)  # before any worker thread: Qt objects die on the GUI thread only

    error_dialog.install(app)  # one dialog for unexpected errors; Qt's messages to the log
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("mlops-tracker")
    from tracker import APP_ID

    app.setDesktopFileName(APP_ID)  # resources/desktop/APP_ID.desktop: name and icon
    from tracker.ui import icons

    app.setWindowIcon(icons.app_icon())
    guard = instance.SingleInstance(folder, lock, app)
    from tracker.ui.recovery import open_store_with_recovery

    # A damaged database has been moved aside by then; this offers the newest backup. A
    # newer or unopenable one ends here with one line.
    # The structural check that grows with the file (quick_check: a quarter of a second on a
    # big history on a busy machine) runs once the window is up (check_after_start).
    try:
        store = open_store_with_recovery(data_dir, check=False)
        if store is None:
            return 2
        from tracker.db.errors import DamagedDatabaseError
        from tracker.ui.mainwindow import MainWindow

        try:
            win = MainWindow(store)
            checked = False
        except DamagedDatabaseError:
            # Damage the window met before the check ran: open again with the check,
            # which moves the file aside and offers the newest backup, as it always did.
            store.close()
            store = open_store_with_recovery(data_dir)
            if store is None:
                return 2
            win = MainWindow(store)
            checked = True
        guard.files_received.connect(win.open_files_from_outside)
        win.show()
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, gc_policy.freeze_start_up)  # after the first paint
        # No warm-up of the write side (SQLAlchemy, 30-odd MB): a tick writes with plain
        # sqlite3 (tracker.db.state_writer); the ORM loads on the first other kind of write.
        if not checked:
            from tracker.ui.recovery import check_after_start

            QTimer.singleShot(0, lambda: check_after_start(win.ctx, win))
        if files:
            QTimer.singleShot(0, lambda: win.open_files(files))
        if os.environ.get("MLOPS_TRACKER_EXIT_WHEN_READY"):
            _report_ready_and_quit(app, win)
        try:
            code = app.exec()
        finally:
            win.ctx.store.close()  # the current one: restoring a backup replaces it
        return code
    finally:
        guard.close()


def _report_ready_and_quit(app, win) -> None:
    """For the benchmark: once the window is shown, populated and painted, print one line
    (``READY``; with MLOPS_TRACKER_VISIT_PAGES=1 after visiting every page, plus the peak
    resident memory) and quit."""
    from PySide6.QtCore import QTimer

    def ready() -> None:
        extra = ""
        if os.environ.get("MLOPS_TRACKER_VISIT_PAGES"):
            from tracker.ui.mainwindow import PAGE_KEYS

            for key in PAGE_KEYS:
                win.show_page(key)
                win.repaint()
                app.processEvents()
            from tracker.procmem import peak_rss_kb

            rss_kb = peak_rss_kb()
            extra = f" rss_mb={rss_kb / 1024:.1f}"
        print("READY" + extra, flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
