"""bench: the performance benchmark."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run the performance benchmark (takes a minute or two)")
    p.add_argument("--json", action="store_true", help="print one JSON line at the end")
    p.add_argument("--quick", action="store_true", help="smaller data and fewer runs")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from tracker import bench

    def progress(text: str) -> None:
        print(f"... {text}", file=sys.stderr, flush=True)

    results = bench.run(quick=args.quick, progress=progress)
    if args.json:
        sys.stdout.write(json.dumps(results, sort_keys=True) + "\n")
    else:
        print(bench.table(results))
    return 0
