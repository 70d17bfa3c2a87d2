"""A damaged installed pack: the window opens on the stored curriculum and says so in the
status bar (issue 10, review §4)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tracker import paths
from tracker.db.store import Store
from tracker.ui.mainwindow import MainWindow


def test_the_window_notes_a_damaged_pack_file_and_runs_on_the_stored_copy(
        qtbot, tmp_path, tiny_default, tiny_path):
    folder = tmp_path / "d"
    custom = tmp_path / "bootcamp.toml"
    custom.write_text(tiny_path.read_text().replace('id = "tiny"', 'id = "bootcamp"', 1))
    with Store.open(folder) as s:
        s.use_pack(custom)
    paths.installed_pack_path(folder).write_text('id = "<b>broken</b>"\n')
    store = Store.open(folder)
    try:
        win = MainWindow(store, welcome=False)
        qtbot.addWidget(win)
        assert store.curriculum().id == "bootcamp"
        note = win.statusBar().findChild(QLabel, "curriculumWarning")
        assert note is not None and "stored copy" in note.text()
        assert "active.toml" in note.toolTip() and "<b>" not in note.toolTip()
    finally:
        store.close()


def test_no_note_when_the_pack_file_is_fine(qtbot, store):
    win = MainWindow(store, welcome=False)
    qtbot.addWidget(win)
    assert win.statusBar().findChild(QLabel, "curriculumWarning") is None
