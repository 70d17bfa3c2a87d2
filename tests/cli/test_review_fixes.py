"""Review findings: special files (FIFOs, devices, symlinks) on read and write, exit codes
for the user's own paths and bad arguments, empty --data-dir / --level / --date, strict
minutes, timestamps compared as times, and only the app's own backups thinned."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker import atomicio
from tracker.db.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


def run_cli(*args: str, data_dir: Path, timeout: float = 10) -> subprocess.CompletedProcess:
    """The CLI as a subprocess with a short timeout: a hang on a FIFO fails the test."""
    env = {**os.environ}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)


def one_line_error(r, fragment: str = "", code: int = 2) -> str:
    assert r.returncode == code, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr and "unexpected failure" not in r.stderr
    assert fragment.lower() in lines[0].lower(), lines[0]
    return lines[0]


# ------------------------------------------------------------------ 1. atomic writes
def test_a_symlink_stays_a_symlink_and_its_target_gets_the_content(tmp_path):
    real_dir = tmp_path / "elsewhere"
    real_dir.mkdir()
    real = real_dir / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomicio.write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in real_dir.iterdir()) == ["real.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "link.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    atomicio.write_text(link, "x")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "x"


@needs_fifo
def test_a_fifo_target_is_refused_before_anything_is_written(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file; choose another name"):
        atomicio.write_text(fifo, "data")
    assert fifo.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file


def test_a_folder_or_device_target_is_refused(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        atomicio.write_text(tmp_path, "data")
    if os.path.exists(os.devnull) and os.name == "posix":
        with pytest.raises(InputError, match="not a regular file"):
            atomicio.write_text(os.devnull, "data")
        assert not Path(os.devnull).is_file()


def test_an_error_names_the_target_not_the_temp_file(tmp_path):
    target = tmp_path / "missing" / "x.json"
    with pytest.raises(FileNotFoundError) as info:
        atomicio.write_text(target, "data")
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)


def test_mode_is_read_without_calling_umask(tmp_path, monkeypatch):
    def no_umask(*_a):
        raise AssertionError("os.umask called at write time")

    monkeypatch.setattr(os, "umask", no_umask)
    target = tmp_path / "new.json"
    atomicio.write_text(target, "x")
    assert target.read_text() == "x"


@needs_fifo
def test_export_to_a_fifo_or_dev_null_exits_2(tmp_path):
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    one_line_error(run_cli("export", "-o", str(fifo), data_dir=tmp_path / "d"),
                   "is not a regular file")
    assert fifo.is_fifo()
    if os.name == "posix":
        one_line_error(run_cli("export", "-o", os.devnull, data_dir=tmp_path / "d"),
                       "not a regular file")
        assert not Path(os.devnull).is_file()


# ------------------------------------------------------------------ 2. reading special files
@needs_fifo
@pytest.mark.parametrize("command", [["review"], ["import-review"], ["cert", "import"],
                                     ["curriculum", "check"]])
def test_reading_a_fifo_or_dev_zero_is_refused_quickly(tmp_path, command):
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        if path == "/dev/zero" and not os.path.exists(path):
            continue
        start = time.monotonic()
        r = run_cli(*command, path, data_dir=tmp_path / "d")
        assert time.monotonic() - start < 10
        if command[0] == "curriculum":  # lists its problems on stdout, the count on stderr
            assert r.returncode == 2 and "is not a regular file" in r.stdout, r
        else:
            one_line_error(r, "not a regular file")


@needs_fifo
def test_cohort_skips_a_fifo_without_hanging(tmp_path):
    fifo = tmp_path / "x.mlops-progress.json"
    os.mkfifo(fifo)
    r = run_cli("cohort", str(fifo), data_dir=tmp_path / "d")
    assert r.returncode == 0 and "not a regular file" in r.stderr


@needs_fifo
def test_loaders_refuse_a_fifo_in_process(tmp_path):
    from tracker.curriculum.loader import CurriculumError, load_pack
    from tracker.exchange.openbadges import load_badge
    from tracker.exchange.safe_json import LoadError, load_file

    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    # A writer that never comes: if any loader opens the FIFO for reading, it blocks.
    done = threading.Event()

    def unblock_after_timeout():
        if not done.wait(5):
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)

    threading.Thread(target=unblock_after_timeout, daemon=True).start()
    try:
        with pytest.raises(LoadError, match="not a regular file"):
            load_file(fifo)
        with pytest.raises(InputError, match="not a regular file"):
            load_badge(fifo)
        with pytest.raises(CurriculumError, match="not a regular file"):
            load_pack(fifo)
    finally:
        done.set()


def test_reads_stop_at_the_limit(tmp_path):
    from tracker.exchange.safe_json import read_regular

    f = tmp_path / "f"
    f.write_bytes(b"x" * 100)
    assert read_regular(f, 200) == b"x" * 100


# ------------------------------------------------------------------ 3. exit codes
def test_data_dir_that_is_a_file_exits_2(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    one_line_error(run_cli("status", data_dir=f), "afile is a file, not a folder")


def test_backups_path_that_is_a_file_exits_2(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    assert run_cli("status", data_dir=d).returncode == 0
    (d / "backups").write_text("x")
    one_line_error(run_cli("backup", data_dir=d), "backups")


def test_non_utf8_argument_exits_2(tmp_path):
    d = tmp_path / "d"
    r = run_cli("study", "add", "--minutes", "5", "--note", "\udcff", data_dir=d)
    one_line_error(r, "argument 8 is not valid text (not UTF-8)")
    assert not d.exists()


def test_file_name_too_long_exits_2(tmp_path):
    one_line_error(run_cli("status", data_dir=tmp_path / ("x" * 300)), "too long")


def test_user_path_oserrors_are_2_and_others_1(capsys):
    import errno

    from tracker.cli import report_error

    for code in (errno.ENOENT, errno.EACCES, errno.EISDIR, errno.ENOTDIR, errno.EEXIST,
                 errno.ENAMETOOLONG, errno.EROFS, errno.ENOSPC):
        assert report_error(OSError(code, os.strerror(code), "/some/path")) == 2
        assert "/some/path" in capsys.readouterr().err
    assert report_error(OSError(errno.EIO, "I/O error", "/x")) == 1


# ------------------------------------------------------------------ 4. empty values
def test_empty_data_dir_is_a_usage_error(tmp_path):
    env = {**os.environ, "MLOPS_TRACKER_DATA_DIR": str(tmp_path / "env")}
    for args in (["--data-dir", "", "status"], ["--data-dir=", "status"]):
        r = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True,
                           text=True, cwd=ROOT, env=env, timeout=30)
        one_line_error(r, "--data-dir must not be empty")
    assert not (tmp_path / "env").exists()


def test_paths_refuse_an_explicit_empty_override_and_ignore_an_empty_env(monkeypatch,
                                                                        tmp_path):
    from tracker import paths

    with pytest.raises(InputError, match="must not be empty"):
        paths.data_dir("")
    monkeypatch.setenv(paths.ENV_DATA_DIR, "")
    assert paths.data_dir(None) != Path("")
    assert paths.data_dir(tmp_path) == tmp_path


def test_empty_level_is_unknown(tmp_path):
    one_line_error(run_cli("milestones", "--level", "", data_dir=tmp_path / "d"),
                   "unknown level ''")


# ------------------------------------------------------------------ 7. study add
@pytest.mark.parametrize("minutes", ["1_0", "\u0661\u0660", "+5", "5.0", ""])
def test_minutes_take_ascii_digits_only(tmp_path, minutes):
    d = tmp_path / "d"
    one_line_error(run_cli("study", "add", "--minutes", minutes, data_dir=d), "minutes")
    r = run_cli("study", "list", "--json", data_dir=d)
    assert '"study_sessions": []' in r.stdout


def test_empty_date_is_an_error_not_today(tmp_path):
    d = tmp_path / "d"
    one_line_error(run_cli("study", "add", "--minutes", "5", "--date", "", data_dir=d),
                   "date")
    assert run_cli("study", "add", "--minutes", "5", data_dir=d).returncode == 0


# ------------------------------------------------------------------ 5. compare
def _reading(store, exported_at: str):
    from tracker.exchange.progress import build_progress_document, read_progress_value

    doc = build_progress_document(store.snapshot(with_history=False))
    doc["exported_at"] = exported_at
    return read_progress_value(doc, "f.json")


def test_compare_orders_timestamps_as_times(store):
    from tracker.db.types import CertificationInput
    from tracker.exchange.compare import compare

    store.add_certification(CertificationInput(name="K8s", issuer="CNCF",
                                               earned="2024-01-01", expires="2025-03-01"))
    # as strings "10:00:00Z" > "10:00:00.5Z": the older file looked newer
    compare(_reading(store, "2025-03-01T10:00:00Z"), _reading(store, "2025-03-01T10:00:00.5Z"))
    # 12:00+05:00 is 07:00Z, before 08:00Z
    compare(_reading(store, "2025-03-01T12:00:00+05:00"), _reading(store, "2025-03-01T08:00:00Z"))
    with pytest.raises(InputError, match="exported after"):
        compare(_reading(store, "2025-03-01T08:00:00Z"),
                _reading(store, "2025-03-01T12:00:00+05:00"))
    # 01:00+05:00 on the 2nd is the 1st in UTC: the cert expiring on the 1st expired since
    ch = compare(_reading(store, "2025-03-02T01:00:00+05:00"),
                 _reading(store, "2025-03-05T00:00:00Z"))
    assert [c["name"] for c in ch["certifications"]["expired"]] == ["K8s"]


# ------------------------------------------------------------------ 6. backups
def test_only_the_apps_own_backup_names_are_listed_and_thinned(tmp_path):
    from tracker.db import backup

    folder = tmp_path / "data"
    bdir = folder / "backups"
    bdir.mkdir(parents=True)
    own = ["tracker-20250101-000000-manual.sqlite3", "tracker-20250101-000000-manual-2.sqlite3",
           "tracker-20240101-120000-before-restore.sqlite3"]
    users = ["tracker-old.sqlite3", "tracker-20250101-000000-mine.sqlite3",
             "tracker-20251399-000000-manual.sqlite3", "tracker-2025010-000000-daily.sqlite3",
             "tracker-\u0662\u0660\u0662\u0665\u0660\u0661\u0660\u0661-000000-daily.sqlite3"]
    for name in own + users:
        (bdir / name).write_bytes(b"x")
    assert sorted(b.name for b in backup.list_backups(folder)) == sorted(own)
    keep_least = backup.Retention(keep_all_days=0, daily=0, weekly=0, monthly=0,
                                  protect_days=0)
    deleted = backup.prune_backups(folder, datetime(2030, 1, 1, tzinfo=UTC), keep_least)
    assert set(deleted) <= set(own) and len(deleted) == 2
    for name in users:
        assert (bdir / name).exists(), name
    with pytest.raises(ValueError):
        backup.make_backup(folder, reason="mine")

