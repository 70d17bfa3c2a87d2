"""curriculum check / use / show."""

from __future__ import annotations

import argparse
import os
import sys

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("curriculum", help="check, install or describe curriculum packs")
    csub = p.add_subparsers(dest="curriculum_command", metavar="ACTION", required=True,
                            parser_class=type(p))
    c = csub.add_parser("check", help="validate a pack and list every problem")
    c.add_argument("file", metavar="FILE", help="a curriculum pack (.toml)")
    c.add_argument("--json", action="store_true", help="one JSON document on stdout")
    c.set_defaults(func=cmd_check)
    u = csub.add_parser("use", help="make a pack the active curriculum (progress is kept)")
    g = u.add_mutually_exclusive_group(required=True)
    g.add_argument("file", nargs="?", metavar="FILE", help="a curriculum pack (.toml) to install")
    g.add_argument("--default", action="store_true", help="go back to the shipped pack")
    u.set_defaults(func=cmd_use)
    s = csub.add_parser("show", help="describe the active curriculum")
    s.add_argument("--json", action="store_true", help="one JSON document on stdout")
    s.set_defaults(func=cmd_show)


def cmd_check(args: argparse.Namespace) -> int:
    from tracker.curriculum.loader import CurriculumError, load_pack

    try:
        pack = load_pack(args.file)
    except CurriculumError as exc:
        if args.json:
            print_json({"ok": False, "problems": [{"place": p.place, "message": p.message}
                                                  for p in exc.problems]})
        else:
            for p in exc.problems:
                print(p)
        n = len(exc.problems)
        print(f"error: {exc.source}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
        return 2
    counts = pack.counts()
    if args.json:
        print_json({"ok": True, "id": pack.id, "version": pack.version, "counts": counts})
    else:
        print(f"ok: {pack.id} {pack.version}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        target = store.profile().target_level
        if args.default:
            pack, report = store.use_default_pack()
        else:
            pack, report = store.use_pack(args.file)
    print(f"now using {pack.id} {pack.version} ({len(pack.milestones)} milestones): "
          f"{len(report.added)} new, {len(report.retired)} retired (their progress is kept), "
          f"{len(report.reactivated)} back from retirement")
    if target and target not in pack.level_by_id:
        print(f"note: this pack has no level {target!r}, so your target level was cleared; "
              "set one with: mlops-tracker profile --target-level LEVEL")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        cur = store.curriculum()
        source = store.meta("pack_source", "default")
        retired = len(store.retired_milestones())
        # The curriculum shown is the one stored in SQLite, which the app runs on; when its
        # pack file is missing or damaged, say so (open_store printed the warning too).
        warning = store.curriculum_warning
        pack_file = "ok" if not warning else (
            "damaged" if os.path.lexists(store.active_pack_path()) else "missing")
    doc = {"id": cur.id, "version": cur.version, "title": cur.title, "source": source,
           "pack_file": pack_file, "warning": warning, "content_hash": cur.content_hash,
           "counts": cur.counts(), "retired_milestones": retired,
           "levels": [{"id": lv.id, "rank": lv.rank, "title": lv.title,
                       "threshold": lv.threshold} for lv in cur.levels]}
    if args.json:
        print_json(doc)
        return 0
    note = ("" if pack_file == "ok" else
            f"; its pack file is {pack_file}: this is the copy stored in the database")
    print(f"{cur.title} ({cur.id} {cur.version}, {source}{note})")
    print(", ".join(f"{v} {k}" for k, v in cur.counts().items())
          + (f"; {retired} retired milestones" if retired else ""))
    for lv in cur.levels:
        print(f"  {lv.rank}. {lv.title} (ready at {lv.threshold:g}%)")
    return 0
