"""The log, the crash file and the exception hooks (tracker/diagnostics.py), without Qt:
the log file is created and rotated, threads' exceptions are logged with their traceback,
a native abort leaves a crash report that the next start sets aside, and the module costs
the command line nothing until something is logged."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tracker import diagnostics

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def diag(tmp_path, monkeypatch):
    """diagnostics configured in-process on a temporary data folder (faulthandler left to
    pytest), undone afterwards. Returns the data folder."""
    monkeypatch.delenv(diagnostics.ENV_DEBUG, raising=False)
    folder = tmp_path / "data"
    folder.mkdir()

    def configure(**kwargs):
        diagnostics.configure(folder, crash_file=False, **kwargs)
        return folder

    yield configure
    diagnostics.reset()


def read_log(folder: Path) -> str:
    return (folder / "logs" / diagnostics.LOG_FILE_NAME).read_text(encoding="utf-8")


def run_python(code: str, *args: str, env: dict[str, str] | None = None):
    full_env = {k: v for k, v in os.environ.items() if k != diagnostics.ENV_DEBUG}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=60)


# ------------------------------------------------------------------------ the log file
def test_the_log_file_is_created_in_the_data_folder_with_a_session_line(diag):
    folder = diag()
    path = diagnostics.start_logging()
    assert path == folder / "logs" / "tracker.log" == diagnostics.log_path()
    diagnostics.get_logger("tracker.test").info("hello %d", 42)
    text = read_log(folder)
    assert "MLOps Career Tracker" in text and f"pid {os.getpid()}" in text
    assert "INFO tracker.test" in text and "hello 42" in text
    diagnostics.get_logger("tracker.test").debug("not without --debug")
    assert "not without --debug" not in read_log(folder)


def test_the_log_rotates(diag, monkeypatch):
    monkeypatch.setattr(diagnostics, "LOG_MAX_BYTES", 2_000)
    folder = diag()
    log = diagnostics.get_logger("tracker.test")
    for n in range(400):
        log.info("line %04d %s", n, "x" * 40)
    names = sorted(p.name for p in (folder / "logs").iterdir())
    assert names == ["tracker.log", "tracker.log.1", "tracker.log.2", "tracker.log.3"]
    for name in names:
        assert (folder / "logs" / name).stat().st_size <= 2_000
    assert "line 0399" in read_log(folder)
    assert "line 0000" not in "".join((folder / "logs" / n).read_text() for n in names)


def test_debug_logs_debug_lines_and_copies_them_to_stderr(diag, capsys):
    folder = diag(debug=True)
    diagnostics.get_logger("tracker.test").debug("a debug line")
    assert "a debug line" in read_log(folder)
    assert "DEBUG tracker.test: a debug line" in capsys.readouterr().err


def test_the_environment_variable_turns_debug_on(diag, monkeypatch):
    monkeypatch.setenv(diagnostics.ENV_DEBUG, "1")
    diag()
    assert diagnostics.debug_enabled()
    monkeypatch.setenv(diagnostics.ENV_DEBUG, "0")
    diag()
    assert not diagnostics.debug_enabled()


def test_sqlalchemy_info_lines_and_statement_parameters_stay_out_of_the_log(diag):
    import logging

    folder = diag(debug=True)
    logging.getLogger("sqlalchemy.engine.Engine").info("INSERT INTO note ('private words')")
    diagnostics.get_logger("tracker.test").error(
        "failed", exc_info=RuntimeError("(sqlite3.OperationalError) disk I/O error\n"
                                        "[SQL: UPDATE progress SET note=?]\n"
                                        "[parameters: ('private words', 'python.venv')]"))
    text = read_log(folder)
    assert "disk I/O error" in text and "[parameters: not logged]" in text
    assert "private words" not in text


def test_an_unwritable_log_is_no_error(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    try:
        diagnostics.configure(not_a_folder, crash_file=False)
        assert diagnostics.start_logging() is None
        diagnostics.get_logger("tracker.test").error("nowhere to go")  # no exception
    finally:
        diagnostics.reset()


# ------------------------------------------------------------------------ the hooks
def test_an_exception_that_ends_a_thread_is_logged_with_its_traceback(diag):
    folder = diag()
    seen = []
    diagnostics.add_listener(lambda summary, details: seen.append((summary, details)))

    def work():
        raise ValueError("bad value in a worker")

    t = threading.Thread(target=work, name="boom-thread")
    t.start()
    t.join()
    text = read_log(folder)
    assert "unhandled exception in thread boom-thread: ValueError" in text
    assert "Traceback (most recent call last)" in text and "in work" in text
    assert "ValueError: bad value in a worker" in text
    [(summary, details)] = seen
    assert summary == "ValueError: bad value in a worker"
    assert "Thread: boom-thread" in details and "Traceback" in details


def test_sys_excepthook_logs_and_falls_back_to_the_previous_hook(diag, monkeypatch):
    previous = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: previous.append(exc[0]))
    folder = diag()
    try:
        raise KeyError("no such thing")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    assert "unhandled exception: KeyError" in read_log(folder)
    assert previous == [KeyError]  # no listener: still on stderr, as before
    diagnostics.reset()
    assert sys.excepthook is not diagnostics._sys_hook


def test_reset_restores_the_hooks(diag):
    before = (sys.excepthook, threading.excepthook)
    diag()
    assert sys.excepthook is diagnostics._sys_hook
    assert threading.excepthook is diagnostics._threading_hook
    diagnostics.reset()
    assert (sys.excepthook, threading.excepthook) == before


# ------------------------------------------------------------------------ the crash file
CRASH = ("import os, sys; from tracker import diagnostics; "
         "diagnostics.configure(sys.argv[1]); os.abort()")
CLEAN = ("import sys; from tracker import diagnostics; diagnostics.configure(sys.argv[1]); "
         "print(diagnostics.crash_path())")


@pytest.mark.skipif(sys.platform == "win32", reason="os.abort() opens a dialog on Windows")
def test_a_native_abort_leaves_a_crash_report_that_the_next_start_sets_aside(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    logs = folder / "logs"
    r = run_python(CRASH, str(folder))
    assert r.returncode != 0
    report = (logs / "crash.log").read_text()
    assert "Fatal Python error: Aborted" in report
    assert "Current thread" in report and "<string>" in report  # the Python stack

    r = run_python(CLEAN, str(folder))
    assert r.returncode == 0, r.stderr
    assert (logs / "crash.log").read_text() == ""  # a fresh one for this run
    [aside] = list(logs.glob("crash-*.log"))
    assert aside.read_text() == report
    text = (logs / "tracker.log").read_text()
    assert "a previous run crashed at" in text and "Fatal Python error: Aborted" in text
    assert aside.name in text


def test_a_clean_run_leaves_an_empty_crash_file_and_no_log(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    r = run_python(CLEAN, str(folder))
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()) == folder / "logs" / "crash.log"
    assert (folder / "logs" / "crash.log").read_text() == ""
    assert not (folder / "logs" / "tracker.log").exists()  # nothing to say: no log


def test_only_the_newest_crash_reports_are_kept(tmp_path):
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True)
    for n in range(7):
        old = logs / f"crash-2020010{n}-000000.log"
        old.write_text("Fatal Python error: old\n")
        os.utime(old, (1_577_836_800 + n * 86_400,) * 2)
    (logs / "crash.log").write_text("Fatal Python error: Segmentation fault\n")
    r = run_python(CLEAN, str(tmp_path / "data"))
    assert r.returncode == 0, r.stderr
    kept = sorted(p.name for p in logs.glob("crash-*.log"))
    assert len(kept) == diagnostics.KEEP_CRASH_FILES
    assert "crash-20200100-000000.log" not in kept  # the oldest went first
    assert "Segmentation fault" in (logs / "tracker.log").read_text()


def test_the_command_line_makes_no_data_folder_for_its_crash_file(tmp_path):
    r = run_python(CLEAN, str(tmp_path / "missing"))
    assert r.returncode == 0 and r.stdout.strip() == "None"
    assert not (tmp_path / "missing").exists()


# ------------------------------------------------------------------------ start-up cost
def test_the_command_line_imports_no_logging_handlers_until_something_is_logged(tmp_path):
    code = ("import sys; from tracker.cli import main; main(['--data-dir', sys.argv[1], "
            "'status', '--json']); main(['--data-dir', sys.argv[1], 'status', '--json']); "
            "sys.stderr.write(repr('logging.handlers' in sys.modules))")
    r = run_python(code, str(tmp_path / "d"))
    assert r.stderr.strip().endswith("False"), r.stderr
    assert (tmp_path / "d" / "logs" / "crash.log").exists()


def test_diagnostics_imports_no_qt():
    r = run_python("import sys, tracker.diagnostics; "
                   "print(any(m.startswith('PySide6') for m in sys.modules))")
    assert r.stdout.strip() == "False", r.stderr
