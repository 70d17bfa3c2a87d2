"""Issue 16: a large cohort is read by a pool of processes, rows stream out in batches, a
Cancel stops it, bad files are still skipped one by one, other entries of the folder are
counted, and the outcome (rows, skipped files, CLI output) does not depend on how many
processes read it."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from tracker.exchange import cohort as cohort_mod
from tracker.exchange.cohort import CHUNK_FILES, PARALLEL_MIN_FILES, load_cohort, scan_paths
from tracker.termtext import ProgressLine

from test_cohort_hostile import cycle_bomb_doc, progress_doc, write

N = PARALLEL_MIN_FILES + 6


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """N learners (some sharing a name), two bad files among them, a note and a subfolder."""
    out = tmp_path_factory.mktemp("cohort")
    base = write(out, "l-0000", progress_doc("Learner 0"))
    for i in range(1, N):
        name = f"Learner {i % 50}"  # names repeat: ties are ordered by date, then path
        (out / f"l-{i:04d}.mlops-progress.json").write_text(
            json.dumps(progress_doc(name)) if i % 7 else base.read_text())
    (out / "l-0031.mlops-progress.json").write_text("{not json")
    write(out, "l-0040", cycle_bomb_doc(300))
    (out / "notes.txt").write_text("not a progress file")
    (out / "older").mkdir()
    shutil.copy(base, out / "older" / "l-9999.mlops-progress.json")
    return out


def outcome(result):
    return ([(r.path, r.learner, r.exported_at, r.current_level, r.levels, r.integrity)
             for r in result.rows], result.skipped)


def test_processes_or_not_the_outcome_is_the_same(folder):
    one = load_cohort([folder], workers=1)
    two = load_cohort([folder], workers=2)
    auto = load_cohort([folder])
    assert outcome(one) == outcome(two) == outcome(auto)
    assert len(one.rows) == N - 2
    assert [p.name for p, _ in two.skipped] == ["l-0031.mlops-progress.json",
                                                "l-0040.mlops-progress.json"]
    assert "cycle" in two.skipped[1][1]
    assert len(two.peak_rss_kb) >= 2  # this process and at least one reader process


def test_rows_stream_in_batches_in_file_order(folder):
    batches, progress, told = [], [], []
    result = load_cohort([folder], workers=2, on_rows=batches.append,
                         on_progress=lambda d, t: progress.append((d, t)),
                         on_skip=lambda p, why: told.append(p.name))
    assert len(batches) > 1 and all(len(b) <= CHUNK_FILES for b in batches)
    streamed = [r.path for b in batches for r in b]
    assert streamed == sorted(streamed)  # file order, whichever process was faster
    assert sorted(streamed) == sorted(r.path for r in result.rows)
    assert progress[-1] == (N, N) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert told == ["l-0031.mlops-progress.json", "l-0040.mlops-progress.json"]


def test_cancel_stops_the_load(folder):
    batches = []
    result = load_cohort([folder], workers=2, on_rows=batches.append,
                         cancelled=lambda: bool(batches))
    assert result.cancelled
    assert 0 < len(result.rows) < N - 2
    assert sorted(r.path for r in result.rows) == sorted(r.path for b in batches for r in b)


def test_other_files_and_subfolders_are_counted_not_read(folder):
    listing = scan_paths([folder])
    assert len(listing.files) == N
    assert (listing.ignored_files, listing.ignored_folders) == (1, 1)
    result = load_cohort([folder], workers=1)
    assert result.ignored_text() == "1 other file and 1 subfolder ignored"
    assert all(r.path.parent == folder for r in result.rows)
    assert cohort_mod.cohort_table(result).endswith(
        "; 2 skipped; 1 other file and 1 subfolder ignored")


def test_cli_output_is_the_same_with_the_pool(cli, folder, tmp_path):
    """The CLI reads this folder with processes; its JSON and CSV are what one process
    makes (the order scripts rely on), and stderr is the skipped lines, then the count of
    what was ignored; no progress line when stderr is not a terminal."""
    out = tmp_path / "c.csv"
    r = cli("cohort", str(folder), "--json", "--csv", str(out), data_dir=None)
    assert r.code == 0, r.err
    one = load_cohort([folder], workers=1)
    doc = json.loads(r.out)
    assert [x["file"] for x in doc["learners"]] == [str(x.path) for x in one.rows]
    assert doc["skipped"] == [{"file": str(p), "reason": why} for p, why in one.skipped]
    assert out.read_bytes() == cohort_mod.cohort_csv_bytes(one)
    lines = r.err.splitlines()
    assert [ln.split(":")[0] for ln in lines[:2]] == [
        f"skipped {folder / 'l-0031.mlops-progress.json'}",
        f"skipped {folder / 'l-0040.mlops-progress.json'}"]
    assert lines[2].startswith("1 other file and 1 subfolder ignored")
    assert len(lines) == 3 and "\r" not in r.err
    q = cli("cohort", str(folder), "--quiet", data_dir=None)
    assert q.code == 0 and "1 other file and 1 subfolder ignored" in q.out


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_only_on_a_terminal_after_a_second():
    now = [0.0]
    tty = Tty()
    line = ProgressLine(tty, clock=lambda: now[0])
    line.update(10, 100)
    assert tty.getvalue() == ""  # the first second: nothing
    now[0] = 1.5
    line.update(20, 100)
    assert tty.getvalue() == "\rread 20 of 100 files"
    now[0] = 1.55
    line.update(21, 100)  # redrawn at most every 0.1 s
    assert tty.getvalue() == "\rread 20 of 100 files"
    now[0] = 2.0
    line.update(100, 100)
    line.clear()
    assert tty.getvalue().endswith("\rread 100 of 100 files\r" + " " * 21 + "\r")

    pipe = io.StringIO()
    quiet = ProgressLine(pipe, clock=lambda: now[0] + 5)
    quiet.update(1, 2)
    quiet.clear()
    assert pipe.getvalue() == ""
