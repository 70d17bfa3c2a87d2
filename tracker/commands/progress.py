"""milestones, tick, status, profile."""

from __future__ import annotations

import argparse
import sys

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("milestones", help="list milestones with their state")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--level", metavar="LEVEL",
                   help="only milestones of this level (junior, mlops, senior, lead, director "
                        "in the shipped pack)")
    p.add_argument("--state", choices=("todo", "learning", "done"), help="only this state")
    p.set_defaults(func=cmd_milestones)

    p = sub.add_parser("tick", help="set the state of milestones (all or nothing)")
    p.add_argument("ids", nargs="+", metavar="ID", help="milestone ids")
    p.add_argument("--state", choices=("done", "learning", "todo"), default="done",
                   help="the state to set (default: done)")
    p.set_defaults(func=cmd_tick)

    p = sub.add_parser("status", help="readiness for every level")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("profile", help="show or change the learner's profile")
    p.add_argument("--name", help="your name, as shown in exports and reports")
    p.add_argument("--target-level", metavar="LEVEL",
                   help="the level you are working toward (a level id, e.g. senior)")
    p.add_argument("--experience-years", metavar="N",
                   help="years of experience, a number from 0 to 60")
    p.add_argument("--stack", metavar="CHOICE=OPTION", action="append", default=[],
                   help="the option you work with for a choice, e.g. cloud=gcp or "
                        "serving=batch (repeatable; CHOICE= clears it)")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_profile)


def cmd_milestones(args: argparse.Namespace) -> int:
    from tracker.db.errors import InputError
    from tracker.status import milestones_document

    with open_store(args) as store:
        cur = store.curriculum()
        if args.level is not None and args.level not in cur.level_by_id:
            raise InputError(f"unknown level {args.level!r} "
                             f"(one of: {', '.join(lv.id for lv in cur.levels)})")
        reviews = {k: {**r.to_dict(), "signature": _signature(store, r)}
                   for k, r in store.reviews().items()}
        doc = milestones_document(cur, store.states(), reviews)
    rows = [m for m in doc["milestones"]
            if (args.level is None or m["level"] == args.level)
            and (not args.state or m["state"] == args.state)]
    if args.json:
        print_json({"milestones": rows})
        return 0
    marks = {"done": "[x]", "learning": "[~]", "todo": "[ ]"}
    for m in rows:
        core = "*" if m["core"] else ("e" if m["elective"] else " ")
        title = m["title"] + (f"  (one of: {m['choice']})" if m["choice"] else "")
        print(f"{marks[m['state']]} {core} {m['level']:<9} {m['id']:<44} {title}")
    print(f"\n{len(rows)} milestones; * = core, e = elective; [x] done, [~] learning, "
          "[ ] todo; 'one of' = an option of a choice, any one of which counts")
    return 0


def _signature(store, review) -> dict[str, object]:
    """A verdict's signature for --json: only "signed" is verified; "key" is the signer's
    fingerprint when the signature matched."""
    from tracker.exchange.signing import fingerprint

    state, key = store.review_signature(review)
    return {"state": state, "verified": state == "signed",
            "key": fingerprint(key) if key else None}


def cmd_tick(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        changes = {mid: args.state for mid in dict.fromkeys(args.ids)}
        previous = store.set_states(changes, source="cli")
    changed = sum(1 for mid, before in previous.items() if before != args.state)
    print(f"{len(previous)} milestone{'s' if len(previous) != 1 else ''} set to {args.state}"
          f" ({changed} changed)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from tracker.status import status_document, status_text

    with open_store(args) as store:
        cur = store.curriculum()
        doc = status_document(cur, store.profile().to_dict(with_stack=True), store.states())
    if args.json:
        print_json(doc)
    else:
        print(status_text(doc, cur))
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from tracker.db.errors import InputError

    changes: dict[str, object] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.target_level is not None:
        changes["target_level"] = args.target_level or None
    if args.experience_years is not None:
        try:
            changes["experience_years"] = float(args.experience_years)
        except ValueError:
            raise InputError(f"experience years must be a number, got {args.experience_years!r}"
                             ) from None
    stack: dict[str, str | None] = {}
    for item in args.stack:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--stack takes CHOICE=OPTION, got {item!r}")
        stack[key.strip()] = value.strip() or None
    if stack:
        changes["stack"] = stack
    with open_store(args) as store:
        if changes:
            store.set_profile(**changes)
        profile = store.profile()
        cur = store.curriculum()
    if args.json:
        print_json({"learner": profile.to_dict(with_stack=True)})
        return 0
    target = cur.level_by_id[profile.target_level].title if profile.target_level else "not set"
    years = f"{profile.experience_years:g}" if profile.experience_years is not None else "not set"
    if changes:
        print("profile saved")
    sys.stdout.write(f"name: {profile.name or '(not set)'}\ntarget level: {target}\n"
                     f"experience (years): {years}\n")
    if profile.stack or cur.choices:
        shown = ", ".join(f"{k}={v}" for k, v in profile.stack) or "not set"
        sys.stdout.write(f"stack: {shown}\n")
    return 0
