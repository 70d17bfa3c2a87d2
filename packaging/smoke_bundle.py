"""Smoke checks for the one-folder app that `make bundle` builds (issue 15):
``--version``, ``status --json`` on a new data folder (migrations from inside the bundle),
the GUI offscreen until its window is ready, and opening a progress file passed to it.

    python packaging/smoke_bundle.py dist/mlops-tracker/mlops-tracker
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(exe: str, *args: str, env: dict[str, str], timeout: int = 120) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run([exe, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout, took


def main(exe: str) -> int:
    exe = str(Path(exe).absolute())
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=tmp,
                   XDG_DATA_HOME=str(Path(tmp) / "xdg"), MLOPS_TRACKER_DATA_DIR=str(Path(tmp) / "data"))
        env.pop("PYTHONPATH", None)
        out, t = run(exe, "--version", env=env)
        print(f"ok  --version: {out.strip()} ({t:.2f} s)")
        out, t = run(exe, "status", "--json", env=env)
        levels = json.loads(out)["levels"]
        print(f"ok  status --json: {len(levels)} levels on a new data folder ({t:.2f} s)")
        out, t = run(exe, "export", "-o", str(Path(tmp) / "me.mlops-progress.json"), env=env)
        print(f"ok  export ({t:.2f} s)")
        ready = dict(env, MLOPS_TRACKER_EXIT_WHEN_READY="1")
        out, t = run(exe, env=ready)
        assert "READY" in out, out
        print(f"ok  GUI offscreen: READY ({t:.2f} s)")
        out, t = run(exe, str(Path(tmp) / "me.mlops-progress.json"), env=ready)
        assert "READY" in out, out
        print(f"ok  GUI with a progress file: READY ({t:.2f} s)")
        out, t = run(exe, "install-desktop", "--json", env=env)
        entry = Path(tmp) / "xdg" / "applications" / "io.github.mlopstracker.CareerTracker.desktop"
        assert f"Exec={exe} %F" in entry.read_text(), entry.read_text()
        print(f"ok  install-desktop: Exec= names the bundle ({t:.2f} s)")
    print("bundle smoke checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/mlops-tracker/mlops-tracker"))
