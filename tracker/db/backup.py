"""Backups with SQLite's online backup API, into ``<data>/backups/``.

Names are ``tracker-YYYYMMDD-HHMMSS-<reason>.sqlite3`` (UTC), so they sort by time.
Safe to call while other connections write: the backup API copies a consistent snapshot.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker import paths

PREFIX = "tracker-"
SUFFIX = ".sqlite3"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    name: str
    path: Path
    created_at: datetime
    reason: str
    size: int


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")


def make_backup(folder: Path, *, reason: str = "manual", engine: Any = None,
                now: datetime | None = None) -> BackupInfo:
    """Copy the database to a new backup file (written to a temp name, then renamed)."""
    src = paths.db_path(folder)
    dest_dir = paths.backups_dir(folder)
    dest_dir.mkdir(parents=True, exist_ok=True)
    base = f"{PREFIX}{_stamp(now)}-{reason}"
    dest = dest_dir / f"{base}{SUFFIX}"
    n = 1
    while dest.exists():
        n += 1
        dest = dest_dir / f"{base}-{n}{SUFFIX}"
    tmp = dest.with_name(dest.name + ".part")
    source = sqlite3.connect(str(src), timeout=30)
    try:
        target = sqlite3.connect(str(tmp))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    finally:
        source.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return info(dest)


def info(path: Path) -> BackupInfo:
    stem = path.name[len(PREFIX):-len(SUFFIX)]
    parts = stem.split("-", 2)
    try:
        created = datetime.strptime(f"{parts[0]}-{parts[1]}", "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except (ValueError, IndexError):
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    reason = parts[2] if len(parts) > 2 else ""
    return BackupInfo(path.name, path, created, reason, path.stat().st_size)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Newest first."""
    d = paths.backups_dir(folder)
    if not d.is_dir():
        return []
    items = [info(p) for p in d.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(items, key=lambda b: (b.created_at, b.name), reverse=True)
