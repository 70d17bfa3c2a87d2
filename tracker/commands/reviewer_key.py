"""reviewer-key export / import / list: publish a mentor's public key, trust one."""

from __future__ import annotations

import argparse
import json

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reviewer-key", help="mentors' signing keys (publish yours, trust one)")
    ksub = p.add_subparsers(dest="key_command", metavar="ACTION", required=True,
                            parser_class=type(p))
    e = ksub.add_parser("export", help="write the public part of your review-signing key "
                                       "(made if you have none) for others to trust")
    e.add_argument("--name", required=True, help="your name as you sign reviews")
    e.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="where to write the public key (JSON; never the database or a backup)")
    e.set_defaults(func=cmd_export)
    i = ksub.add_parser("import", help="trust a mentor's published key before the first "
                                       "review from them")
    i.add_argument("file", help="a key file written by 'reviewer-key export'")
    i.set_defaults(func=cmd_import)
    ls = ksub.add_parser("list", help="the reviewers' keys this app knows")
    ls.add_argument("--json", action="store_true", help="one JSON document on stdout")
    ls.set_defaults(func=cmd_list)


def cmd_export(args: argparse.Namespace) -> int:
    from tracker import paths
    from tracker.atomicio import write_text
    from tracker.commands.exchange import _output_path
    from tracker.exchange.signing import export_public_key
    from tracker.validation import check_name

    name = check_name(args.name, "--name")
    out = _output_path(args, args.output)
    doc = export_public_key(paths.data_dir(args.data_dir), name)
    write_text(out, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote the public key of {name} (key {doc['fingerprint']}) to {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.exchange import safe_json
    from tracker.exchange.signing import fingerprint, read_public_key

    p = Path(args.file)
    name, pub = read_public_key(safe_json.load_file(p, max_bytes=64_000), p.name)
    with open_store(args) as store:
        replaced = store.trust_reviewer_key(name, pub)
    print(f"trusting key {fingerprint(pub)} for reviews signed by {name}")
    if replaced:
        print(f"note: this replaces key {fingerprint(replaced)} known for {name} before")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from tracker.exchange.signing import fingerprint

    with open_store(args) as store:
        keys = store.reviewer_keys()
    rows = [{"reviewer": k, "key": fingerprint(v)} for k, v in sorted(keys.items())]
    if args.json:
        print_json({"reviewer_keys": rows})
        return 0
    for r in rows:
        print(f"{r['key']}  {r['reviewer']}")
    print(f"{len(rows)} reviewer key{'s' if len(rows) != 1 else ''}")
    return 0
