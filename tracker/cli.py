"""The command line (a stable contract: see DESIGN.md).

``python -m tracker`` / ``mlops-tracker``; no subcommand starts the GUI. Exit codes: 0 success,
2 bad input (one line ``error: ...`` on stderr, nothing changed), 1 unexpected failure.
Imports stay lazy: a command pulls in only what it needs, and no Qt unless it starts the GUI
or writes a PDF.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from tracker import __version__

# Every module in tracker/commands/ has ``register(subparsers)``; handlers are set with
# ``set_defaults(func=...)``, receive the parsed args and return an exit code. The first ones
# are listed so that --help shows the everyday commands first; the rest follow by name.
FIRST_COMMANDS = ("progress", "certs", "study", "curriculum")


def command_modules() -> list[str]:
    import pkgutil

    import tracker.commands

    names = sorted(m.name for m in pkgutil.iter_modules(tracker.commands.__path__)
                   if not m.name.startswith("_"))
    ordered = [n for n in FIRST_COMMANDS if n in names] + [n for n in names
                                                             if n not in FIRST_COMMANDS]
    return [f"tracker.commands.{n}" for n in ordered]


class UsageError(Exception):
    """Bad command-line usage: exit 2 with one line."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage in one line (``error: ...``) and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _starts_gui(argv: list[str]) -> bool:
    """True for no subcommand: nothing but ``--data-dir DIR`` / ``--data-dir=DIR``."""
    rest = list(argv)
    while rest:
        head = rest.pop(0)
        if head == "--data-dir" and rest:
            rest.pop(0)
        elif not head.startswith("--data-dir="):
            return False
    return True


def _global_parser() -> Parser:
    parser = Parser(prog="mlops-tracker")
    parser.add_argument("--data-dir", metavar="DIR")
    return parser


def build_parser() -> Parser:
    parser = Parser(prog="mlops-tracker",
                    description="MLOps Career Tracker: milestones and readiness per level, "
                                "from Junior MLOps Engineer to Director of MLOps.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="data folder (default: MLOPS_TRACKER_DATA_DIR or the user data "
                             "folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_text(argv)
        if _starts_gui(argv):  # skip building every subcommand's parser: start-up counts
            from tracker.app import run_gui

            return run_gui(_check_data_dir(_global_parser().parse_args(argv).data_dir))
        args = build_parser().parse_args(argv)
        _check_data_dir(args.data_dir)
        if not getattr(args, "command", None):
            from tracker.app import run_gui

            return run_gui(args.data_dir)
        return int(args.func(args) or 0)
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BaseException as exc:  # noqa: BLE001 - the one place that turns errors into lines
        return report_error(exc)


# OSErrors about the user's own paths (a typo, a file where a folder should be, a name too
# long, a read-only or full disk): bad input, exit 2. Any other OSError stays 1.
USER_PATH_ERRNOS = frozenset({errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR,
                              errno.ENOTDIR, errno.EEXIST, errno.ENAMETOOLONG, errno.EROFS,
                              errno.ENOSPC})


def report_error(exc: BaseException) -> int:
    from tracker.curriculum.loader import CurriculumError
    from tracker.db.errors import TrackerError

    if isinstance(exc, UsageError):
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, CurriculumError):
        print(f"error: {exc.first_line}", file=sys.stderr)
        return 2
    if isinstance(exc, TrackerError):
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        name = getattr(exc, "filename", None)
        if exc.errno in (errno.EEXIST, errno.ENOTDIR) and name and os.path.lexists(name) \
                and not os.path.isdir(name):  # e.g. --data-dir names a file
            print(f"error: {name} is a file, not a folder", file=sys.stderr)
        else:
            where = f" ({name})" if name else ""
            print(f"error: {one_line(exc.strerror or str(exc))}{where}", file=sys.stderr)
        return 2 if exc.errno in USER_PATH_ERRNOS else 1
    if os.environ.get("MLOPS_TRACKER_DEBUG"):
        import traceback

        traceback.print_exc()
    print(f"error: unexpected failure: {type(exc).__name__}: {one_line(str(exc))}",
          file=sys.stderr)
    return 1


def one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def open_store(args: argparse.Namespace):  # -> Store
    from tracker.db.store import Store

    return Store.open(args.data_dir)


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
