"""A cohort is never taken down by one file (issue 10, review §3).

One hostile progress file, whatever it makes the reader raise (the loader's own errors,
MemoryError, RecursionError, anything unexpected), is listed as skipped with a reason and
every good file beside it is still read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reliability.conftest import run_tracker_measured

from tracker.exchange import cohort as cohort_mod
from tracker.exchange.cohort import load_cohort

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny.toml"


def progress_doc(name: str = "Ann") -> dict:
    from tracker.curriculum.loader import load_pack
    from tracker.db.types import Profile, ProgressEntry, Snapshot
    from tracker.exchange.progress import build_progress_document

    snap = Snapshot(load_pack(TINY), Profile(name, "mlops", 1.0),
                    {"python.venv": ProgressEntry("python.venv", "done",
                                                  "2025-01-01T00:00:00.000000Z")},
                    (), (), {})
    return build_progress_document(snap)


def cycle_bomb_doc(n: int) -> dict:
    """A valid, re-signed progress file whose curriculum has milestone i require i+1 and
    milestone 0 (the review's `bomb_progress.py`: 14,000 makes a 2 MB file)."""
    from tracker.exchange.digest import with_integrity

    doc = progress_doc("Bomb")
    doc["curriculum"] = {
        "id": "bomb", "version": "1", "title": "Bomb", "description": "",
        "levels": [{"id": "junior", "rank": 1, "title": "J", "focus": "", "experience": "",
                    "threshold": 80.0}],
        "areas": [{"id": "a", "title": "A", "description": ""}],
        "skills": [{"id": "s", "area": "a", "title": "S", "description": ""}],
        "milestones": [{"id": f"m.n{i}", "skill": "s", "level": "junior", "title": f"T{i}",
                        "description": "", "weight": 1, "core": False,
                        "requires": [f"m.n{(i + 1) % n}"] + (["m.n0"] if i else [])}
                       for i in range(n)],
        "certifications": []}
    return with_integrity(doc)


def write(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.mlops-progress.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("failure", [MemoryError(), RecursionError("maximum recursion depth"),
                                     KeyError("curriculum"), ValueError("odd")])
def test_any_failure_reading_one_file_skips_only_that_file(tmp_path, monkeypatch, failure):
    good = [write(tmp_path, name, progress_doc(name)) for name in ("ann", "bob")]
    bad = write(tmp_path, "bad", progress_doc("Bad"))
    real = cohort_mod.read_progress_file

    def reader(path, **kw):
        if Path(path) == bad:
            raise failure
        return real(path, **kw)

    monkeypatch.setattr(cohort_mod, "read_progress_file", reader)
    told: list[tuple[Path, str]] = []
    result = load_cohort([tmp_path], on_skip=lambda p, why: told.append((p, why)))
    assert sorted(r.path for r in result.rows) == sorted(good)
    assert [p for p, _ in result.skipped] == [bad] == [p for p, _ in told]
    reason = result.skipped[0][1]
    assert reason and "\n" not in reason
    if isinstance(failure, MemoryError):
        assert "memory" in reason
    elif isinstance(failure, RecursionError):
        assert "nested" in reason or "deep" in reason


def test_keyboard_interrupt_still_stops_the_load(tmp_path, monkeypatch):
    write(tmp_path, "ann", progress_doc("Ann"))

    def reader(path, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(cohort_mod, "read_progress_file", reader)
    with pytest.raises(KeyboardInterrupt):
        load_cohort([tmp_path])


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc and RLIMIT_AS")
def test_a_2mb_cycle_bomb_beside_a_good_file_is_skipped_in_bounded_memory(tmp_path):
    """Before: MemoryError, exit 1, the good file not shown (2.1 GB peak under a 3 GB
    limit). After: the bomb is one skipped line, the good learner is in the table."""
    folder = tmp_path / "cohort"
    write(folder, "ada", progress_doc("Ada"))
    bomb = write(folder, "bomb", cycle_bomb_doc(14_000))
    assert 1_500_000 < bomb.stat().st_size < 20_000_000
    code, out, err, maxrss_kb = run_tracker_measured(["cohort", str(folder)], tmp_path,
                                                     1_200_000_000)
    assert code == 0, err
    assert "Ada" in out and "1 learner file" in out and "1 skipped" in out
    assert err.count("\n") == 1 and "bomb.mlops-progress.json" in err and "cycle" in err
    assert 0 < maxrss_kb < 400_000, f"peak RSS {maxrss_kb / 1024:.0f} MB"
