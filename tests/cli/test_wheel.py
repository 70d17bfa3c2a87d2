"""The wheel carries everything it needs: installed into a fresh venv, outside the
checkout, `mlops-tracker status --json` works with the shipped curriculum and migrations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path):
    dist = tmp_path / "dist"
    p = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                        "--outdir", str(dist), str(ROOT)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    wheel = next(dist.glob("mlops_career_tracker-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/resources/curriculum/mlops.toml" in names
    assert any(n.startswith("tracker/db/migrations/versions/0001") for n in names)
    assert "tracker/db/migrations/env.py" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    vpy = venv / "bin" / "python"
    purelib = subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # Install the wheel itself (no deps) by unpacking it: dependencies come from this test
    # environment's site-packages through a .pth line, which does not run its .pth files, so
    # the checkout's editable install cannot shadow the wheel.
    zipfile.ZipFile(wheel).extractall(purelib)
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_deps.pth").write_text(ours + "\n")
    scripts_entry = "from tracker.cli import main; raise SystemExit(main())"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    data = tmp_path / "data"
    out = subprocess.run([str(vpy), "-c", scripts_entry, "--data-dir", str(data), "status",
                          "--json"], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [lv["id"] for lv in doc["levels"]] == ["junior", "mlops", "senior", "lead", "director"]
    where = subprocess.run([str(vpy), "-c", "import tracker; print(tracker.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert where.startswith(purelib), where
