"""The active curriculum pack file and its sync into SQLite.

The app runs on the curriculum stored in SQLite; a pack *file* only feeds it: the shipped
pack, or a custom one installed by `curriculum use FILE` as ``<data>/curriculum/active.toml``
(``meta.pack_source`` says which, ``meta.pack_file_sha256`` which bytes were synced last).

**A damaged file never locks the user out.** Edited, truncated, deleted, or a FIFO, a
device or a folder under that name (never opened: refused by a stat first): the app starts
on the stored curriculum and :attr:`Store.curriculum_warning` says, in one line, what is
wrong and how to get out (`curriculum use FILE` or `curriculum use --default`, which never
read the damaged file; it is set aside as ``previous-custom-*.toml``, never deleted). A
valid change of the file (hand edit, an app upgrade's new shipped pack) is synced as before.

**A switch cannot be split by a kill.** `use FILE` validates the bytes once and then:

1. stages them as ``curriculum/incoming-<sha256>.toml`` (atomic, fsynced);
2. commits the database switch (pack, ``pack_source``, ``pack_file_sha256``): the one
   commit point;
3. sets the old ``active.toml`` aside as ``previous-custom-<stamp>.toml`` (as `use
   --default` always did), writes the staged bytes to ``active.toml`` (atomic) and removes
   the staged file.

Killed before 2: the next start deletes the staged file; nothing else changed. Killed
after 2: the next start finds ``incoming-<the committed sha>.toml`` and finishes step 3.
`use --default` commits first and then sets ``active.toml`` aside; killed between, the next
start sets it aside. These steps run under an exclusive lock on ``curriculum/.lock`` (POSIX
``flock``; without fcntl, on Windows, they are unlocked), so two processes never interleave
them; a sync at start-up is a compare-and-set on the pack meta (``expect``), so a start that
raced a switch never undoes it.

Threading: called by the Store (one Store call at a time per thread); no Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import paths
from tracker.curriculum.loader import CurriculumError, parse_pack_bytes, read_pack_bytes
from tracker.curriculum.model import Curriculum
from tracker.db.types import SyncReport

if TYPE_CHECKING:
    from tracker.db.store import Store

STAGED_PREFIX = "incoming-"
ASIDE_PREFIX = "previous-custom-"
LOCK_NAME = ".lock"


def _checkpoint(name: str) -> None:
    """A named step of a switch ("staged", "committed", "set-aside", "installed"). Does
    nothing; the reliability tests replace it to SIGKILL the process exactly there."""


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# ---------------------------------------------------------------- reading the active pack
def active_pack_path(store: Store) -> Path:
    """The file the active curriculum comes from (it may be missing or damaged)."""
    if store.meta("pack_source") == "custom":
        return paths.installed_pack_path(store.folder)
    return paths.default_pack_path()


def ensure(store: Store, now: datetime) -> SyncReport:
    """At start-up: finish a switch a kill interrupted, then sync the active pack file when
    its bytes changed. A file that cannot be used leaves the stored curriculum in place and
    sets ``store.curriculum_warning``; only a database with no curriculum at all raises."""
    store.curriculum_warning = None
    # Read the meta before looking at files: a switch committed after this read makes the
    # compare-and-set below skip the sync instead of undoing it.
    expect = (store.meta("pack_source"), store.meta("pack_file_sha256"))
    active = paths.installed_pack_path(store.folder)
    if _interrupted(active, custom=expect[0] == "custom"):
        with contextlib.suppress(OSError):  # e.g. a read-only data folder: done next time
            with _locked(active.parent):
                _finish(store, active, now)
            expect = (store.meta("pack_source"), store.meta("pack_file_sha256"))
    custom = expect[0] == "custom"
    path = active if custom else paths.default_pack_path()
    if custom and os.path.lexists(_staged(active, expect[1])):
        path = _staged(active, expect[1])  # committed, not installed (finishing failed)
    try:
        raw = read_pack_bytes(path)
        digest = _sha(raw)
        if digest == expect[1]:
            return SyncReport()
        pack = parse_pack_bytes(raw, path.name)
    except CurriculumError as exc:
        return _fall_back(store, path, exc, custom=custom)
    return store.sync_curriculum(pack, file_sha256=digest, expect=expect)


def _fall_back(store: Store, path: Path, exc: CurriculumError, *, custom: bool) -> SyncReport:
    if not store.meta("curriculum_hash"):
        raise exc  # nothing stored to run on (a new database and a broken shipped pack)
    missing = not os.path.lexists(path)
    what = "is missing" if missing else "cannot be used"
    why = "" if missing else f" ({exc.first_line})"  # last: a long line is cut from the end
    stored = (f"{store.meta('curriculum_title', '')} ({store.meta('curriculum_id', '')} "
              f"{store.meta('curriculum_version', '')})")
    if custom:
        store.curriculum_warning = (
            f"the installed curriculum file {path} {what}; running on the copy of {stored} "
            "stored in the database. `mlops-tracker curriculum use FILE` installs a good "
            f"copy, `mlops-tracker curriculum use --default` goes back to the shipped one{why}")
    else:
        store.curriculum_warning = (
            f"the shipped curriculum file {path} {what}; running on the copy of {stored} "
            f"stored in the database (reinstalling the app repairs the file){why}")
    return SyncReport()


# ---------------------------------------------------------------- switching
def use_pack(store: Store, src: str | Path, now: datetime) -> tuple[Curriculum, SyncReport]:
    """Validate a custom pack, install it in the data folder and make it active; the
    previous custom pack's file is set aside. The bytes installed are the bytes checked."""
    from tracker import atomicio

    src = Path(src)
    raw = read_pack_bytes(src)
    pack = parse_pack_bytes(raw, src.name)
    digest = _sha(raw)
    active = paths.installed_pack_path(store.folder)
    active.parent.mkdir(parents=True, exist_ok=True)
    with _locked(active.parent):
        _finish(store, active, now)
        atomicio.write_bytes(_staged(active, digest), raw)
        _checkpoint("staged")
        report = store.sync_curriculum(pack, file_sha256=digest, source="custom")
        _checkpoint("committed")
        _install(active, raw, digest, now)
    store.curriculum_warning = None
    return pack, report


def use_default_pack(store: Store, now: datetime) -> tuple[Curriculum, SyncReport]:
    """Go back to the shipped pack. Never reads the installed custom file (it may be what
    is broken): once the switch is committed, that file is set aside, whatever it is."""
    path = paths.default_pack_path()
    raw = read_pack_bytes(path)
    pack = parse_pack_bytes(raw, path.name)
    active = paths.installed_pack_path(store.folder)
    active.parent.mkdir(parents=True, exist_ok=True)
    with _locked(active.parent):
        _finish(store, active, now)
        report = store.sync_curriculum(pack, file_sha256=_sha(raw), source="default")
        _checkpoint("committed")
        _set_aside(active, now)
    store.curriculum_warning = None
    return pack, report


# ---------------------------------------------------------------- the steps around a commit
def _staged(active: Path, digest: str | None) -> Path:
    return active.with_name(f"{STAGED_PREFIX}{digest}.toml")


def _interrupted(active: Path, *, custom: bool) -> bool:
    """Whether a switch left work behind (one listing; False when there is no folder)."""
    try:
        names = os.listdir(active.parent)
    except OSError:
        return False
    return (any(n.startswith(STAGED_PREFIX) or (n.startswith(".") and n.endswith(".tmp"))
                for n in names)
            or (not custom and active.name in names))


def _finish(store: Store, active: Path, now: datetime) -> None:
    """Under the lock: complete the switch the database committed; drop what a switch
    that never committed left (its staged copy, temporary files of a killed write); set
    aside an ``active.toml`` the database no longer uses (a killed `use --default`)."""
    custom = store.meta("pack_source") == "custom"
    committed = _staged(active, store.meta("pack_file_sha256")).name
    for name in sorted(os.listdir(active.parent)):
        path = active.parent / name
        if name.startswith(".") and name.endswith(".tmp"):
            _unlink(path)
        elif name.startswith(STAGED_PREFIX):
            raw = None
            if custom and name == committed:
                with contextlib.suppress(CurriculumError):
                    raw = read_pack_bytes(path)
            if raw is not None and _staged(active, _sha(raw)).name == name:
                _install(active, raw, _sha(raw), now)
            else:
                _unlink(path)
    if not custom:
        _set_aside(active, now)


def _install(active: Path, raw: bytes, digest: str, now: datetime) -> None:
    """Make ``active`` hold ``raw`` (what was there before, unless it already holds these
    bytes, is set aside first), then drop the staged copy. Idempotent."""
    from tracker import atomicio

    if not _holds(active, digest):
        _set_aside(active, now)
        _checkpoint("set-aside")
        atomicio.write_bytes(active, raw)
    _checkpoint("installed")
    _unlink(_staged(active, digest))


def _holds(path: Path, digest: str) -> bool:
    """Whether ``path`` is a regular file (not a link) with exactly these bytes."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return _sha(read_pack_bytes(path)) == digest
    except (OSError, CurriculumError):
        return False


def _set_aside(active: Path, now: datetime) -> None:
    """Rename ``active`` (a file, link, FIFO or folder: never opened) to a free
    ``previous-custom-<stamp>[-n].toml`` beside it; earlier ones are never overwritten."""
    if not os.path.lexists(active):
        return
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = active.with_name(f"{ASIDE_PREFIX}{stamp}.toml")
    n = 1
    while os.path.lexists(aside):
        n += 1
        aside = active.with_name(f"{ASIDE_PREFIX}{stamp}-{n}.toml")
    os.rename(active, aside)


def _unlink(path: Path) -> None:
    """Remove a file of ours; a folder under such a name is left alone."""
    with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
        os.unlink(path)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder/.lock`` for a switch's file steps (blocks while
    another process holds it: a switch takes seconds at most)."""
    try:
        import fcntl
    except ImportError:  # Windows: unlocked (two simultaneous switches are not guarded)
        yield
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
