"""The desktop integration files (issue 15) pass the freedesktop tools, and
``install-desktop`` writes them into $XDG_DATA_HOME only (and ``--uninstall`` removes them).
Tests that need a tool are skipped when it is not installed (Debian: desktop-file-utils,
appstream, shared-mime-info)."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import desktop

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "resources" / "desktop"
ENTRY = SRC / f"{desktop.APP_ID}.desktop"
METAINFO = SRC / f"{desktop.APP_ID}.metainfo.xml"
MIME = SRC / f"{desktop.APP_ID}.mime.xml"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def read_entry(path: Path) -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string(path.read_text(encoding="utf-8"))
    return cp["Desktop Entry"]


def test_the_shipped_entry_names_the_app_its_icon_and_both_file_types():
    e = read_entry(ENTRY)
    assert e["Icon"] == desktop.APP_ID
    assert e["Exec"].endswith(" %F")
    assert set(filter(None, e["MimeType"].split(";"))) == set(desktop.MIME_TYPES)


def test_desktop_file_validate_accepts_the_entry(tmp_path):
    done = subprocess.run([tool("desktop-file-validate"), str(ENTRY)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_appstreamcli_validates_the_metainfo():
    done = subprocess.run([tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_update_mime_database_knows_both_types(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME, packages / f"{desktop.APP_ID}.xml")
    done = subprocess.run([tool("update-mime-database"), str(tmp_path / "mime")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert "application/x-mlops-progress+json:*.mlops-progress.json" in globs
    assert "application/x-mlops-review+json:*.mlops-review.json" in globs
    for t in desktop.MIME_TYPES:
        assert (tmp_path / "mime" / f"{t}.xml").is_file()


def test_every_icon_size_is_there_and_that_size():
    for n in desktop.ICON_SIZES:
        data = (SRC / "icons" / f"{n}x{n}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (n, n)
    assert (ROOT / "resources" / "icons" / "app.svg").is_file()


def test_exec_arguments_are_quoted_as_the_spec_asks():
    assert desktop.quote_exec("/usr/bin/mlops-tracker") == "/usr/bin/mlops-tracker"
    assert desktop.quote_exec("/home/a b/venv/bin/mlops-tracker") == \
        '"/home/a b/venv/bin/mlops-tracker"'
    assert desktop.quote_exec('/x/$y"z') == '"/x/\\\\$y\\\\"z"'
    assert desktop.quote_exec("/x/100%") == "/x/100%%"


def install_desktop(tmp_path, *args):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tracker", "install-desktop", "--json",
                           *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)


def test_install_desktop_writes_under_xdg_data_home_only_and_uninstall_removes_it(tmp_path):
    done = install_desktop(tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["desktop"]
    xdg = tmp_path / "xdg"
    files = [Path(f) for f in report["files"]]
    assert len(files) == 4 + len(desktop.ICON_SIZES) + 2  # + bash completion, man page
    assert all(f.is_file() and xdg in f.parents for f in files)
    assert not (tmp_path / "home").exists()  # nothing outside $XDG_DATA_HOME
    entry = xdg / "applications" / f"{desktop.APP_ID}.desktop"
    e = read_entry(entry)
    assert e["Exec"].endswith(" %F") and os.path.isabs(e["Exec"].split()[0].strip('"'))
    assert (xdg / "icons/hicolor/48x48/apps" / f"{desktop.APP_ID}.png").is_file()
    assert (xdg / "icons/hicolor/scalable/apps" / f"{desktop.APP_ID}.svg").is_file()
    assert (xdg / "bash-completion/completions/mlops-tracker").is_file()
    assert (xdg / "man/man1/mlops-tracker.1").read_text().startswith(".TH")
    if shutil.which("desktop-file-validate"):
        v = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                           text=True)
        assert v.returncode == 0 and not v.stdout.strip(), v.stdout
    if shutil.which("update-mime-database"):
        assert "update-mime-database" in report["refreshed"]
        assert "*.mlops-progress.json" in (xdg / "mime" / "globs2").read_text()

    done = install_desktop(tmp_path, "--uninstall")
    assert done.returncode == 0, done.stderr
    assert sorted(json.loads(done.stdout)["desktop"]["files"]) == sorted(map(str, files))
    assert not any(f.exists() for f in files)
    if shutil.which("update-mime-database"):
        assert "mlops" not in (xdg / "mime" / "globs2").read_text()


def test_a_relative_xdg_data_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path / ".local" / "share"
