"""What the app leaves behind when something goes wrong: a log, a crash file, and hooks that
put every unhandled exception in the log. Qt-free; the GUI's dialog is in
tracker/ui/error_dialog.py.

Both files are in the data folder's ``logs/`` subfolder (README: "When something goes
wrong"):

- ``tracker.log``: the standard library's logging, through a RotatingFileHandler (512 KB,
  then ``tracker.log.1`` to ``.3``). INFO and up; with ``--debug`` (or
  ``MLOPS_TRACKER_DEBUG=1``) DEBUG too, and every record is copied to stderr. It holds ids,
  counts, exception types and tracebacks, never the text of a note, evidence or a study
  note: the app logs no user text, SQLAlchemy's loggers (whose INFO lines carry statement
  parameters) stay at WARNING, and ``[parameters: ...]`` lines in exception texts are
  blanked. The app and the command line may write to it at the same time; rotation is
  best-effort then.
- ``crash.log``: where :mod:`faulthandler` writes the Python stacks when the process dies of
  a native fault (segfault, abort, a Qt fatal error). It is opened (append) for the whole
  life of the process and stays empty in a run that does not crash. At the next start a
  non-empty crash file is renamed ``crash-YYYYMMDD-HHMMSS.log`` (the time of the crash), a
  warning naming it goes to the log, and the newest five are kept.

``sys.excepthook`` and ``threading.excepthook`` log an unhandled exception with its
traceback, then hand a one-line summary and the details to the listeners (the GUI's error
dialog). Without a listener they also call the previous hook (a traceback on stderr, as
before), unless --debug already copied the record there.

The GUI (``configure(gui=True)``) creates the data folder if needed and opens the log on a
background thread; the command line uses the folder only if it exists and opens the log
only when there is something to write: an unexpected failure, or --debug.

Start-up cost: importing this module costs ``faulthandler`` only; ``logging.handlers``
(about 10 ms) is imported with the first record.

Threading rule: :func:`configure` and :func:`reset` on the main thread; everything else
from any thread.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging
    from types import TracebackType

ENV_DEBUG = "MLOPS_TRACKER_DEBUG"
LOG_FILE_NAME = "tracker.log"
CRASH_FILE_NAME = "crash.log"
LOG_MAX_BYTES = 512 * 1024
LOG_BACKUPS = 3
KEEP_CRASH_FILES = 5
APP_LOGGER = "tracker"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
STDERR_FORMAT = "%(levelname)s %(name)s: %(message)s"
_DEBUG, _INFO, _WARNING = 10, 20, 30  # logging's levels, without importing it

# Called with (summary, details) from any thread; must return quickly.
Listener = Callable[[str, str], None]


def debug_from_env() -> bool:
    """MLOPS_TRACKER_DEBUG is set to anything but "", "0", "false", "no" or "off"."""
    return os.environ.get(ENV_DEBUG, "").strip().lower() not in ("", "0", "false", "no",
                                                                 "off")


class _State:
    def __init__(self) -> None:
        self.configured = False
        self.debug = False
        self.gui = False
        self.data_folder: Path | None = None     # resolved; may not exist (command line)
        self.crash_file: Any = None              # the open crash file
        self.crash_path: Path | None = None
        self.faulthandler_before = False
        self.logging_started = False
        self.log_path: Path | None = None
        self.to_stderr = False                   # --debug: records are copied to stderr
        self.handlers: list[Any] = []
        self.levels: dict[str, int] = {}         # logger name -> its level before
        self.pending: list[tuple[int, str]] = []  # written once the log is open
        self.hooks: tuple[Any, Any] | None = None  # the previous sys / threading hooks
        self.listeners: list[Listener] = []


_lock = threading.RLock()
_state = _State()


# --------------------------------------------------------------------------- set-up
def configure(data_dir: str | os.PathLike[str] | None = None, *, debug: bool = False,
              gui: bool = False, crash_file: bool = True) -> None:
    """Set diagnostics up for this process; a second call replaces the first.

    ``data_dir`` is the ``--data-dir`` override (None: the usual folder). ``gui``: create the
    data folder if needed and open the log now, on a background thread; otherwise (command
    line) use the folder only if it exists, and open the log with the first record.
    ``debug`` (or MLOPS_TRACKER_DEBUG): DEBUG records, copied to stderr.
    ``crash_file=False`` leaves faulthandler alone (for in-process tests)."""
    reset()
    with _lock:
        st = _state
        st.configured = True
        st.debug = debug or debug_from_env()
        st.gui = gui
        st.data_folder = _resolve(data_dir)
        _install_hooks(st)
        if crash_file and st.data_folder is not None:
            _open_crash_file(st, create=gui)
        now = st.debug or bool(st.pending)
    if now:
        start_logging()
    elif gui:
        # Not a daemon (it takes milliseconds): a daemon thread still running when the
        # interpreter finalizes can be stopped inside a PySide6 wrapper's deallocation and
        # abort the process ("terminate called without an active exception").
        threading.Thread(target=start_logging, name="log-setup", daemon=False).start()


def reset() -> None:
    """Undo :func:`configure`: hooks, log handlers, crash file, listeners (tests use it)."""
    global _state
    with _lock:
        st = _state
        if st.hooks is not None:
            previous_sys, previous_threading = st.hooks
            if sys.excepthook is _sys_hook:
                sys.excepthook = previous_sys
            if threading.excepthook is _threading_hook:
                threading.excepthook = previous_threading
        if st.handlers or st.levels:
            import logging

            root = logging.getLogger()
            for handler in st.handlers:
                root.removeHandler(handler)
                handler.close()
            for name, level in st.levels.items():
                logging.getLogger(name).setLevel(level)
        if st.crash_file is not None:
            faulthandler.disable()
            if st.faulthandler_before and sys.__stderr__ is not None:
                try:
                    faulthandler.enable(file=sys.__stderr__)
                except (OSError, ValueError, RuntimeError):
                    pass
            st.crash_file.close()
        _state = _State()


def _resolve(data_dir: str | os.PathLike[str] | None) -> Path | None:
    try:
        from tracker import paths

        return paths.data_dir(data_dir)
    except Exception:  # noqa: BLE001 - e.g. an empty --data-dir, refused elsewhere
        return None


def _open_crash_file(st: _State, *, create: bool) -> None:
    from tracker import paths

    assert st.data_folder is not None
    logs = paths.logs_dir(st.data_folder)
    try:
        if create:
            logs.mkdir(parents=True, exist_ok=True)
        elif os.path.isdir(st.data_folder):
            logs.mkdir(exist_ok=True)
        else:
            return  # the command line never creates a data folder just for this
        path = logs / CRASH_FILE_NAME
        _set_aside_previous_crash(st, path)
        fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process' life
    except OSError:
        return  # a read-only or full disk, a file where the folder should be: no crash file
    st.faulthandler_before = faulthandler.is_enabled()
    faulthandler.enable(file=fh, all_threads=True)
    st.crash_file, st.crash_path = fh, path


def _set_aside_previous_crash(st: _State, path: Path) -> None:
    """A non-empty crash file is a crash report of an earlier run: rename it after the time
    it was written, say so in the log, and keep the newest few."""
    try:
        size, mtime = path.stat().st_size, path.stat().st_mtime
    except OSError:
        return
    if size == 0:
        return
    import time

    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(mtime))
    aside = path.with_name(f"crash-{stamp}.log")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"crash-{stamp}-{n}.log")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline(300).strip()
        path.rename(aside)  # fails on Windows while another process has it open: next time
    except OSError:
        return
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(mtime))
    st.pending.append((_WARNING, f"a previous run crashed at {when} ({first or 'no details'});"
                                 f" its crash report is {aside}"))
    old = sorted(path.parent.glob("crash-*.log"), key=lambda p: p.stat().st_mtime)
    for stale in old[:-KEEP_CRASH_FILES]:
        try:
            stale.unlink()
        except OSError:
            pass


def start_logging() -> Path | None:
    """Open the log: the rotating file (and stderr with --debug) on the root logger.
    Idempotent. Returns the log file, or None (not configured, or it cannot be written)."""
    with _lock:
        st = _state
        if not st.configured or st.logging_started:
            return st.log_path
        st.logging_started = True
        import logging
        import logging.handlers

        from tracker import paths

        class Formatter(logging.Formatter):
            def format(self, record: logging.LogRecord) -> str:
                return redact(super().format(record))

        class RotatingFile(logging.handlers.RotatingFileHandler):
            def handleError(self, record: logging.LogRecord) -> None:
                # A full disk must not turn one error line into a logging traceback.
                pass

        handlers: list[logging.Handler] = []
        if st.data_folder is not None:
            path = paths.logs_dir(st.data_folder) / LOG_FILE_NAME
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handler: logging.Handler = RotatingFile(
                    path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
            except OSError:
                pass
            else:
                handler.setFormatter(Formatter(LOG_FORMAT))
                handlers.append(handler)
                st.log_path = path
        if st.debug:
            stream = logging.StreamHandler(sys.stderr)
            stream.setFormatter(Formatter(STDERR_FORMAT))
            handlers.append(stream)
            st.to_stderr = True
        if not handlers:  # keep logging's last resort (stderr) quiet: no log, no noise
            handlers.append(logging.NullHandler())
        root = logging.getLogger()
        for handler in handlers:
            root.addHandler(handler)
        st.handlers = handlers
        for name, level in ((APP_LOGGER, _DEBUG if st.debug else _INFO),
                            ("alembic", _INFO),          # "Running upgrade ..." lines
                            ("alembic.runtime.plugins", _WARNING),
                            ("sqlalchemy", _WARNING)):   # its INFO lines carry parameters
            lg = logging.getLogger(name)
            st.levels[name] = lg.level
            lg.setLevel(level)
        log = logging.getLogger(f"{APP_LOGGER}.diagnostics")
        log.info("%s", session_line())
        for level, message in st.pending:
            log.log(level, "%s", message)
        st.pending.clear()
        return st.log_path


# --------------------------------------------------------------------------- use
def get_logger(name: str = APP_LOGGER) -> logging.Logger:
    """A logger, after opening the log if it is not open yet (so a record written now is
    not lost to a log still being set up)."""
    start_logging()
    import logging

    return logging.getLogger(name)


def note(message: str, level: int = _INFO) -> None:
    """Log one line without waiting for the log to open (it is written when it does);
    for start-up facts. ``message`` is literal text."""
    with _lock:
        if _state.configured and not _state.logging_started:
            _state.pending.append((level, message))
            return
    import logging

    logging.getLogger(f"{APP_LOGGER}.diagnostics").log(level, "%s", message)


def log_path() -> Path | None:
    """The log file once it is open, else None."""
    return _state.log_path


def crash_path() -> Path | None:
    """The crash file faulthandler writes to, or None."""
    return _state.crash_path


def debug_enabled() -> bool:
    return _state.debug if _state.configured else debug_from_env()


def log_failure(exc: BaseException, what: str = "unexpected failure") -> Path | None:
    """Log ``exc`` with its traceback (the command line's exit-1 path). With --debug the
    traceback is also printed on stderr. Returns the log file written to, or None."""
    if not _state.configured:  # e.g. report_error called in-process: no log
        if debug_from_env():
            import traceback

            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        return None
    get_logger(f"{APP_LOGGER}.errors").error("%s: %s", what, type(exc).__name__,
                                             exc_info=(type(exc), exc, exc.__traceback__))
    return _state.log_path


def log_refusal(exc: BaseException) -> None:
    """With --debug, log a refused input (exit 2) with its traceback; otherwise nothing."""
    if _state.configured and _state.debug:
        get_logger(f"{APP_LOGGER}.errors").debug(
            "refused: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))


def add_listener(listener: Listener) -> None:
    with _lock:
        _state.listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    with _lock:
        if listener in _state.listeners:
            _state.listeners.remove(listener)


def session_line() -> str:
    import platform

    from tracker import APP_NAME, __version__

    qt = sys.modules.get("PySide6")
    qt_text = f", PySide6 {getattr(qt, '__version__', '?')}" if qt is not None else ""
    mode = "app" if _state.gui else "command line"
    debug = ", debug" if _state.debug else ""
    return (f"{APP_NAME} {__version__} ({mode}{debug}), pid {os.getpid()}, Python "
            f"{platform.python_version()}{qt_text}, {platform.system()} {platform.release()} "
            f"{platform.machine()}; data folder {_state.data_folder}")


def describe(exc_type: type[BaseException], exc: BaseException | None,
             tb: TracebackType | None, thread: str | None = None) -> tuple[str, str]:
    """A one-line summary of an exception and its details (versions, thread, traceback)
    for the error dialog, with ``[parameters: ...]`` lines blanked."""
    import traceback

    text = " ".join(str(exc).split()) if exc is not None else ""
    summary = redact(f"{exc_type.__name__}: {text}" if text else exc_type.__name__)
    if len(summary) > 300:
        summary = summary[:299] + "…"
    thread = thread or threading.current_thread().name
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return summary, redact(f"{session_line()}\nThread: {thread}\n\n{body}")


def redact(text: str) -> str:
    """Blank SQLAlchemy's ``[parameters: ...]`` lines: they can hold a note's text."""
    if "[parameters:" not in text:
        return text
    import re

    return re.sub(r"(?m)^\[parameters: .*$", "[parameters: not logged]", text)


# --------------------------------------------------------------------------- hooks
def _install_hooks(st: _State) -> None:
    st.hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _sys_hook
    threading.excepthook = _threading_hook


def _previous(index: int) -> Any:
    hooks = _state.hooks
    if hooks is None:
        return (sys.__excepthook__, threading.__excepthook__)[index]
    return hooks[index]


def _sys_hook(exc_type: type[BaseException], exc: BaseException,
              tb: TracebackType | None) -> None:
    """sys.excepthook: an exception nobody caught, e.g. in a Qt slot (PySide6 hands those
    here, on whatever thread raised them)."""
    if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in a terminal: Python's own way
        _previous(0)(exc_type, exc, tb)
        return
    _report("unhandled exception", exc_type, exc, tb, threading.current_thread().name,
            lambda: _previous(0)(exc_type, exc, tb))


def _threading_hook(args: Any) -> None:
    """threading.excepthook: an exception that ended a threading.Thread."""
    if args.exc_type is SystemExit:  # threading ignores it too
        return
    name = args.thread.name if args.thread is not None else "unknown"
    _report(f"unhandled exception in thread {name}", args.exc_type, args.exc_value,
            args.exc_traceback, name, lambda: _previous(1)(args))


def _report(what: str, exc_type: type[BaseException], exc: BaseException | None,
            tb: TracebackType | None, thread: str, fallback: Callable[[], Any]) -> None:
    try:
        # typeshed wants a value; logging prints a missing one (None) as well
        get_logger(f"{APP_LOGGER}.errors").error("%s: %s", what, exc_type.__name__,
                                                 exc_info=(exc_type, exc, tb))  # type: ignore[arg-type]
        with _lock:
            listeners = list(_state.listeners)
        if listeners:
            summary, details = describe(exc_type, exc, tb, thread)
            for listener in listeners:
                listener(summary, details)
            return
    except Exception:  # noqa: BLE001 - a hook must never raise; fall back to stderr
        fallback()
        return
    if not _state.to_stderr:
        fallback()
