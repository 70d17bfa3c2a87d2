"""Issue 10, item 1 (review §1) and §18: no output option can land on the database, its
side files, a backup or the command's own input, whether named directly, through a symlink
or with a trailing slash; and the cosmetic output-path cases (long names, /dev/stdout,
temp files). Every refusal is one line, exit 2, and nothing is written.

The commands run in-process through ``tracker.cli.main`` (the same code as the console
script, at a fraction of the cost of a subprocess each)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker import atomicio, paths
from tracker.cli import main
from tracker.db.errors import InputError

MILESTONE = "python.venv"
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *args: str, fragment: str = "will not write") -> str:
    code, _out, err = run(capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2, (args, code, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert fragment in lines[0], lines[0]
    return lines[0]


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (recursively) with the hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def done_count(folder: Path) -> int:
    con = sqlite3.connect(f"{(folder / 'tracker.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM progress WHERE state='done'").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def setup(tmp_path, capsys):
    """A data folder with a backup, then a tick newer than the backup; an export of it."""
    d = tmp_path / "data"
    files = tmp_path / "files"
    files.mkdir()
    assert run(capsys, "--data-dir", str(d), "tick", "python.packaging")[0] == 0
    assert run(capsys, "--data-dir", str(d), "backup")[0] == 0
    assert run(capsys, "--data-dir", str(d), "tick", MILESTONE)[0] == 0
    progress = files / "in.mlops-progress.json"
    assert run(capsys, "--data-dir", str(d), "export", "-o", str(progress))[0] == 0
    return d, files, progress


def test_no_output_lands_on_the_database_a_backup_or_an_input(setup, capsys, tmp_path):
    d, files, progress = setup
    backup_file = next((d / "backups").glob("tracker-*.sqlite3"))
    link = files / "innocent.csv"
    link.symlink_to(d / "tracker.sqlite3")
    html_link = files / "innocent.html"
    html_link.symlink_to(d / "tracker.sqlite3")
    dir_link = files / "bk"
    dir_link.symlink_to(d / "backups")
    self_link = files / "in.html"
    self_link.symlink_to(progress)
    review = ["review", str(progress), "--reviewer", "M", "--verdict", f"{MILESTONE}=verified"]
    g = ["--data-dir", str(d)]
    attacks = [
        [*g, "export", "-o", str(d / "tracker.sqlite3")],
        [*g, "export", "-o", str(d / "tracker.sqlite3-wal")],
        [*g, "export", "-o", str(d / "tracker.sqlite3-shm")],
        [*g, "export", "-o", str(d / "TRACKER.sqlite3")],     # a case-insensitive disk
        [*g, "export", "-o", str(backup_file)],
        [*g, "export", "-o", str(d / "backups" / "mine.json")],
        [*g, "export", "-o", str(dir_link / backup_file.name)],
        [*g, "export", "-o", str(d / "curriculum" / "active.toml")],
        [*g, "cohort", str(progress), "--csv", str(d / "tracker.sqlite3")],
        [*g, "cohort", str(progress), "--csv", str(link)],     # symlink to the database
        [*g, "cohort", str(files), "--csv", str(progress)],    # a file of the cohort
        [*g, *review, "-o", str(d / "tracker.sqlite3")],
        [*g, *review, "-o", str(progress)],                    # its own input
        [*g, "report", "--self", "-o", str(html_link)],
        [*g, "report", str(progress), "-o", str(self_link)],   # its input, via a link
        # Another data folder's database (not the one in use) is just as precious.
        ["--data-dir", str(tmp_path / "other"), "export", "-o", str(d / "tracker.sqlite3")],
        ["--data-dir", str(tmp_path / "other"), "export", "-o", str(backup_file)],
    ]
    (d / "curriculum").mkdir(exist_ok=True)
    before = digest(d)
    before_files = digest(files)
    for argv in attacks:
        refused(capsys, *argv)
        assert digest(d) == before, argv
        assert digest(files) == before_files, argv
    assert link.is_symlink() and dir_link.is_symlink()
    assert sorted(p.name for p in files.iterdir()) == ["bk", "in.html", "in.mlops-progress.json",
                                                      "innocent.csv", "innocent.html"]
    # The tick newer than the backup is still there, and the database opens.
    code, out, err = run(capsys, *g, "status")
    assert code == 0, err
    assert done_count(d) == 2


def test_any_existing_sqlite_file_is_refused_and_ordinary_outputs_still_work(setup, capsys,
                                                                            tmp_path):
    d, files, progress = setup
    other_db = files / "notes.db"
    con = sqlite3.connect(other_db)
    con.execute("create table notes(t)")
    con.commit()
    con.close()
    before = other_db.read_bytes()
    refused(capsys, "--data-dir", str(d), "export", "-o", str(other_db),
            fragment="SQLite database")
    assert other_db.read_bytes() == before
    # Outputs beside the database, or replacing an earlier export, are fine.
    for out in (d / "me.mlops-progress.json", progress):
        code, _o, err = run(capsys, "--data-dir", str(d), "export", "-o", str(out))
        assert code == 0, err
    code, _o, err = run(capsys, "--data-dir", str(d), "cohort", str(files), "--csv",
                        str(files / "cohort.csv"))
    assert code == 0, err


def test_atomicio_refuses_the_database_whoever_calls_it(setup):
    """The last line of defence, for writers that know no data folder (review mode's
    export, a future caller): atomicio itself refuses."""
    d, _files, _progress = setup
    before = digest(d)
    for target in (d / "tracker.sqlite3", d / "tracker.sqlite3-wal",
                   next((d / "backups").glob("*.sqlite3"))):
        with pytest.raises(InputError, match="will not write"):
            atomicio.write_text(target, "{}")
    assert digest(d) == before


def test_trailing_slash_names_a_folder(tmp_path, capsys):
    d = tmp_path / "data"
    refused(capsys, "--data-dir", str(d), "export", "-o", str(tmp_path / "nodir") + "/",
            fragment="no such folder")
    assert not (tmp_path / "nodir").exists()
    (tmp_path / "afile").write_text("keep")
    refused(capsys, "--data-dir", str(d), "export", "-o", str(tmp_path / "afile") + "/",
            fragment="no such folder")
    assert (tmp_path / "afile").read_text() == "keep"
    (tmp_path / "adir").mkdir()
    refused(capsys, "--data-dir", str(d), "export", "-o", str(tmp_path / "adir") + "/",
            fragment="is a folder")


@pytest.mark.skipif(os.name != "posix" or not os.path.exists("/dev/stdout"),
                    reason="needs /dev/stdout")
@pytest.mark.parametrize("via_link", [False, True])
def test_dev_stdout_is_refused_with_a_true_message(tmp_path, via_link):
    """In a subprocess whose stdout is a pipe (as in ``... | jq``); /dev/stdout used to
    be resolved to "/proc/PID/fd/pipe:[N]" and fail with "No such file or directory"."""
    target = "/dev/stdout"
    if via_link:
        (tmp_path / "out.json").symlink_to("/dev/stdout")
        target = str(tmp_path / "out.json")
    r = subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(tmp_path / "d"),
                        "export", "-o", target], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "not a regular file" in lines[0] and r.stdout == "", r


def test_a_long_but_legal_output_name_is_written(tmp_path, capsys):
    name = "b" * 250 + ".json"  # 255 bytes: the longest legal name on most disks
    code, _o, err = run(capsys, "--data-dir", str(tmp_path / "d"), "export", "-o",
                        str(tmp_path / name))
    assert code == 0, err
    assert (tmp_path / name).stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    atomicio.write_text(tmp_path / ("é" * 127 + "x"), "multi-byte")  # 255 bytes in UTF-8
    assert (tmp_path / ("é" * 127 + "x")).read_text() == "multi-byte"


def test_check_output_is_pure_and_names_the_reason(tmp_path):
    (tmp_path / "tracker.sqlite3").write_bytes(b"")
    (tmp_path / "backups").mkdir()
    (tmp_path / "in.json").write_text("{}")
    with pytest.raises(InputError, match="input of this command"):
        paths.check_output(tmp_path / "in.json", inputs=[tmp_path / "in.json"])
    with pytest.raises(InputError, match="backups folder"):
        paths.check_output(tmp_path / "backups" / "x.json", data_folder=tmp_path)
    assert paths.check_output(tmp_path / "out.json", data_folder=tmp_path,
                              inputs=[tmp_path / "in.json"]) == tmp_path / "out.json"


# ------------------------------------------------------------------ §18: a closed pipe
@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize("args", [["milestones"], ["milestones", "--json"], ["status"],
                                  ["curriculum", "show", "--json"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path, args):
    """``status | head -1``: when the reader has gone, the command stops without a word
    on stderr (no "error: Broken pipe", no "Exception ignored ... BrokenPipeError") and
    exits as Unix tools do when SIGPIPE ends them (128 + 13). The read end is closed before
    the command writes, so every run meets the closed pipe."""
    data = tmp_path / "d"
    env = {**os.environ}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    assert subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(data),
                           "tick", MILESTONE], cwd=ROOT, env=env,
                          capture_output=True).returncode == 0
    p = subprocess.Popen([sys.executable, "-m", "tracker", "--data-dir", str(data), *args],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 141, err
    assert err == ""


# ------------------------------------------------------------------ §17: leftover temp files
def test_thinning_removes_old_temp_files_and_their_journals(tmp_path):
    """A backup killed mid-copy leaves ``.tmp-X.part`` and SQLite's ``.tmp-X.part-journal``
    (55 kills left 13 pairs in the review); thinning removed only the first. Both go once
    an hour old; a young one may be a backup in progress and stays."""
    from tracker.db import backup

    d = tmp_path / "data"
    (d / "backups").mkdir(parents=True)
    (d / "tracker.sqlite3").write_bytes(b"")
    # The same leftovers for restore-backup's fallback, in the data folder itself.
    old = [d / "backups" / n for n in (".tmp-ab12.part", ".tmp-ab12.part-journal",
                                       ".tmp-cd34.part-wal")] + \
        [d / ".tracker.sqlite3.ef56.part", d / ".tracker.sqlite3.ef56.part-journal"]
    young = [d / "backups" / ".tmp-new1.part", d / "backups" / ".tmp-new1.part-journal"]
    long_ago = time.time() - 2 * 3600
    for p in old + young:
        p.write_bytes(b"x")
    for p in old:
        os.utime(p, (long_ago, long_ago))
    backup.prune_backups(d)
    assert [p.name for p in old if p.exists()] == []
    assert all(p.exists() for p in young)
    assert (d / "tracker.sqlite3").exists()
