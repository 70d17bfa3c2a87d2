"""study add / list."""

from __future__ import annotations

import argparse

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("study", help="log study time")
    ssub = p.add_subparsers(dest="study_command", metavar="ACTION", required=True,
                            parser_class=type(p))
    a = ssub.add_parser("add", help="log a study session")
    a.add_argument("--minutes", required=True, metavar="N",
                   help="how long you studied, 1 to 720 minutes")
    a.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    a.add_argument("--skill", metavar="SKILL", help="a skill id")
    a.add_argument("--note", default="", help="what you studied (free text)")
    a.set_defaults(func=cmd_add)
    ls = ssub.add_parser("list", help="list study sessions")
    ls.add_argument("--json", action="store_true", help="one JSON document on stdout")
    ls.set_defaults(func=cmd_list)


def cmd_add(args: argparse.Namespace) -> int:
    from tracker.validation import check_minutes_text

    minutes = check_minutes_text(args.minutes)
    with open_store(args) as store:  # the Store checks the day ("" is not today) and the rest
        st = store.add_study_session(minutes, day=args.date, skill=args.skill, note=args.note)
    print(f"logged {st.minutes} min on {st.day}" + (f" ({st.skill})" if st.skill else ""))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        sessions = store.study_sessions()
    if args.json:
        print_json({"study_sessions": [
            {"id": s.id, "date": s.day, "minutes": s.minutes, "skill": s.skill, "note": s.note}
            for s in sessions]})
        return 0
    for s in sessions:
        print(f"{s.day}  {s.minutes:>4} min  {s.skill or '-':<24} {s.note.splitlines()[0] if s.note else ''}")
    print(f"{len(sessions)} sessions, {sum(s.minutes for s in sessions)} minutes in all")
    return 0
