"""The benchmark's memory figure is the measured process's own peak (issue 16): a command
started from a large process must not report its parent's peak."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracker.procmem import peak_rss_kb

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_a_child_of_a_large_process_reports_its_own_peak():
    ballast = bytearray(300 * 1024 * 1024)  # touched: resident in this process
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    assert peak_rss_kb() > 300 * 1024
    out = subprocess.run([sys.executable, "-c",
                          "from tracker.procmem import peak_rss_kb; print(peak_rss_kb())"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert 0 < int(out) < 150 * 1024
    del ballast

