"""The one way the app writes a file: atomically.

Every file the app writes (progress and review files, reports, CSV, installed packs) goes
through :func:`write_bytes` / :func:`write_text`: the data goes to a temporary file in the
same folder, is flushed and fsynced, then ``os.replace`` puts it in place, and on POSIX the
folder is fsynced so the rename itself is durable. On Windows, ``os.replace`` fails with
``PermissionError`` while another program (an indexer, a virus scanner, an editor) holds
the target open; that is retried a bounded number of times.

On any failure (disk full, permission, interrupt) the previous file stays whole and the
temporary file is removed; the exception is re-raised. Pure Python, no Qt; safe from any
thread (two writers to the same path: the last ``os.replace`` wins, neither is torn).

A symlink is followed: the file it points to is replaced (in that file's folder) and the
link stays a link. A target that exists but is not a regular file (a FIFO, a device such as
``/dev/null``, a socket, a folder, a standard stream) is refused with :class:`InputError`
before anything is written, and so, whoever the caller, is the database, its side files, a
backup or any SQLite file (:func:`tracker.paths.refuse_protected`). An ``OSError`` names
the target path, never the temporary file. A long target name gets a shortened temporary
name, so any name the file system allows can be written.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

from tracker import paths
from tracker.errors import InputError

IS_WINDOWS = sys.platform == "win32"
REPLACE_ATTEMPTS = 10
REPLACE_DELAY = 0.05  # seconds, doubled after each attempt (at most ~0.5 s per wait)
# Bytes for ".NAME." in a temporary file's name: 255 (the usual limit) - 8 random - ".tmp".
TEMP_NAME_BUDGET = 243

# fsync on a folder is not supported everywhere (some network and FUSE file systems).
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF,
                          getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` atomically (newlines are written as given, never translated)."""
    write_bytes(path, text.encode(encoding))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; see the module docstring."""
    try:
        _write_bytes(Path(path), data)
    except OSError as exc:
        # Name the path the user asked for, not the temp file (or nothing at all).
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc


def _real_target(given: Path) -> Path:
    """The file to replace: a symlink's final destination (so the link stays a link)."""
    if given.is_symlink():
        return Path(os.path.realpath(given))
    return given


def _temp_prefix(name: str) -> str:
    """``.NAME.`` for the temporary file, shortened so that with mkstemp's 8 random
    characters and ``.tmp`` it stays within a 255-byte file name (a legal 250-byte output
    name must not fail because of the temporary one)."""
    while name and len(os.fsencode(f".{name}.")) > TEMP_NAME_BUDGET:
        name = name[:-1]
    return f".{name}."


def _write_bytes(given: Path, data: bytes) -> None:
    # Never onto the database, its side files, a backup or any SQLite file, whoever asks.
    paths.refuse_protected(given)
    target = _real_target(given)
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError(f"{given} is not a regular file; choose another name")
    folder = target.parent if str(target.parent) else Path(".")
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(target.name),
                                    suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if not IS_WINDOWS:
            os.chmod(tmp, mode)
        _replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    if not IS_WINDOWS:
        _fsync_dir(folder)


def _initial_umask() -> int:
    # os.umask() can only be read by setting it: done once, at import, under a lock, so
    # no writer thread ever sees the temporary 0.
    with _UMASK_LOCK:
        umask = os.umask(0o022)
        os.umask(umask)
        return umask


_UMASK_LOCK = threading.Lock()
_START_UMASK = _initial_umask()


def _umask() -> int:
    """The current umask without changing it: Linux reports it in /proc/self/status;
    elsewhere the value read once at import."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _START_UMASK


def _replace(tmp: Path, target: Path) -> None:
    delay = REPLACE_DELAY
    for attempt in range(1, REPLACE_ATTEMPTS + 1):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if not IS_WINDOWS or attempt == REPLACE_ATTEMPTS:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _fsync_dir(folder: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)
