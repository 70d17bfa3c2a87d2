"""Run mypy on tracker/ (settings in pyproject.toml) and fail on any error it did not report
before: zero errors outside the GUI modules, and in those no more errors per file and error
code than .ci/mypy-baseline.txt lists. Counts, not line numbers, so editing a file does not
invalidate its entries.

    python .ci/mypy_gate.py            # the check (`make check`)
    python .ci/mypy_gate.py --update   # rewrite the baseline after fixing errors

Other arguments go to mypy (e.g. ``--python-executable PATH`` to check against the packages
of another environment than the one mypy is installed in).

Only GUI modules may have a baseline (PySide6's stubs return `X | None` almost everywhere);
the Qt-free core must stay at zero.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
GUI = ("tracker/ui/", "tracker/app.py", "tracker/bench.py")
ERROR = re.compile(r"^(?P<path>[^:\n]+\.py):\d+(?::\d+)?: error: .*\[(?P<code>[a-z0-9-]+)\]$")


def run_mypy(args: list[str]) -> tuple[Counter[tuple[str, str]], str]:
    p = subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True,
                       text=True)
    # 2: mypy itself failed (bad config, crash); 1 without a summary: no mypy at all
    summary = re.search(r"^(Success: no issues found|Found \d+ errors?) ", p.stdout, re.M)
    if p.returncode not in (0, 1) or summary is None:
        sys.exit(f"mypy did not run (exit {p.returncode}):\n{p.stdout}{p.stderr}")
    counts: Counter[tuple[str, str]] = Counter()
    for line in p.stdout.splitlines():
        m = ERROR.match(line.replace("\\", "/"))
        if m:
            counts[(m["path"], m["code"])] += 1
    return counts, p.stdout


def read_baseline() -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for line in BASELINE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, code, n = line.split()
            out[(path, code)] = int(n)
    return out


def write_baseline(counts: Counter[tuple[str, str]]) -> None:
    lines = ["# mypy errors allowed in the GUI modules: path, error code, count.",
             "# Written by `python .ci/mypy_gate.py --update`; only ever shrink it."]
    lines += [f"{path} {code} {n}" for (path, code), n in sorted(counts.items())]
    BASELINE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    counts, report = run_mypy([a for a in argv if a != "--update"])
    core = {k: n for k, n in counts.items() if not k[0].startswith(GUI)}
    if core:
        print("\n".join(line for line in report.splitlines()
                        if not line.replace("\\", "/").startswith(GUI)))
        print("mypy: only the GUI modules may have errors; these are elsewhere:", sorted(core))
        return 1
    if "--update" in argv:
        write_baseline(counts)
        print(f"mypy: baseline rewritten, {sum(counts.values())} errors in GUI modules")
        return 0
    allowed = read_baseline()
    new = {k: (n, allowed.get(k, 0)) for k, n in counts.items() if n > allowed.get(k, 0)}
    if new:
        paths = {path for path, _ in new}
        print("\n".join(line for line in report.splitlines()
                        if line.split(":", 1)[0].replace("\\", "/") in paths))
        for (path, code), (n, was) in sorted(new.items()):
            print(f"mypy: {path} has {n} [{code}] errors, the baseline allows {was}")
        return 1
    fewer = sum(allowed.values()) - sum(counts.values())
    print(f"mypy: no new errors ({sum(counts.values())} in GUI modules, all in the baseline)"
          + (f"; {fewer} fixed: run `python .ci/mypy_gate.py --update`" if fewer > 0 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
