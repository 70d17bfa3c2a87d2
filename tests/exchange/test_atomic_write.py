"""The one atomic-write helper: a failure at any step leaves the previous file whole and no
temporary file behind."""

from __future__ import annotations

import os
import stat

import pytest

from tracker import atomicio


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "out.json")


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "out.json"
    atomicio.write_text(target, "first\n")
    atomicio.write_text(target, "second ✓\n")
    assert target.read_text(encoding="utf-8") == "second ✓\n"
    assert leftovers(tmp_path) == []


def test_keeps_the_permissions_of_an_existing_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomicio.write_bytes(target, b"new")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_failure_leaves_previous_file_whole_and_no_temp(tmp_path, monkeypatch, step):
    target = tmp_path / "out.json"
    target.write_bytes(b"previous content")
    real = getattr(os, step)
    calls = {"n": 0}

    def boom(*args, **kwargs):
        calls["n"] += 1
        if step == "write" and calls["n"] == 1:
            real(*args, **kwargs)  # a partial write, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, step, boom)
    with pytest.raises(OSError):
        atomicio.write_bytes(target, b"new content " * 100_000)
    monkeypatch.undo()
    assert target.read_bytes() == b"previous content"
    assert leftovers(tmp_path) == []


def test_interrupt_also_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_bytes(b"previous")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomicio.write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"previous" and leftovers(tmp_path) == []


def test_missing_folder_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomicio.write_bytes(tmp_path / "nope" / "out.json", b"x")
    assert not (tmp_path / "nope").exists()


def test_windows_sharing_violation_is_retried_a_bounded_number_of_times(tmp_path,
                                                                         monkeypatch):
    target = tmp_path / "out.json"
    target.write_bytes(b"previous")
    real = os.replace
    attempts = {"n": 0}

    def locked_twice(src, dst):
        attempts["n"] += 1
        if attempts["n"] <= 2:
            raise PermissionError(13, "The process cannot access the file")
        real(src, dst)

    monkeypatch.setattr(atomicio, "IS_WINDOWS", True)
    monkeypatch.setattr(atomicio, "REPLACE_DELAY", 0.001)
    monkeypatch.setattr(os, "replace", locked_twice)
    atomicio.write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and attempts["n"] == 3

    attempts["n"] = -1000  # locked for good
    with pytest.raises(PermissionError):
        atomicio.write_bytes(target, b"newer")
    assert attempts["n"] == -1000 + atomicio.REPLACE_ATTEMPTS
    monkeypatch.undo()
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


def test_permission_error_is_not_retried_on_posix(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    attempts = {"n": 0}

    def denied(src, dst):
        attempts["n"] += 1
        raise PermissionError(13, "denied")

    monkeypatch.setattr(atomicio, "IS_WINDOWS", False)
    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        atomicio.write_bytes(target, b"x")
    assert attempts["n"] == 1
    monkeypatch.undo()
    assert leftovers(tmp_path) == [] and not target.exists()
