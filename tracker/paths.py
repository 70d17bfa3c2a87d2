"""Every path the app uses, resolved in one place.

The data folder comes from ``--data-dir``, then ``MLOPS_TRACKER_DATA_DIR``, then
platformdirs' user data folder for ``mlops-tracker``. Resources (curriculum packs, schemas,
icons) come from the source tree when running from a checkout, else from the installed
``tracker.resources`` package.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

APP_DIR_NAME = "mlops-tracker"
DB_FILE_NAME = "tracker.sqlite3"
ENV_DATA_DIR = "MLOPS_TRACKER_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder, absolute (not created here). An explicitly empty ``override`` is
    refused (it must never fall back to the real data); an empty environment variable is
    unset.

    Absolute because SQLite (as most systems build it) reads a relative file name that
    starts with ``file:`` as a URI: ``--data-dir 'file:x?mode=ro'`` would open another
    file. Every database path is built from this one, so none of them can start so."""
    if override is not None:
        if os.fspath(override) == "":
            from tracker.errors import InputError

            raise InputError("--data-dir must not be empty")
        return Path(override).expanduser().absolute()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().absolute()
    import platformdirs  # lazy: only needed for the default location

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def db_path(folder: Path) -> Path:
    return folder / DB_FILE_NAME


def backups_dir(folder: Path) -> Path:
    return folder / "backups"


def logs_dir(folder: Path) -> Path:
    """The log (``tracker.log``) and the crash file (``crash.log``): see tracker.diagnostics."""
    return folder / "logs"


def installed_pack_path(folder: Path) -> Path:
    """Where `curriculum use FILE` copies a custom pack."""
    return folder / "curriculum" / "active.toml"


def resources_dir() -> Path:
    """The resources folder: the checkout's ``resources/``, the frozen app's copy
    (packaging/mlops-tracker.spec puts it at ``tracker/resources`` in the bundle), or the
    installed package data."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "tracker" / "resources"
    here = Path(__file__).resolve().parent
    checkout = here.parent / "resources"
    if (checkout / "curriculum").is_dir():
        return checkout
    from importlib.resources import files

    return Path(str(files("tracker.resources")))


def default_pack_path() -> Path:
    return resources_dir() / "curriculum" / "mlops.toml"


# ------------------------------------------------------------------ output paths
# Every file the app writes where a user said (CLI -o/--csv, GUI save dialogs) is checked
# here first (check_output), and atomicio checks every write again (refuse_protected), so
# no output can land on the database, its side files, a moved-aside copy or a backup: the
# next start would find a JSON file where the database was, move it aside as damaged and
# lose everything since the newest backup.
_STREAM_PREFIXES = ("/dev/fd/", "/proc/")
_STREAMS = ("/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty")
SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse(given: str, why: str) -> Exception:
    from tracker.errors import InputError

    return InputError(f"will not write to {given}: {why}; choose another name")


def _through_a_stream(given: str) -> bool:
    """True when ``given`` or any symlink on the way to its file is a standard stream or
    something under /proc (``/dev/stdout`` resolves to whatever fd 1 is: a pipe, a
    terminal, or a file the shell opened for appending, which a replace would clobber)."""
    hop = os.path.abspath(given)
    for _ in range(40):  # the kernel's own limit on a chain of links
        if hop in _STREAMS or hop.startswith(_STREAM_PREFIXES):
            return True
        try:
            if not os.path.islink(hop):
                return False
            hop = os.path.normpath(os.path.join(os.path.dirname(hop), os.readlink(hop)))
        except OSError:  # unreadable: the write itself will say what is wrong
            return False
    return False


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_protected(path: str | os.PathLike[str], *, data_folder: Path | None = None,
                     inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Raise InputError when writing ``path`` would replace something that must never be
    replaced by an output: a standard stream; the database (``tracker.sqlite3``), its
    ``-wal``/``-shm``/``-journal`` or a copy moved aside (any name starting with
    ``tracker.sqlite3``); anything in a data folder's ``backups/``; any existing SQLite
    database (no output of this app is one); with ``data_folder``, also anything in its
    ``backups/`` and ``curriculum/`` folders; or one of ``inputs`` (the files the same
    command reads). Symlinks are resolved first, so a link to the database is refused too.
    Needs no context for everything but the data folder and the inputs, so atomicio calls
    it on every write."""
    given = os.fspath(path)
    if _through_a_stream(given):
        raise _refuse(given, "it is a stream or a system file, not a regular file")
    real = Path(os.path.realpath(given))
    name = real.name.casefold()
    if name.startswith(DB_FILE_NAME) or name.startswith("." + DB_FILE_NAME):
        raise _refuse(given, "it is the tracker's database or one of its files")
    for parent in real.parents:
        # A data folder's backups/ sits beside the database (or beside the copy of a
        # damaged one that was moved aside: the backups matter most then).
        if parent.name.casefold() == "backups" and any(
                True for _ in parent.parent.glob(f"{DB_FILE_NAME}*")):
            raise _refuse(given, "it is in the tracker's backups folder")
    if data_folder is not None:
        folder = Path(os.path.realpath(data_folder))
        for sub, what in (("backups", "the tracker's backups folder"),
                          ("curriculum", "the tracker's curriculum folder")):
            if _within(real, folder / sub):
                raise _refuse(given, f"it is in {what}")
    head = b""
    try:
        if real.is_file():  # never open a FIFO or a device: it could block
            with open(real, "rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
    except OSError:
        pass
    if head == SQLITE_HEADER:
        raise _refuse(given, "it is a SQLite database")
    for item in inputs:
        other = Path(os.path.realpath(item))
        same = other == real
        if not same:
            try:
                same = os.path.samefile(real, other)
            except OSError:
                same = False
        if same:
            raise _refuse(given, "it is an input of this command")


def check_output(text: str | os.PathLike[str], *, data_folder: Path | None = None,
                 inputs: Iterable[str | os.PathLike[str]] = (),
                 suffixes: tuple[str, ...] = ()) -> Path:
    """The path a user chose for an output file, checked before anything is written.

    Refused (InputError, one line): a name ending with a folder separator (it names a
    folder, even if no such folder exists), an existing folder, a missing parent folder, a
    name without one of ``suffixes``, and everything :func:`refuse_protected` refuses."""
    from tracker.errors import InputError

    given = os.fspath(text)
    if not given:
        raise InputError("the output file name is empty")
    out = Path(given)
    seps = tuple(s for s in (os.sep, os.altsep) if s)
    if given.endswith(seps) or out.is_dir():
        if out.is_dir():
            raise InputError(f"{given} is a folder; give a file name")
        raise InputError(f"{given}: no such folder (a name ending with "
                         f"{given[-1]} names a folder); give a file name")
    if suffixes and not out.name.lower().endswith(suffixes):
        raise InputError(f"{out.name}: the output must end with {' or '.join(suffixes)}")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder")
    refuse_protected(out, data_folder=data_folder, inputs=inputs)
    return out
