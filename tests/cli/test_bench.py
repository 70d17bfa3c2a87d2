"""The benchmark runs (quick mode) and reports every key the performance issue names.
It is a benchmark, not a test of speed: no figure is asserted against a target here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"warm_start_s", "bare_window_s", "tick_p95_ms", "tick_p95_ms_large_curriculum",
        "cohort_1000_s", "cohort_json_floor_s", "start_ratio_big_history",
        "export_big_history_s", "peak_rss_mb", "cohort_10000_s", "cohort_10000_peak_mb"}


@pytest.mark.slow
def test_bench_quick_json_has_every_key():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    p = subprocess.run([sys.executable, "-m", "tracker", "bench", "--quick", "--json"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc.keys() >= KEYS
    for key in KEYS:
        assert isinstance(doc[key], float) and doc[key] > 0, key
    assert doc["quick"] is True
