"""``mlops-tracker bench``: the performance benchmark (not a test).

Builds its own data in a temporary folder, measures, cleans up, and prints a table or one
JSON line. Start-up figures are wall-clock times from spawning a process to the moment its
main window is shown and populated, for the app and for a bare PySide6 window measured in
the same run, so the ratio between them holds on any machine.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

READY_ENV = "MLOPS_TRACKER_EXIT_WHEN_READY"   # "1": print a line and quit once shown
VISIT_ENV = "MLOPS_TRACKER_VISIT_PAGES"       # "1": visit every page before reporting

BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setWindowTitle("MLOps bare"); w.setCentralWidget(QLabel("bare window"))
w.resize(1200, 800); w.show()
def ready():
    print("READY", flush=True); app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

PEAK_ENV = "MLOPS_TRACKER_REPORT_PEAK"         # "1": cohort prints its processes' peak memory

# The bar of issue 16.
TARGETS = {
    "warm_start_ratio": ("warm_start_s / bare_window_s", 2.0, "<="),
    "tick_p95_ms": ("tick p95, shipped curriculum", 8.0, "<="),
    "tick_p95_ms_large_curriculum": ("tick p95, 10x curriculum", 8.0, "<="),
    "cohort_1000_s": ("cohort of 1,000 files", 10.0, "<="),
    "cohort_ratio": ("cohort_1000_s / cohort_json_floor_s", 2.0, "<="),
    "cohort_10000_s": ("cohort of 10,000 files", 12.0, "<="),
    "cohort_10000_peak_mb": ("cohort of 10,000 files, peak memory (MB)", 400.0, "<="),
    "start_ratio_big_history": ("warm start, big history / empty", 1.05, "<="),
    "export_big_history_s": ("export with big history", 2.0, "<="),
    "peak_rss_mb": ("GUI peak memory after every page", 120.0, "<="),
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("MLOPS_TRACKER_DATA_DIR", None)
    # An installed app has its bytecode cached (pip compiles on install); let the first,
    # unmeasured run write it even where PYTHONDONTWRITEBYTECODE is set, as on CI machines.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_until_ready(cmd: list[str], env: dict[str, str] | None = None,
                     timeout: float = 60) -> tuple[float, str]:
    """Seconds from spawn until the process prints a line starting with READY."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env=env or _env())
    try:
        assert p.stdout is not None
        for line in p.stdout:
            if line.startswith("READY"):
                elapsed = time.perf_counter() - t0
                p.wait(timeout=timeout)
                return elapsed, line.strip()
        raise RuntimeError(f"{cmd[:3]} exited without reporting READY (code {p.wait()})")
    finally:
        if p.poll() is None:
            p.kill()


def best_of(n: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(n))


def interleaved_best(runs: int, *fns: Callable[[], float]) -> list[float]:
    """The best of ``runs`` of each function, run in turn (a, b, a, b...): on a shared
    machine whose load drifts, figures taken minutes apart are not comparable; taken in
    turn, their ratio is."""
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], fn())
    return best


def bare_window_s(runs: int) -> float:
    return best_of(runs, bare_window_once)


def bare_window_once() -> float:
    return time_until_ready([sys.executable, "-c", BARE_WINDOW])[0]


def app_starter(data_dir: Path, extra_env: dict[str, str] | None = None
                ) -> Callable[[], float]:
    """One measured start of the app on ``data_dir`` per call (the first start, which
    creates, migrates or syncs, is made here, not measured)."""
    # Always the dashboard (the page that reads the history): the page a window opens on
    # is remembered per data folder, and the memory run ends on the last page.
    env = {**_env(), READY_ENV: "1", "MLOPS_TRACKER_PAGE": "dashboard", **(extra_env or {})}
    cmd = [sys.executable, "-m", "tracker", "--data-dir", str(data_dir)]
    time_until_ready(cmd, env)
    return lambda: time_until_ready(cmd, env)[0]


def app_start_s(data_dir: Path, runs: int, extra_env: dict[str, str] | None = None) -> float:
    return best_of(runs, app_starter(data_dir, extra_env))


def peak_rss_mb(data_dir: Path) -> float:
    env = {**_env(), READY_ENV: "1", VISIT_ENV: "1"}
    _, line = time_until_ready([sys.executable, "-m", "tracker", "--data-dir", str(data_dir)],
                               env)
    # READY line carries "rss_mb=<n>" measured by the app itself after visiting every page
    for part in line.split():
        if part.startswith("rss_mb="):
            return float(part.split("=", 1)[1])
    raise RuntimeError("the app did not report its memory")


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


# ---------------------------------------------------------------------- data builders

def fill_big_history(data_dir: Path, events: int, sessions: int, certs: int) -> None:
    """Add a large realistic history directly (one transaction), through the Store's own
    schema: progress events spread over two years, study sessions and certifications."""
    import sqlite3

    from tracker.db.store import Store

    with Store.open(data_dir) as store:
        cur = store.curriculum()
    ids = [m.id for m in cur.milestones]
    skills = [s.id for s in cur.skills]
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=730)
    con = sqlite3.connect(data_dir / "tracker.sqlite3")
    with con:
        state: dict[str, str] = {}
        rows = []
        for i in range(events):
            mid = rng.choice(ids)
            new = rng.choice(("todo", "learning", "done"))
            prev = state.get(mid, "todo")
            state[mid] = new
            at = (start + timedelta(seconds=i * (730 * 86400 // max(events, 1))))
            rows.append((mid, new, prev, at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "bench"))
        con.executemany("INSERT INTO progress_event (milestone_id, state, previous_state, at, "
                        "source) VALUES (?, ?, ?, ?, ?)", rows)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        con.executemany("INSERT OR REPLACE INTO progress (milestone_id, state, updated_at, note)"
                        " VALUES (?, ?, ?, '')", [(m, s, now) for m, s in state.items()])
        con.executemany(
            "INSERT INTO study_session (day, minutes, skill_id, note, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [((start + timedelta(days=i % 730)).date().isoformat(), rng.randint(10, 120),
              rng.choice(skills), "session", now) for i in range(sessions)])
        con.executemany(
            "INSERT INTO certification (name, issuer, earned, expires, credential_id, url, "
            "catalog_id, source, verified, raw, created_at) VALUES (?, ?, ?, ?, '', '', NULL, "
            "'manual', 0, NULL, ?)",
            [(f"Certification {i}", "Issuer", "2024-01-01", "2027-01-01", now)
             for i in range(certs)])
        con.execute("UPDATE meta SET value = value WHERE key = 'curriculum_hash'")
    con.close()


def large_pack_text(factor: int = 10) -> str:
    """The shipped pack with every skill and milestone repeated ``factor`` times."""
    from tracker.curriculum.loader import load_pack
    from tracker.paths import default_pack_path

    cur = load_pack(default_pack_path())
    out = ['id = "large"\nversion = "1.0.0"\ntitle = "Large generated pack"\n']
    for lv in cur.levels:
        out.append(f'[[levels]]\nid = "{lv.id}"\nrank = {lv.rank}\ntitle = {json.dumps(lv.title)}'
                   f'\nthreshold = {lv.threshold}\n')
    for a in cur.areas:
        out.append(f'[[areas]]\nid = "{a.id}"\ntitle = {json.dumps(a.title)}\n')
    for k in range(factor):
        for s in cur.skills:
            out.append(f'[[skills]]\nid = "{s.id}-{k}"\narea = "{s.area}"\n'
                       f'title = {json.dumps(s.title + f" {k}")}\n')
    for k in range(factor):
        for m in cur.milestones:
            out.append(f'[[milestones]]\nid = "{m.id}-{k}"\nskill = "{m.skill}-{k}"\n'
                       f'level = "{m.level}"\ntitle = {json.dumps(m.title)}\n'
                       f'weight = {m.weight}\ncore = {"true" if m.core else "false"}\n')
    return "\n".join(out)


# ---------------------------------------------------------------------- measurements

def tick_latencies_ms(data_dir: Path, ticks: int) -> list[float]:
    """A state key on a selected milestone in the real main window (offscreen): 3 (done)
    and 1 (to do) in turn, each a real change, timed from the key press until the event
    queue is drained: the change committed, the tree, the readiness line and the status
    message (with the readiness change) redrawn."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tracker.db.store import Store
    from tracker.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    store = Store.open(data_dir)
    try:
        store.set_profile(name="Bench", target_level="senior")
        win = MainWindow(store, welcome=False, page="skills")
        win.resize(1366, 850)
        win.show()
        app.processEvents()
        page = win.page("skills")
        target = next(m.id for m in store.curriculum().milestones if m.level == "senior")
        page.open_item(target)
        app.processEvents()
        tree = page.tree
        tree.setFocus()
        times = []
        for i in range(ticks):
            key = Qt.Key.Key_3 if i % 2 == 0 else Qt.Key.Key_1  # Space never undoes done
            t0 = time.perf_counter()
            QTest.keyClick(tree, key)
            app.processEvents()
            times.append((time.perf_counter() - t0) * 1000)
        win.close()
        win.deleteLater()
        app.processEvents()
        return times
    finally:
        store.close()


def make_cohort(folder: Path, count: int, source_dir: Path) -> None:
    """``count`` progress files of different learners, built by the exporter itself."""
    from dataclasses import replace

    from tracker.db.store import Store
    from tracker.db.types import Profile, ProgressEntry
    from tracker.exchange.progress import build_progress_document, dumps_document

    folder.mkdir(parents=True, exist_ok=True)
    with Store.open(source_dir) as store:
        snap = store.snapshot()
    ids = [m.id for m in snap.curriculum.milestones]
    rng = random.Random(11)
    now = "2026-11-01T10:00:00.000000Z"
    for i in range(count):
        progress = {m: ProgressEntry(m, rng.choice(("done", "done", "learning", "todo")), now,
                                     "") for m in rng.sample(ids, rng.randint(0, len(ids)))}
        s = replace(snap, profile=Profile(f"Learner {i:04d}", "senior", float(i % 10)),
                    progress=progress, history=())
        (folder / f"learner-{i:04d}.mlops-progress.json").write_text(
            dumps_document(build_progress_document(s)), encoding="utf-8")


JSON_FLOOR = r"""
import json, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.mlops-progress.json")):
    with open(p, "rb") as fh:
        json.load(fh)
print("READY", flush=True)
"""


def cohort_times(folder: Path, runs: int) -> tuple[float, float]:
    env = _env()

    def cohort() -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tracker", "cohort", str(folder)], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t0

    def floor() -> float:
        return time_until_ready([sys.executable, "-c", JSON_FLOOR, str(folder)])[0]

    cohort_s, floor_s = interleaved_best(runs, cohort, floor)
    return cohort_s, floor_s


def grow_cohort(src: Path, folder: Path, count: int) -> None:
    """``count`` files made by copying ``src``'s files round-robin under new names (as fast
    as the disk; every copy is read and checked in full like any other file)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(src.glob("*.mlops-progress.json"))
    for i in range(count):
        shutil.copyfile(sources[i % len(sources)],
                        folder / f"learner-{i:05d}.mlops-progress.json")


def cohort_run(folder: Path) -> tuple[float, float]:
    """One ``cohort`` command over ``folder``: seconds from spawn to exit, and the peak
    memory in MB of every process that read files, added up (each its own VmHWM, see
    tracker.procmem; an upper bound of what was resident at once: forked readers also count
    the pages they share with their parent)."""
    env = {**_env(), PEAK_ENV: "1"}
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "tracker", "cohort", "--quiet", str(folder)],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       check=True)
    elapsed = time.perf_counter() - t0
    for line in p.stderr.splitlines():
        if line.startswith("peak_rss_mb="):
            return elapsed, float(line.split("=", 1)[1])
    raise RuntimeError("cohort did not report its memory")


def export_s(data_dir: Path, out: Path, runs: int) -> float:
    def once() -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(data_dir), "export",
                        "-o", str(out)], env=_env(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t0

    return best_of(runs, once)


# ---------------------------------------------------------------------- the whole run

def run(quick: bool = False, progress: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    runs = 1 if quick else 3
    ticks = 20 if quick else 200
    files = 50 if quick else 1000
    many = 200 if quick else 10_000
    history = (2_000, 400, 50) if quick else (100_000, 20_000, 50)
    results: dict[str, Any] = {"quick": quick}
    with tempfile.TemporaryDirectory(prefix="mlops-bench-") as tmp:
        root = Path(tmp)
        progress("bare window and warm start (empty history), in turn")
        empty = root / "empty"
        start_empty = app_starter(empty)
        results["bare_window_s"], results["warm_start_s"] = interleaved_best(
            runs + 2, bare_window_once, start_empty)
        progress("peak memory after visiting every page")
        results["peak_rss_mb"] = peak_rss_mb(empty)
        progress(f"{ticks} ticks, shipped curriculum")
        t = tick_latencies_ms(root / "ticks", ticks)
        results["tick_p95_ms"] = p95(t)
        results["tick_median_ms"] = statistics.median(t)
        progress(f"{ticks} ticks, curriculum ten times larger")
        large = root / "large"
        large.mkdir()
        pack = root / "large.toml"
        pack.write_text(large_pack_text(10), encoding="utf-8")
        from tracker.db.store import Store

        with Store.open(large) as s:
            s.use_pack(pack)
        t = tick_latencies_ms(large, ticks)
        results["tick_p95_ms_large_curriculum"] = p95(t)
        progress(f"cohort of {files} files")
        cohort_dir = root / "cohort"
        make_cohort(cohort_dir, files, empty)
        results["cohort_files"] = files
        results["cohort_1000_s"], results["cohort_json_floor_s"] = cohort_times(cohort_dir, runs)
        progress(f"cohort of {many:,} files")
        many_dir = root / "cohort-many"
        grow_cohort(cohort_dir, many_dir, many)
        results["cohort_10000_files"] = many
        results["cohort_10000_s"], results["cohort_10000_peak_mb"] = cohort_run(many_dir)
        import shutil

        shutil.rmtree(many_dir, ignore_errors=True)
        progress("big history: {:,} events, {:,} study sessions, {} certifications".format(*history))
        big = root / "big"
        Store.open(big).close()
        fill_big_history(big, *history)
        progress("warm start, big history and empty, in turn")
        big_s, empty_s = interleaved_best(runs + 2, app_starter(big), start_empty)
        results["warm_start_big_history_s"] = big_s
        results["warm_start_empty_again_s"] = empty_s
        results["start_ratio_big_history"] = big_s / empty_s
        results["export_big_history_s"] = export_s(big, root / "big.mlops-progress.json", runs)
    results["warm_start_ratio"] = results["warm_start_s"] / results["bare_window_s"]
    results["cohort_ratio"] = results["cohort_1000_s"] / results["cohort_json_floor_s"]
    results["targets_met"] = all(_met(k, results) for k in TARGETS)
    return results


def _met(key: str, results: dict[str, Any]) -> bool:
    _, limit, _ = TARGETS[key]
    return results[key] <= limit


def table(results: dict[str, Any]) -> str:
    rows = [("bare PySide6 window", f"{results['bare_window_s']:.3f} s", "", ""),
            ("warm start, main window populated", f"{results['warm_start_s']:.3f} s", "", "")]
    for key, (label, limit, op) in TARGETS.items():
        value = results[key]
        ok = "ok" if _met(key, results) else "MISSED"
        rows.append((label, f"{value:.3f}", f"{op} {limit:g}", ok))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'measure':<{width}}  {'value':>10}  {'target':>8}  ",
             "-" * (width + 26)]
    lines += [f"{a:<{width}}  {b:>10}  {c:>8}  {d}" for a, b, c, d in rows]
    if results.get("quick"):
        lines.append("(quick mode: smaller data, fewer runs; figures are indicative only)")
    return "\n".join(lines)
