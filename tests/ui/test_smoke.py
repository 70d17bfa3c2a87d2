"""The app starts and shows its main window on a fresh data folder."""

from __future__ import annotations

from tracker.db.store import Store


def test_main_window_shows(qtbot, tmp_path):
    from tracker.ui.mainwindow import MainWindow

    store = Store.open(tmp_path / "d")
    try:
        win = MainWindow(store)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        assert "MLOps Career Tracker" in win.windowTitle()
    finally:
        store.close()
