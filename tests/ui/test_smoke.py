"""The app starts, shows its main window and every page on a fresh data folder; a data
folder that cannot be opened ends with one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import Qt

from tracker.db.store import Store
from tracker.ui.mainwindow import PAGE_KEYS


def test_main_window_shows(qtbot, tmp_path):
    from tracker.ui.mainwindow import MainWindow

    store = Store.open(tmp_path / "d")
    try:
        win = MainWindow(store, welcome=False)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        assert "MLOps Career Tracker" in win.windowTitle()
    finally:
        store.close()


def test_every_page_opens_with_its_shortcut(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from tracker.ui.mainwindow import MainWindow

    store = Store.open(tmp_path / "d")
    try:
        win = MainWindow(store, welcome=False)
        qtbot.addWidget(win)
        win.resize(1000, 700)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
        for n, key in enumerate(PAGE_KEYS, start=1):
            qtbot.keyClick(win, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)
            page = win.stack.currentWidget()
            assert page is win.page(key)
            assert page.title == win.sidebar.item(n - 1).text()
            assert page.isVisible()
    finally:
        store.close()


def test_unopenable_data_folder_exits_2_with_one_line(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tracker import diagnostics
    from tracker.app import run_gui
    from tracker.ui import error_dialog

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    try:
        assert run_gui(str(not_a_folder)) == 2
    finally:  # run_gui set up the hooks and the error dialog for this process
        error_dialog.uninstall()
        diagnostics.reset()
    assert len(shown) == 1 and "\n" not in shown[0]


def test_importing_the_app_module_pulls_in_no_qt():
    code = "import sys, tracker.app; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
