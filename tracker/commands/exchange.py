"""export, review, restore, cohort, report, import-review: the files that leave the machine.

``review``, ``cohort`` and ``report FILE`` work on files alone: they open no database and
import neither SQLAlchemy nor Qt (a PDF report imports Qt lazily, in tracker.reports.pdf).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write your progress to a .mlops-progress.json file")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write (.mlops-progress.json is the usual ending)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("review", help="review a learner's progress file (read-only), "
                                      "or write a review file with --verdict")
    p.add_argument("file", metavar="FILE", help="a learner's .mlops-progress.json file")
    p.add_argument("--since", metavar="OLDER_FILE",
                   help="also show what changed since an earlier export of the same learner")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--verdict", action="append", default=[], metavar="ID=VERDICT[:COMMENT]",
                   help="(mentor) a verdict, VERDICT being verified or needs-work; repeatable")
    p.add_argument("--reviewer", metavar="NAME", help="(mentor) your name, for the review file")
    p.add_argument("-o", "--output", metavar="OUT.mlops-review.json",
                   help="(mentor) write the verdicts to this review file")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("restore", help="replace your progress with a progress file's "
                                       "(a backup is made first)")
    p.add_argument("file", metavar="FILE", help="a .mlops-progress.json file")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("cohort", help="compare many learners' progress files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="progress files or folders")
    p.add_argument("--csv", metavar="OUT", help="also write the table as CSV")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress line on stderr (there is none when stderr is not a "
                        "terminal, or when reading takes less than a second)")
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("report", help="an HTML or PDF report of a progress file or your own")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("file", nargs="?", metavar="FILE", help="a .mlops-progress.json file")
    g.add_argument("--self", dest="self_", action="store_true", help="report your own progress")
    p.add_argument("-o", "--output", required=True, metavar="OUT.html|OUT.pdf",
                   help="the report to write; the ending picks HTML or PDF")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("import-review", help="import a mentor's .mlops-review.json file")
    p.add_argument("file", metavar="FILE", help="a .mlops-review.json file from your mentor")
    p.add_argument("--any-export", action="store_true",
                   help="import even a review of a progress file this app did not export "
                        "(yours from another computer or an earlier version)")
    p.set_defaults(func=cmd_import_review)


# ---------------------------------------------------------------------------- helpers
def _output_path(args: argparse.Namespace, text: str, suffixes: tuple[str, ...] = (),
                 inputs: tuple[str | Path, ...] = ()) -> Path:
    """The checked output path (see paths.check_output): never the database, a backup or
    an input of the command."""
    from tracker import paths

    return paths.check_output(text, data_folder=paths.data_dir(args.data_dir),
                              inputs=inputs, suffixes=suffixes)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------- export
def cmd_export(args: argparse.Namespace) -> int:
    from tracker.exchange.progress import export_progress

    from tracker.db.reader import export_key

    out = _output_path(args, args.output)
    with open_store(args) as store:
        doc = export_progress(store, out)
        # Not remembered when the data disk is read-only or full (the file is written).
        remembered = store.meta(export_key(doc["integrity"]["digest"])) is not None
    done = sum(1 for p in doc["progress"] if p["state"] == "done")
    print(f"exported {_plural(done, 'done milestone')}, "
          f"{_plural(len(doc['certifications']), 'certification')} and "
          f"{_plural(len(doc['study_sessions']), 'study session')} to {out}")
    if not remembered:
        print("note: the data folder could not be written (read-only or full), so this "
              "export is not remembered; import a mentor's review of it with "
              "import-review --any-export")
    return 0


# ---------------------------------------------------------------------------- review
def cmd_review(args: argparse.Namespace) -> int:
    from tracker.db.errors import InputError
    from tracker.exchange.progress import read_progress_file

    if (args.verdict or args.output or args.reviewer) and not (args.verdict and args.output):
        raise InputError("to write a review file, give --verdict (at least one), --reviewer "
                         "and -o OUT.mlops-review.json")
    inputs = (args.file,) + ((args.since,) if args.since else ())
    out = _output_path(args, args.output, inputs=inputs) if args.output else None
    reading = read_progress_file(args.file)
    if out is not None:
        return _write_review(args, reading, out)
    changes = None
    if args.since:
        from tracker.exchange.compare import compare

        changes = compare(read_progress_file(args.since), reading)
    doc = reading.review_document(changes)
    check = _curriculum_check(args, reading.curriculum)
    doc["curriculum"] = check.status
    doc["curriculum_check"] = check.to_json()
    doc["verdicts"] = _file_verdicts(reading)
    if args.json:
        print_json(doc)
        return 0
    print(_review_text(reading, doc, check))
    return 0


def _file_verdicts(reading) -> list[dict]:
    """The mentor verdicts a progress file lists, each with its signature state. A progress
    file carries no signatures of the verdicts in it (the learner's app checked them when it
    imported them), so a reader cannot prove any: each is "unsigned" here, never verified."""
    return [{"milestone": r.milestone, "verdict": r.verdict, "reviewer": r.reviewer,
             "reviewed_at": r.reviewed_at,
             "signature": {"state": "unsigned", "verified": False, "key": None}}
            for r in reading.reviews_by_milestone().values()]


def _curriculum_check(args: argparse.Namespace, cur):
    """The file's embedded curriculum against the shipped pack and the one installed in
    the data folder (hostile.md item 9)."""
    return _known_packs(args).check(cur)


def _known_packs(args: argparse.Namespace):
    from tracker import paths
    from tracker.exchange.known_pack import KnownPacks

    try:
        folder = paths.data_dir(args.data_dir)
    except Exception:  # noqa: BLE001 - no data folder: the shipped pack alone
        folder = None
    return KnownPacks.for_reader(folder)


def _write_review(args: argparse.Namespace, reading, out: Path) -> int:
    from tracker.db.errors import InputError
    from tracker.exchange.progress import write_document
    from tracker.exchange.review import build_review_document, parse_verdict_arg

    if not args.reviewer or not args.reviewer.strip():
        raise InputError("--reviewer NAME is required to write a review file")
    verdicts = [parse_verdict_arg(v) for v in args.verdict]
    doc = build_review_document(reading, verdicts, args.reviewer)
    from tracker import paths
    from tracker.exchange.signing import fingerprint, key_path, load_or_create_key, sign_document

    folder = paths.data_dir(args.data_dir)
    new_key = not key_path(folder).exists()
    doc = sign_document(doc, load_or_create_key(folder))
    write_document(out, doc)
    print(f"wrote {_plural(len(doc['verdicts']), 'verdict')} for "
          f"{reading.learner_name or '(no name)'} to {out}")
    print(("made your signing key; " if new_key else "")
          + f"signed with key {fingerprint(doc['signature']['public_key'])}")
    if reading.integrity != "ok":
        print("note: the progress file was modified after it was exported")
    return 0


def _review_text(reading, doc: dict, check) -> str:
    from tracker.exchange.known_pack import integrity_text
    from tracker.status import status_text

    lines = [f"File: {reading.source}",
             f"Exported: {reading.exported_at}   Integrity: {reading.integrity} "
             f"({integrity_text(reading.integrity)}; the digest does not show who wrote it)",
             f"Curriculum: {reading.curriculum.title} {reading.curriculum.version}: "
             f"{check.text()}",
             status_text(doc, reading.curriculum)]
    lines += _gap_lines(reading)
    if reading.unknown_milestones:
        ids = ", ".join(reading.unknown_milestones[:5])
        more = f" and {len(reading.unknown_milestones) - 5} more" \
            if len(reading.unknown_milestones) > 5 else ""
        lines.append(f"\nnote: {_plural(len(reading.unknown_milestones), 'milestone id')} "
                     f"not in the embedded curriculum (ignored): {ids}{more}")
    verdicts = doc.get("verdicts") or []
    if verdicts:
        names = sorted({v["reviewer"] for v in verdicts if v["reviewer"]})
        lines.append(f"\nMentor verdicts in the file: {len(verdicts)}"
                     + (f" (by {', '.join(names[:3])}{' and others' if len(names) > 3 else ''})"
                        if names else "")
                     + "; the file carries no signatures for them, so they are the learner's "
                     "copy: unsigned here, not verified")
    ch = doc.get("changes")
    if ch:
        lines.append(f"\nChanges since {ch['since'][:10]}:")
        lines.append(f"  newly done: {len(ch['newly_done'])}"
                     + (f" ({', '.join(ch['newly_done'][:8])}"
                        f"{', ...' if len(ch['newly_done']) > 8 else ''})"
                        if ch["newly_done"] else ""))
        lines.append(f"  reverted: {len(ch['reverted'])}"
                     + (f" ({', '.join(ch['reverted'][:8])})" if ch["reverted"] else ""))
        for lv in ch["readiness"]:
            if lv["change"]:
                lines.append(f"  {lv['level']}: {lv['before']:.1f}% -> {lv['after']:.1f}% "
                             f"({lv['change']:+.1f})")
        certs = ch["certifications"]
        from tracker.exchange.credential_verify import plain

        for c in certs["new"]:
            lines.append(f"  new certification: {c['name']} ({c['issuer']}); "
                         f"{plain(c['verification'], c['issuer_key'])}")
        for c in certs["expired"]:
            lines.append(f"  expired certification: {c['name']} on {c['expires']}")
        lines.append(f"  study: {ch['study']['minutes']} minutes in "
                     f"{_plural(ch['study']['sessions'], 'session')}")
    return "\n".join(lines)


REVIEW_GAPS = 10


def _gap_lines(reading) -> list[str]:
    """The first gaps of the learner's target level (else the first level not ready), as
    a mentor reads them: a choice is one line naming its options, an elective says so."""
    from tracker import readiness as rd
    from tracker.status import gap_tags, gap_title

    cur = reading.curriculum
    learner = reading.document.learner
    stack = dict(getattr(learner, "stack", None) or {}) or None
    results = rd.readiness(cur, reading.states, stack)
    focus = next((r for r in results if r.level.id == learner.target_level), None) \
        or next((r for r in results if not r.ready), None)
    if focus is None or not focus.gaps:
        return []
    lines = [f"\nNext for {focus.level.title} (first {min(REVIEW_GAPS, len(focus.gaps))} of "
             f"{len(focus.gaps)} gaps):"]
    for g in focus.gaps[:REVIEW_GAPS]:
        lines.append(f"  - {gap_title(cur, g)} [{gap_tags(cur, g)}]")
        options = getattr(g, "options", ())
        if options and len(g.suggested) != 1:
            lines.append("      any one of: " + "; ".join(
                cur.milestone_by_id[o].title for o in options if o in cur.milestone_by_id))
    return lines


# ---------------------------------------------------------------------------- restore
def cmd_restore(args: argparse.Namespace) -> int:
    from tracker.db.errors import InputError
    from tracker.exchange.progress import read_progress_file

    reading = read_progress_file(args.file)  # every check before anything is touched
    snap = reading.to_snapshot()
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise InputError("restore replaces your progress, certifications, study log and "
                             "reviews; pass --yes to confirm (no terminal to ask)")
        warn = " It was modified after export." if reading.integrity != "ok" else ""
        from tracker.termtext import clean  # a terminal's input() prompt skips sys.stdout

        answer = input(clean(f"Replace your progress with {reading.source} "
                             f"({reading.learner_name or 'no name'}, exported "
                             f"{reading.exported_at[:10]})?{warn} A backup is made first. "
                             "[y/N] "))
        if answer.strip().lower() not in ("y", "yes"):
            print("restore cancelled; nothing was changed")
            return 0
    with open_store(args) as store:
        cur = store.curriculum()
        known = set(cur.milestone_by_id) | {m for m, _ in store.retired_milestones()}
        skipped = sorted({m for m in snap.progress if m not in known}
                         | {m for m in snap.reviews if m not in known})
        from dataclasses import replace

        snap = replace(snap, reviews={k: r for k, r in snap.reviews.items() if k in known})
        # The backup is taken under the restore's own write lock (see Store.replace_all).
        info = store.replace_all(snap, source="restore", backup=True)
    done = sum(1 for m, e in snap.progress.items() if e.state == "done" and m in known)
    print(f"restored {reading.source}: {_plural(done, 'done milestone')}, "
          f"{_plural(len(snap.certifications), 'certification')}, "
          f"{_plural(len(snap.study_sessions), 'study session')}, "
          f"{_plural(len(snap.reviews), 'review')}")
    print(f"backup of the previous data: {info.name}")
    if reading.integrity != "ok":
        print("note: the file was modified after it was exported")
    if skipped:
        print(f"note: {_plural(len(skipped), 'milestone')} in the file are not in your "
              f"curriculum and were skipped: {', '.join(skipped[:5])}"
              + (" ..." if len(skipped) > 5 else ""))
    return 0


# ---------------------------------------------------------------------------- cohort
def cmd_cohort(args: argparse.Namespace) -> int:
    from tracker.exchange.cohort import cohort_csv_bytes, cohort_table, load_cohort, scan_paths
    from tracker.termtext import ProgressLine

    out = None
    if args.csv:  # never onto a file of the cohort itself (a listing; nothing read yet)
        out = _output_path(args, args.csv, inputs=(*args.paths, *scan_paths(args.paths).files))
    line = ProgressLine(sys.stderr)
    line.enabled = line.enabled and not args.quiet

    def skip(path: Path, reason: str) -> None:
        line.clear()
        print(f"skipped {path}: {reason}", file=sys.stderr)

    try:
        result = load_cohort(args.paths, on_skip=skip, on_progress=line.update,
                             known=_known_packs(args))
    finally:
        line.clear()
    if os.environ.get("MLOPS_TRACKER_REPORT_PEAK") == "1":  # for the benchmark
        print(f"peak_rss_mb={sum(result.peak_rss_kb.values()) / 1024:.1f}", file=sys.stderr)
    if args.json and result.ignored_text():  # the JSON document stays as it was
        print(f"{result.ignored_text()} (only *.mlops-progress.json files are read, "
              "and no subfolders)", file=sys.stderr)
    if out is not None:
        from tracker.atomicio import write_bytes

        write_bytes(out, cohort_csv_bytes(result))
    if args.json:
        print_json({"learners": [
            {"file": str(r.path), "learner": r.learner, "target_level": r.target_level,
             "current_level": r.current_level, "exported_at": r.exported_at,
             "integrity": r.integrity,
             "curriculum": r.curriculum_check, "curriculum_summary": r.curriculum_note,
             "levels": [{"id": s.level, "percent": round(s.percent, 2), "ready": s.ready}
                        for s in r.levels]}
            for r in result.rows],
            "skipped": [{"file": str(p), "reason": why} for p, why in result.skipped]})
    else:
        print(cohort_table(result))
        if out is not None:
            print(f"CSV written to {out}")
    return 0


# ---------------------------------------------------------------------------- report
def cmd_report(args: argparse.Namespace) -> int:
    from tracker.exchange.progress import read_progress_file

    out = _output_path(args, args.output, (".html", ".htm", ".pdf"),
                       inputs=(args.file,) if args.file else ())
    from tracker.reports.data import own_progress, report_data

    signatures = None
    if args.self_:
        # Your own verdicts carry the signature check made when each review was imported.
        with open_store(args) as store:
            reading, signatures = own_progress(store)
    else:
        reading = read_progress_file(args.file)

    data = report_data(reading, known=_known_packs(args), signatures=signatures)
    if out.name.lower().endswith(".pdf"):
        from tracker.reports.pdf import write_pdf

        write_pdf(data, out)
    else:
        from tracker.reports.html import write_html

        write_html(data, out)
    print(f"report written to {out}")
    return 0


# ---------------------------------------------------------------------------- import-review
def cmd_import_review(args: argparse.Namespace) -> int:
    from tracker.db.errors import InputError
    from tracker.exchange.review import plan_import, read_review_file

    reading = read_review_file(args.file)  # every check before anything is touched
    with open_store(args) as store:
        plan = plan_import(store, reading)
        if plan.other_export and not args.any_export:
            raise InputError(f"{plan.other_export}; nothing was imported. If it is yours "
                             "(exported on another computer or by an earlier version), "
                             "import it with --any-export")
        added = len(store.import_reviews(plan.fresh, plan.signature, plan.public_key)
                    ) if plan.fresh else 0
    print(f"imported {_plural(added, 'verdict')} from {reading.reviewer}"
          + (f" ({plan.known - added} already imported)" if plan.known > added else ""))
    print(f"signature: {plan.signature_text()}")
    if plan.other_export:
        print(f"note: {plan.other_export}; imported because of --any-export")
    if reading.integrity != "ok":
        print("note: the review file was modified after the mentor wrote it")
    if plan.unknown:
        print(f"note: {_plural(len(plan.unknown), 'verdict')} for milestones not in your "
              f"curriculum were skipped: {', '.join(plan.unknown[:5])}"
              + (" ..." if len(plan.unknown) > 5 else ""))
    return 0
