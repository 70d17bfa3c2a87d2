from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "tiny.toml"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests explore new random cases on every local run; CI (a clean clone on a fresh
# machine, `CI` set) runs the same derandomized cases each time, so a red CI always means a
# change broke something, never that the dice found an old case that day. A case found
# locally is kept as an @example.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

# Where a user's files would go. Every test gets its own empty folders instead.
_USER_FOLDERS = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


@pytest.fixture(autouse=True)
def _no_real_user_folders(monkeypatch: pytest.MonkeyPatch,
                          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """HOME and the XDG folders point into a fresh temporary folder, and the data-folder
    variable is unset, for every test and the subprocesses it starts: a command run without
    --data-dir writes there (platformdirs reads XDG_DATA_HOME), never to the developer's
    ~/.local/share/mlops-tracker. Outside ``tmp_path``, so tests that list it see only their
    own files. Tests may still set their own values (monkeypatch, env=...)."""
    base = tmp_path_factory.mktemp("user")
    folders = {name: base / name.lower() for name in _USER_FOLDERS}
    for name, folder in folders.items():
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("MLOPS_TRACKER_DATA_DIR", raising=False)
    return folders


def _gui_thread_collector():
    """The app's collector (tracker/ui/gc_policy.py), installed once a QApplication exists:
    the test session runs the cyclic collector on the main thread only, as the app does.
    Core-only tests never import Qt for it."""
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return None
    from tracker.ui import gc_policy

    return gc_policy.install()


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread():
    _gui_thread_collector()
    yield
    collector = _gui_thread_collector()
    if collector is not None:
        collector.check()  # between tests too, not only when a test runs the event loop


@pytest.fixture
def tiny_path() -> Path:
    return TINY


@pytest.fixture
def tiny_default(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the tiny pack the 'shipped' default for in-process stores."""
    import tracker.paths

    monkeypatch.setattr(tracker.paths, "default_pack_path", lambda: TINY)
    return TINY


@pytest.fixture
def store(tmp_path: Path, tiny_default: Path):
    """A fresh Store on the tiny pack in a temporary data folder."""
    from tracker.db.store import Store

    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def real_store(tmp_path: Path):
    """A fresh Store on the shipped curriculum."""
    from tracker.db.store import Store

    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(tmp_path: Path):
    """Run ``python -m tracker --data-dir <tmp> ...`` in a subprocess (the real contract)."""
    data = tmp_path / "cli-data"

    def run(*args: str, data_dir: Path | None = data, stdin: str | None = None,
            env: dict[str, str] | None = None) -> Result:
        cmd = [sys.executable, "-m", "tracker"]
        if data_dir is not None:
            cmd += ["--data-dir", str(data_dir)]
        # Never the real data folder: without --data-dir (data_dir=None) the default is
        # under XDG_DATA_HOME, and a mentor's review now makes a signing key there.
        full_env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg-data"), **(env or {})}
        full_env.pop("MLOPS_TRACKER_DEBUG", None)
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT,
                           env=full_env, input=stdin, timeout=120)
        return Result(p.returncode, p.stdout, p.stderr)

    run.data_dir = data  # type: ignore[attr-defined]
    return run


class FaultyConnection:
    """A sqlite3 connection that raises ``error`` on the first statement ``when`` accepts
    (sqlite3.Connection methods cannot be patched: the writer is handed this instead)."""

    def __init__(self, con, when, error):
        self._con, self._when, self._error = con, when, error

    def execute(self, sql, *args):
        if self._error is not None and self._when(sql, args):
            error, self._error = self._error, None
            raise error
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


def faulty_ticks(store, monkeypatch: pytest.MonkeyPatch, when, error) -> None:
    """Make the tick writer's connections raise ``error`` once (see FaultyConnection)."""
    from tracker.db.state_writer import StateWriter

    real = StateWriter._conn
    monkeypatch.setattr(StateWriter, "_conn",
                        lambda self: FaultyConnection(real(self), when, error))
