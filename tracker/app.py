"""Build the QApplication, open the store, show the main window."""

from __future__ import annotations

import sys


def run_gui(data_dir: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tracker import APP_NAME

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("mlops-tracker")
    from tracker.db.errors import TrackerError
    from tracker.curriculum.loader import CurriculumError

    try:
        from tracker.db.store import Store

        store = Store.open(data_dir)
    except (TrackerError, CurriculumError, OSError) as exc:
        QMessageBox.critical(None, APP_NAME, str(exc).splitlines()[0])
        return 2
    from tracker.ui.mainwindow import MainWindow

    win = MainWindow(store)
    win.show()
    try:
        return app.exec()
    finally:
        store.close()
