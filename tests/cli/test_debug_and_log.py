"""The command line's side of "when something goes wrong": an unexpected failure is one
line on stderr that says where the log is, and the log has the traceback; ``--debug`` (or
MLOPS_TRACKER_DEBUG=1) prints the traceback on stderr and debug lines; a note's text never
reaches the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "my-private-note-5f1c"

# `status` on a Store that fails with a bug (not bad input): exit 1.
BROKEN = ("import sys\n"
          "import tracker.db.store as s\n"
          "def broken(*a, **k):\n"
          "    raise RuntimeError('something broke inside')\n"
          "s.Store.open = broken\n"
          "from tracker.cli import main\n"
          "raise SystemExit(main(sys.argv[1:]))\n")


def run(*args: str, env: dict[str, str] | None = None, code: str | None = None):
    full_env = {k: v for k, v in os.environ.items() if k != "MLOPS_TRACKER_DEBUG"}
    full_env.update(env or {})
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "tracker",
                                                             *args]
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=120)


def test_an_unexpected_failure_is_one_line_and_its_traceback_is_in_the_log(tmp_path):
    data = tmp_path / "d"
    r = run("--data-dir", str(data), "status", code=BROKEN)
    assert r.returncode == 1
    log = data / "logs" / "tracker.log"
    assert r.stderr.splitlines() == [
        f"error: unexpected failure: RuntimeError: something broke inside (details in {log})"]
    text = log.read_text()
    assert "ERROR tracker.errors [MainThread] unexpected failure: RuntimeError" in text
    assert "Traceback (most recent call last)" in text and "in broken" in text


def test_debug_prints_the_traceback_on_stderr(tmp_path):
    data = tmp_path / "d"
    for args, env in ((["--debug", "--data-dir", str(data)], None),
                      (["--data-dir", str(data)], {"MLOPS_TRACKER_DEBUG": "1"})):
        r = run(*args, "status", env=env, code=BROKEN)
        assert r.returncode == 1
        assert "Traceback (most recent call last)" in r.stderr
        assert "RuntimeError: something broke inside" in r.stderr
        assert r.stderr.splitlines()[-1].startswith("error: unexpected failure: RuntimeError")
        assert "DEBUG tracker.cli: command status" in r.stderr


def test_bad_input_stays_one_line_and_is_not_logged_without_debug(tmp_path):
    data = tmp_path / "d"
    r = run("--data-dir", str(data), "tick", "no.such.milestone")
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and "unknown milestone id" in r.stderr
    assert not (data / "logs" / "tracker.log").exists()
    r = run("--debug", "--data-dir", str(data), "tick", "no.such.milestone")
    assert r.returncode == 2 and "Traceback" in r.stderr
    assert r.stderr.splitlines()[-1].startswith("error: unknown milestone id")


def test_debug_is_documented_and_works_before_the_subcommand_only(tmp_path):
    r = run("--help")
    assert "--debug" in r.stdout and "MLOPS_TRACKER_DEBUG" in r.stdout
    r = run("--data-dir", str(tmp_path / "d"), "status", "--debug")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1


def test_a_note_never_reaches_the_log(tmp_path):
    data = tmp_path / "d"
    out = tmp_path / "me.mlops-progress.json"
    for args in (["study", "add", "--minutes", "30", "--note", SECRET],
                 ["study", "list", "--json"],
                 ["export", "-o", str(out)],
                 ["study", "add", "--minutes", "0", "--note", SECRET],    # refused
                 ["review", str(out), "--json"]):
        r = run("--debug", "--data-dir", str(data), *args)
        assert SECRET not in r.stderr
    r = run("--data-dir", str(data), "study", "add", "--minutes", "5", "--note", SECRET,
            code=BROKEN)
    assert r.returncode == 1
    text = (data / "logs" / "tracker.log").read_text()
    assert "command study" in text and "Traceback" in text
    assert SECRET not in text
    assert SECRET in out.read_text()  # it was written where it belongs


def test_the_gui_takes_debug_too(tmp_path):
    data = tmp_path / "d"
    r = run("--debug", "--data-dir", str(data),
            env={"MLOPS_TRACKER_EXIT_WHEN_READY": "1", "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert "READY" in r.stdout
    assert "INFO tracker.diagnostics: MLOps Career Tracker" in r.stderr
    assert "(app, debug)" in (data / "logs" / "tracker.log").read_text()
    assert (data / "logs" / "crash.log").read_text() == ""
