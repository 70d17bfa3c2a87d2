"""Build the QApplication, open the store, show the main window.

Start-up stays lean: Qt widgets, the Store and the window are imported only here, inside
``run_gui``, and the window builds only the page it lands on (the others on first show).
``MLOPS_TRACKER_PAGE`` (dashboard, skills, levels, certifications, study) and
``MLOPS_TRACKER_THEME`` (system, light, dark) pick the first page and theme without
changing the saved settings (handy for screenshots).
"""

from __future__ import annotations

import os
import sys


def run_gui(data_dir: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tracker import APP_NAME, __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("mlops-tracker")
    app.setDesktopFileName("mlops-tracker")
    from tracker.ui import icons

    app.setWindowIcon(icons.app_icon())
    from tracker.curriculum.loader import CurriculumError
    from tracker.db.errors import TrackerError

    try:
        from tracker.db.store import Store

        store = Store.open(data_dir)
    except (TrackerError, CurriculumError, OSError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                          f"Could not open the data folder: {text}")
        from PySide6.QtCore import Qt

        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        return 2
    from tracker.ui.mainwindow import MainWindow

    win = MainWindow(store)
    win.show()
    if os.environ.get("MLOPS_TRACKER_EXIT_WHEN_READY"):
        _report_ready_and_quit(app, win)
    try:
        return app.exec()
    finally:
        store.close()


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
            import resource

            rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            extra = f" rss_mb={rss_kb / 1024:.1f}"
        print("READY" + extra, flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
