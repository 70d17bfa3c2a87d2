"""The main window (a minimal shell until the desktop pages land)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from tracker import APP_NAME


class MainWindow(QMainWindow):
    def __init__(self, store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(APP_NAME)
        label = QLabel("MLOps Career Tracker")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self.resize(1100, 750)
