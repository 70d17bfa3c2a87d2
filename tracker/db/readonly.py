"""Reading the database when SQLite cannot write beside it: a read-only or full data disk.

A WAL database is read through a shared-memory file (``tracker.sqlite3-shm``) that SQLite
creates, and grows to 32 KiB, beside the database. On a read-only disk it cannot be created
at all; on a full one it cannot grow. Either way every read used to fail, even ``status``
or an export to another disk, with a message about saving. Reading needs none of that:

1. a normal connection (the only one that can take part in other processes' locking);
2. else a read-only one (``mode=ro``: works when the -wal and -shm files already exist);
3. else, when the WAL holds nothing (absent or empty: every change is in the main file),
   ``immutable=1``: SQLite reads the main file without any side file or lock.

Step 3 is refused when the WAL has content, since those changes would be missed: the error
says so in one line. Writes never come here: they fail with their own one-line error
(``integrity.translate``). Qt-free; any thread.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.db.integrity import StorageError

# Failures that mean "SQLite cannot create or grow a file beside the database", not damage,
# a lock or a bug: result codes IOERR, FULL, CANTOPEN and READONLY.
_STORAGE_CODES = frozenset({10, 13, 14, 8})


def _code(exc: BaseException) -> int | None:
    from tracker.db import integrity

    return integrity._code(exc)


def _probe(con: sqlite3.Connection) -> None:
    """Touch the file the way the first real read will (the WAL index included)."""
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()


def wal_has_content(path: Path) -> bool:
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except FileNotFoundError:
        return False


def cannot_read_error(path: Path, exc: BaseException) -> StorageError:
    """The one line for a read that no connection could do."""
    from tracker.db import integrity

    folder = Path(path).parent
    full = _code(exc) == integrity.SQLITE_FULL or integrity._nearly_full(folder)
    why = ("the disk is full" if full else
           "the data folder is read-only" if not os.access(folder, os.W_OK) else
           f"SQLite could not open it ({exc})")
    if wal_has_content(Path(path)):
        why += (" and recent changes are still in its -wal file, which can only be read "
                "once SQLite can write beside the database")
    return integrity.StorageError(
        f"cannot read the database ({path}): {why}. Nothing was changed; "
        + ("free some space" if full else "make the data folder writable") + " and try again.")


def connect_ro(path: Path, timeout: float = 30.0,
               check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection that can read (steps 2 and 3 above). A connection that
    fails for any other reason (not a database, damage, a lock) is returned as it is, so
    the caller's first query raises what it always did."""
    uri = Path(path).resolve().as_uri()
    con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout,
                          check_same_thread=check_same_thread)
    try:
        _probe(con)
        return con
    except sqlite3.Error as exc:
        if _code(exc) not in _STORAGE_CODES or not Path(path).is_file():
            return con  # not ours to handle: the caller's query raises it again
        con.close()
        if wal_has_content(Path(path)):
            raise cannot_read_error(Path(path), exc) from None
        first = exc
    con = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout,
                          check_same_thread=check_same_thread)
    try:
        _probe(con)
    except sqlite3.Error:
        con.close()
        raise cannot_read_error(Path(path), first) from None
    return con


def connect_for_reading(path: Path, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """``(connection, degraded)``: a normal connection (step 1) when it can read, else a
    read-only one (``degraded``: the caller should try a normal one again later, since
    the disk may have room again and an immutable connection would not see new commits)."""
    con = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                          check_same_thread=False)
    try:
        _probe(con)
        return con, False
    except sqlite3.Error as exc:
        if _code(exc) not in _STORAGE_CODES or not Path(path).is_file():
            return con, False  # damage, a lock, a bug: the first real read says so
        con.close()
    ro = connect_ro(path, timeout, check_same_thread=False)
    ro.isolation_level = None
    return ro, True
