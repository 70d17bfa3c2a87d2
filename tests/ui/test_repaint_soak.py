"""Hundreds of repaints of every page, chart and dialog in one process survive.

A short widget test paints each page once or twice; the abort that shipped in the last release
(a refcount bug in the Qt binding, see tests/unit/test_binding.py) only showed after a few
thousand painter calls. The work runs in a child process (scripts/repaint_soak.py) so that a
native abort fails this test with its stderr rather than ending the test session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "scripts" / "repaint_soak.py"
ROUNDS = 120  # per page: 600 window repaints, plus each chart and dialog on its own


@pytest.mark.slow
def test_every_page_chart_and_dialog_survives_hundreds_of_repaints(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    p = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "data"), str(ROUNDS)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, f"exit {p.returncode}:\n{p.stderr[-3000:]}"
    assert "Traceback" not in p.stderr, p.stderr[-3000:]
    counts = json.loads(p.stdout.strip().splitlines()[-1])
    assert counts["pages"] == ["dashboard", "skills", "levels", "certifications", "study"]
    assert counts["dialogs"] == ["certification", "profile", "backups", "compare", "cohort",
                                 "review"]
    assert counts["charts"] >= 4  # level bars, area chart, heatmap, weekly chart at least
    assert counts["grabs"] >= ROUNDS * (5 + counts["charts"])
    assert counts["wheel"] > 1000
