"""The suite never touches the developer's own folders (tests/conftest.py pins them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import paths

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_data_folder_is_inside_the_pinned_xdg_data_home(tmp_path_factory):
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert data_home.is_dir() and not any(data_home.iterdir())
    assert tmp_path_factory.getbasetemp() in data_home.parents
    assert paths.data_dir() == data_home / paths.APP_DIR_NAME
    assert Path.home() == Path(os.environ["HOME"]) != data_home
    assert "MLOPS_TRACKER_DATA_DIR" not in os.environ


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_fresh_folders(_no_real_user_folders, run):
    # Both runs leave a file behind; the second would see the first's if they were shared.
    assert all(not any(folder.iterdir()) for folder in _no_real_user_folders.values())
    for folder in _no_real_user_folders.values():
        (folder / f"left-behind-{run}").write_text("x")


def test_a_command_without_data_dir_writes_only_into_the_pinned_folder():
    p = subprocess.run([sys.executable, "-m", "tracker", "study", "add", "--minutes", "15"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    db = Path(os.environ["XDG_DATA_HOME"]) / paths.APP_DIR_NAME / paths.DB_FILE_NAME
    assert db.is_file()
