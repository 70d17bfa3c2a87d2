"""Unexpected errors in the GUI: an exception in a Qt slot is logged with its traceback and
shows exactly one dialog, whose Copy details button fills the clipboard; a burst adds to
that dialog instead of stacking windows; worker errors keep their traceback in the log; Qt's
messages go to the log; and a note's text never reaches the log."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import QObject, Qt, Signal, qWarning
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tracker import diagnostics
from tracker.ui import error_dialog
from tracker.ui.error_dialog import ErrorDialog

WAIT = 5_000
SECRET = "my-private-note-5f1c"


class Emitter(QObject):
    fire = Signal()


@pytest.fixture
def reporter(qapp, tmp_path, monkeypatch):
    """diagnostics on a temporary data folder (debug: the most verbose log) and the error
    dialog installed, both undone afterwards."""
    monkeypatch.delenv(diagnostics.ENV_DEBUG, raising=False)
    folder = tmp_path / "data"
    folder.mkdir()
    diagnostics.configure(folder, debug=True, crash_file=False)
    rep = error_dialog.install(qapp)
    rep.folder = folder
    yield rep
    error_dialog.uninstall()
    diagnostics.reset()


def log_text(rep) -> str:
    return (rep.folder / "logs" / "tracker.log").read_text(encoding="utf-8")


def error_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ErrorDialog) and w.isVisible()]


def boom() -> None:
    raise ValueError("boom in a slot")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shows_one_dialog_with_copy(qtbot, reporter):
    emitter = Emitter()
    emitter.fire.connect(boom)
    emitter.fire.emit()  # PySide6 hands the exception to sys.excepthook
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=WAIT)
    dlg = reporter.dialog
    qtbot.waitExposed(dlg)
    assert error_dialogs() == [dlg] and reporter.shown == 1
    assert dlg.summary.text() == "ValueError: boom in a slot"
    assert "Something unexpected went wrong" in dlg.explanation.text()
    assert str(reporter.folder / "logs" / "tracker.log") in dlg.explanation.text()
    details = dlg.details.toPlainText()
    assert "Traceback (most recent call last)" in details and "in boom" in details
    assert "Thread: MainThread" in details and "MLOps Career Tracker" in details

    text = log_text(reporter)
    assert "unhandled exception: ValueError" in text
    assert "Traceback (most recent call last)" in text and "ValueError: boom in a slot" in text

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dlg.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == details
    assert dlg.copy_button.text() == "Copied" and dlg.isVisible()  # copying does not close

    dlg.close_button.click()
    qtbot.waitUntil(lambda: reporter.dialog is None, timeout=WAIT)
    emitter.fire.emit()
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=WAIT)
    assert reporter.shown == 2
    reporter.dialog.close()


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_exceptions_shows_one_dialog(qtbot, reporter):
    emitter = Emitter()
    emitter.fire.connect(boom)
    for _ in range(50):
        emitter.fire.emit()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.errors == 50,
                    timeout=WAIT)
    dlg = reporter.dialog
    assert reporter.shown == 1 and error_dialogs() == [dlg]
    assert dlg.more.text().startswith("49 more errors happened since")
    details = dlg.details_text()
    assert details.count("Traceback") == error_dialog.MAX_DETAILED
    assert "(40 more errors, in the log)" in details
    assert log_text(reporter).count("unhandled exception: ValueError") == 50
    dlg.close()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_shows_the_dialog_on_the_gui_thread(qtbot, reporter):
    def work():
        raise KeyError("from a thread")

    t = threading.Thread(target=work, name="background")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=WAIT)
    assert "Thread: background" in reporter.dialog.details.toPlainText()
    assert "unhandled exception in thread background: KeyError" in log_text(reporter)
    reporter.dialog.close()


def test_worker_errors_keep_their_traceback_in_the_log_and_show_one_line(qtbot, reporter,
                                                                         ctx):
    def load_everything():
        raise ZeroDivisionError("nothing to divide")

    lines = []
    ctx.error.connect(lines.append)
    ctx.run_in_worker(load_everything, lambda _result: None)
    qtbot.waitUntil(lambda: bool(lines), timeout=WAIT)
    assert lines == ["nothing to divide"]  # the existing one-line message
    text = log_text(reporter)
    assert "background job" in text and "load_everything failed: ZeroDivisionError" in text
    assert "Traceback (most recent call last)" in text and "in load_everything" in text
    assert reporter.dialog is None  # handled: no "unexpected error" dialog


def test_qt_messages_go_to_the_log(reporter):
    qWarning("a warning from Qt for the log")
    assert "WARNING tracker.qt" in log_text(reporter)
    assert "a warning from Qt for the log" in log_text(reporter)


def test_a_note_never_reaches_the_log(qtbot, reporter, ctx, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from tracker.ui.operations import AddEvidence, SetNote, perform

    milestone = ctx.store.curriculum().milestones[0].id
    assert perform(ctx, SetNote(ctx, milestone, SECRET))
    assert perform(ctx, AddEvidence(ctx, milestone, SECRET + " evidence"))
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    assert ctx.store.progress()[milestone].note == SECRET
    # A database error carries the statement's parameters in its text: they stay out.
    lines = []
    ctx.error.connect(lines.append)

    def failing_set_note(milestone_id, note):
        raise OperationalError("UPDATE progress SET note=? WHERE milestone=?",
                               (note, milestone_id), sqlite3.OperationalError("disk I/O"))

    monkeypatch.setattr(ctx.store, "set_note", failing_set_note)
    assert not perform(ctx, SetNote(ctx, milestone, SECRET + " again"))
    assert lines
    text = log_text(reporter)
    assert "apply SetNote" in text and "apply AddEvidence" in text and "undo AddEvidence" in text
    assert "apply SetNote failed: OperationalError" in text and "Traceback" in text
    assert "[parameters: not logged]" in text
    assert SECRET not in text


def test_the_dialog_text_is_plain(qtbot):
    dlg = ErrorDialog("ValueError: <b>not bold</b>", "details <i>here</i>", None)
    qtbot.addWidget(dlg)
    assert dlg.summary.textFormat() == Qt.TextFormat.PlainText
    assert dlg.explanation.textFormat() == Qt.TextFormat.PlainText
    assert "could not be written" in dlg.explanation.text()
    assert dlg.details.toPlainText() == "details <i>here</i>"
