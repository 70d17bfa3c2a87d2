"""The command line (a stable contract: see DESIGN.md).

``python -m tracker`` / ``mlops-tracker``; no subcommand starts the GUI. Exit codes: 0 success,
2 bad input (one line ``error: ...`` on stderr, nothing changed), 1 unexpected failure (one
line too, naming the log that has the traceback). Global ``--data-dir DIR`` and ``--debug``
(tracebacks and debug lines on stderr; also MLOPS_TRACKER_DEBUG=1) come before the
subcommand. Imports stay lazy: a command pulls in only what it needs, and no Qt unless it
starts the GUI or writes a PDF.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from tracker import __version__

# The command modules, listed here rather than discovered: a frozen app (PyInstaller) has no
# folder to scan, and the bundle's spec (packaging/mlops-tracker.spec) imports this list so a
# new command cannot be left out of it (tests/unit/test_packaging.py checks both). Every
# module has ``register(subparsers)``; handlers are set with ``set_defaults(func=...)``,
# receive the parsed args and return an exit code. The order is the order of --help:
# everyday commands first.
COMMAND_MODULES = ("progress", "certs", "study", "curriculum", "exchange", "reviewer_key",
                   "backup", "desktop", "completion", "bench")

# The top-level subcommand names those modules register. Known without importing them, so
# ``mlops-tracker FILE`` can tell a file from a command cheaply; a test checks it against the
# parser. A file named like a command opens as ``./NAME``.
COMMAND_NAMES = frozenset({
    "milestones", "tick", "status", "profile", "cert", "study", "curriculum", "backup",
    "backups", "restore-backup", "bench", "export", "review", "restore", "cohort", "report",
    "import-review", "reviewer-key", "install-desktop", "completion",
})


def command_modules() -> list[str]:
    return [f"tracker.commands.{n}" for n in COMMAND_MODULES]


class UsageError(Exception):
    """Bad command-line usage: exit 2 with one line."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage in one line (``error: ...``) and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _gui_start(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """(global options, files to open) when ``argv`` starts the GUI, else None (a subcommand or an error
    for argparse to report).

    The GUI starts with nothing but ``--data-dir DIR`` / ``--data-dir=DIR`` and ``--debug``,
    optionally followed by files (what a file manager passes for ``%F``):
    ``mlops-tracker [--data-dir DIR] [--debug] [--] FILE...``. A first word that is a
    command name stays a command (``status`` is never a file); every other word must be an
    existing file, else argparse reports the unknown command as before."""
    rest = list(argv)
    options: list[str] = []
    files: list[str] = []
    while rest:
        head = rest.pop(0)
        if head == "--data-dir" and rest:
            options += [head, rest.pop(0)]
        elif head == "--debug" or head.startswith("--data-dir="):
            options.append(head)
        elif head == "--":
            files.extend(rest)
            break
        elif head.startswith("-") or (not files and head in COMMAND_NAMES):
            return None
        else:
            files.append(head)
    if files and not all(os.path.isfile(f) for f in files):
        missing = [f for f in files if not os.path.exists(f)]
        if _looks_like_a_path(files[0]):  # else: an unknown command, said so by argparse
            if missing:
                raise UsageError(f"{missing[0]}: no such file")
            raise UsageError(f"{next(f for f in files if not os.path.isfile(f))} is not a "
                             "file")
        return None
    return options, files


def _looks_like_a_path(word: str) -> bool:
    return os.sep in word or "/" in word or word.lower().endswith(".json")


def _global_parser() -> Parser:
    parser = Parser(prog="mlops-tracker")
    parser.add_argument("--data-dir", metavar="DIR")
    parser.add_argument("--debug", action="store_true")
    return parser


def build_parser() -> Parser:
    parser = Parser(prog="mlops-tracker",
                    usage="%(prog)s [-h] [--version] [--data-dir DIR] [--debug] "
                          "[COMMAND ... | FILE ...]",
                    description="MLOps Career Tracker: milestones and readiness per level, "
                                "from Junior MLOps Engineer to Director of MLOps.",
                    epilog="With no command the app window opens. With files instead of a "
                           "command it opens them there: a .mlops-progress.json in review "
                           "mode; a .mlops-review.json or an Open Badges file is offered "
                           "for import. If a window is already open on the same data "
                           "folder, the files go to it. 'COMMAND --help' describes each "
                           "command. Exit codes: 0 success, 2 bad input, 1 unexpected "
                           "failure.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="data folder (default: MLOPS_TRACKER_DATA_DIR or the user data "
                             "folder)")
    parser.add_argument("--debug", action="store_true",
                        help="print tracebacks on stderr and write debug lines to the log "
                             "(logs/tracker.log in the data folder); the same as "
                             "MLOPS_TRACKER_DEBUG=1")
    # prog: subcommands are "mlops-tracker NAME", not prefixed with the custom usage line
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser,
                                prog="mlops-tracker")
    for name in command_modules():
        importlib.import_module(name).register(sub)
    return parser


def _check_text(argv: list[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates: refuse them here, in one
    line, before they reach the database or a file name (they cannot be stored as text)."""
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"argument {n} is not valid text (not UTF-8)") from None


def _check_data_dir(value: str | None) -> str | None:
    if value == "":
        # Empty would silently mean "the default folder": the user's real data.
        raise UsageError("--data-dir must not be empty")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Everything it prints passes through :mod:`tracker.termtext` (the one
    output point for terminal text): control characters from files and the database are
    shown as escapes, never sent to the terminal."""
    from tracker.termtext import safe_streams

    try:
        with safe_streams():
            code = _main(argv)
            if sys.stdout is not None:
                sys.stdout.flush()  # a reader that went away shows here, not at exit
        return code
    except BrokenPipeError:
        return _output_closed()


def _output_closed() -> int:
    """The reader of our output went away (``status | head -1``): stop quietly, as Unix
    tools ended by SIGPIPE do (exit 128 + 13). Standard output is pointed at the null
    device so that the interpreter's flush at exit has nothing left to complain about."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests, pythonw)
        pass
    return 141


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_text(argv)
        gui = _gui_start(argv)
        if gui is not None:  # skip building every subcommand's parser: start-up counts
            from tracker.app import run_gui

            options, files = gui
            opts = _global_parser().parse_args(options)
            return run_gui(_check_data_dir(opts.data_dir), debug=opts.debug,
                           files=[os.path.abspath(f) for f in files])
        args = build_parser().parse_args(argv)
        _check_data_dir(args.data_dir)
        if not getattr(args, "command", None):
            from tracker.app import run_gui

            return run_gui(args.data_dir, debug=args.debug)
        # The crash file and the exception hooks; the log opens only if something is
        # written to it (an unexpected failure, or --debug): see tracker/diagnostics.py.
        from tracker import diagnostics

        diagnostics.configure(args.data_dir, debug=args.debug)
        if not diagnostics.debug_enabled():
            return int(args.func(args) or 0)
        return _run_logged(args)
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # not a failure: handled quietly in main()
        raise
    except BaseException as exc:  # noqa: BLE001 - the one place that turns errors into lines
        return report_error(exc)


def _run_logged(args: argparse.Namespace) -> int:
    """--debug: the command's name (never its arguments: they can hold a note) and its exit
    code, in the log and on stderr."""
    import time

    from tracker import diagnostics

    log = diagnostics.get_logger("tracker.cli")
    log.debug("command %s", args.command)
    start = time.perf_counter()
    code = int(args.func(args) or 0)
    log.debug("command %s: exit %d in %.0f ms", args.command, code,
              (time.perf_counter() - start) * 1000)
    return code


# OSErrors about the user's own paths (a typo, a file where a folder should be, a name too
# long, a read-only or full disk): bad input, exit 2. Any other OSError stays 1.
USER_PATH_ERRNOS = frozenset({errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR,
                              errno.ENOTDIR, errno.EEXIST, errno.ENAMETOOLONG, errno.EROFS,
                              errno.ENOSPC})


def report_error(exc: BaseException) -> int:
    """Print the one line for ``exc`` and return the exit code. An unexpected failure (1)
    is also logged with its traceback and the line says where the log is; with --debug
    every failure's traceback is printed on stderr too."""
    from tracker import diagnostics

    code, line = _error_line(exc)
    if code == 1:
        log_file = diagnostics.log_failure(exc)
        if log_file is not None:
            line += f" (details in {log_file})"
    else:
        diagnostics.log_refusal(exc)
    print(line, file=sys.stderr)
    return code


def _error_line(exc: BaseException) -> tuple[int, str]:
    from tracker.curriculum.loader import CurriculumError
    from tracker.db.errors import TrackerError

    if isinstance(exc, UsageError):
        return 2, f"error: {exc}"
    if isinstance(exc, CurriculumError):
        return 2, f"error: {exc.first_line}"
    if isinstance(exc, TrackerError):
        return 2, f"error: {one_line(str(exc))}"
    if isinstance(exc, OSError):
        code = 2 if exc.errno in USER_PATH_ERRNOS else 1
        name = getattr(exc, "filename", None)
        if exc.errno in (errno.EEXIST, errno.ENOTDIR) and name and os.path.lexists(name) \
                and not os.path.isdir(name):  # e.g. --data-dir names a file
            return code, f"error: {name} is a file, not a folder"
        where = f" ({name})" if name else ""
        return code, f"error: {one_line(exc.strerror or str(exc))}{where}"
    return 1, f"error: unexpected failure: {type(exc).__name__}: {one_line(str(exc))}"


def one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def open_store(args: argparse.Namespace):  # -> Store
    from tracker.db.store import Store

    store = Store.open(args.data_dir)
    if store.curriculum_warning:  # the pack file is damaged: running on the stored copy
        print(f"warning: {one_line(store.curriculum_warning)}", file=sys.stderr)
    return store


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
