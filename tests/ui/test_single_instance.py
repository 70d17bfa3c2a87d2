"""One GUI per data folder (issue 15): a second start hands its files to the first window
and exits 0; a lock or a socket left by a crashed instance does not block the next start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from tracker.ui import instance

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20_000
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets and PIDs")


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **extra)
    e.pop("MLOPS_TRACKER_EXIT_WHEN_READY", None)
    return e


def test_the_first_claims_the_folder_and_a_second_cannot(tmp_path):
    lock = instance.claim(tmp_path / "d")
    assert lock is not None and lock.isLocked()
    try:
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path;"
             "from tracker.ui import instance;"
             "sys.exit(0 if instance.claim(Path(sys.argv[1])) is None else 3)",
             str(tmp_path / "d")], env=env(), capture_output=True, text=True, timeout=60)
        assert other.returncode == 0, other.stderr
    finally:
        lock.unlock()


def test_files_are_handed_to_the_first_window(qtbot, tmp_path):
    folder = tmp_path / "d"
    lock = instance.claim(folder)
    guard = instance.SingleInstance(folder, lock)
    received = []
    guard.files_received.connect(received.append)
    target = tmp_path / "x.mlops-progress.json"
    target.write_text("{}", encoding="utf-8")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--data-dir", str(folder), "x.mlops-progress.json"],
            cwd=tmp_path, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert received == [[str(target)]]  # absolute: the second start's folder resolved
    finally:
        guard.close()


def test_a_second_start_without_files_just_raises_the_window(qtbot, tmp_path):
    folder = tmp_path / "d"
    guard = instance.SingleInstance(folder, instance.claim(folder))
    received = []
    guard.files_received.connect(received.append)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "--data-dir", str(folder)],
                                env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT)
        assert proc.wait(timeout=60) == 0
        assert received == [[]]
    finally:
        guard.close()


def test_a_crashed_instances_lock_and_socket_are_recovered(qtbot, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    # QLockFile's format: pid, application name, host name
    (folder / instance.LOCK_NAME).write_text(f"{dead.pid}\npython\n{socket.gethostname()}\n")
    name = instance.server_name(folder)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(os.path.join(QDir.tempPath(), name))
    stale.close()  # the socket file stays, as after a crash
    lock = instance.claim(folder)
    assert lock is not None, "the dead process's lock was not taken over"
    guard = instance.SingleInstance(folder, lock)
    try:
        assert guard.server.isListening(), guard.server.errorString()
        received = []
        guard.files_received.connect(received.append)
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "--data-dir", str(folder)],
                                env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT)
        assert proc.wait(timeout=60) == 0
    finally:
        guard.close()


def test_a_holder_that_does_not_answer_is_reported_in_one_line(qtbot, tmp_path):
    folder = tmp_path / "d"
    lock = instance.claim(folder)  # locked, but nobody listens
    try:
        start = time.monotonic()
        with pytest.raises(instance.NotAnswering, match="does not answer"):
            instance.forward(folder, [], timeout_ms=600)
        assert time.monotonic() - start < 10
    finally:
        lock.unlock()


def test_the_gui_start_forwards_end_to_end(tmp_path):
    """Two real app processes: the second hands its file to the first and exits 0."""
    folder = tmp_path / "d"
    first = subprocess.Popen([sys.executable, "-m", "tracker", "--debug", "--data-dir",
                              str(folder)], env=env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "tracker.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        f = tmp_path / "p.mlops-progress.json"
        f.write_text("{}", encoding="utf-8")
        second = subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(folder),
                                 str(f)], env=env(), capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 0, second.stderr
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=60)
    assert "another start handed over 1 file(s)" in err


def test_many_second_starts_in_a_row(qtbot, tmp_path):
    """Each connection is answered and freed; the guard closes cleanly afterwards."""
    folder = tmp_path / "d"
    guard = instance.SingleInstance(folder, instance.claim(folder))
    received = []
    guard.files_received.connect(received.append)
    try:
        for n in range(4):
            proc = subprocess.Popen([sys.executable, "-c",
                                     "import sys; from pathlib import Path;"
                                     "from tracker.ui import instance;"
                                     "instance.forward(Path(sys.argv[1]), [sys.argv[2]])",
                                     str(folder), f"/f{n}"], env=env())
            qtbot.waitUntil(lambda n=n: len(received) == n + 1, timeout=WAIT)
            assert proc.wait(timeout=60) == 0
        assert received == [[f"/f{n}"] for n in range(4)]
    finally:
        guard.close()
    qtbot.wait(50)  # pending deletions run with the guard closed
