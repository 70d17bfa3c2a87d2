"""backup / backups / restore-backup."""

from __future__ import annotations

import argparse
import sys

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="back up the database now (prints the backup's name)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", help="list backups, newest first, with what each contains")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("restore-backup",
                       help="replace the database with a backup (the current state is backed "
                            "up first)")
    p.add_argument("name", metavar="NAME", help="a backup name from `backups`")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)


def _folder(args: argparse.Namespace):
    from tracker import paths

    return paths.data_dir(args.data_dir)


def cmd_backup(args: argparse.Namespace) -> int:
    from tracker.db import backup

    with open_store(args) as store:
        made = backup.make_backup(store.folder, reason="manual")
    print(made.name)
    return 0


def _row(b) -> dict:
    from tracker.db import backup

    return {"name": b.name, "created_at": b.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": b.reason, "size": b.size, "counts": backup.backup_counts(b.path)}


def cmd_backups(args: argparse.Namespace) -> int:
    from tracker import paths
    from tracker.db import backup

    rows = [_row(b) for b in backup.list_backups(_folder(args))]
    if args.json:
        print_json({"backups": rows})
        return 0
    for r in rows:
        c = r["counts"]
        what = ("unreadable" if c is None else
                f"{c['done_milestones']} done, {c['certifications']} certifications, "
                f"{c['study_sessions']} study sessions, {c['reviews']} reviews")
        print(f"{r['name']:<48} {r['size'] / 1024:>8.0f} KB  {what}")
    print(f"{len(rows)} backup{'s' if len(rows) != 1 else ''} in "
          f"{paths.backups_dir(_folder(args))}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from tracker.db import backup
    from tracker.db.errors import InputError

    folder = _folder(args)
    chosen = backup.find_backup(folder, args.name)  # validates before asking anything
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError("restore-backup replaces your current data; add --yes to confirm "
                             "(it is backed up first)")
        answer = input(f"Replace your current data with {chosen.name}? It is backed up "
                       "first. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing was changed")
            return 0
    result = backup.restore_backup(folder, chosen.name)
    print(f"restored {result.restored.name}")
    if result.saved_first:
        print(f"your previous data was backed up as {result.saved_first.name}")
    if result.moved_aside:
        print(f"your previous (damaged) database was moved to {result.moved_aside}")
    return 0
