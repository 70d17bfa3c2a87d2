"""The installed custom pack, ``<data>/curriculum/active.toml`` (issue 10; review §4, §13, §14).

- Damage to it (edited, truncated, binary, deleted, a FIFO, a folder, a link to a device)
  never locks the user out: the app runs on the curriculum stored in SQLite, says so in one
  line, and `curriculum use --default`, `backup` and `export` keep working. A special file
  is never opened (a FIFO would hang every command).
- A `curriculum use B` killed at any step is either not done at all (pack A active, A's
  file untouched) or done whole at the next start (B active and installed), and A's file
  is always kept (set aside as ``previous-custom-*.toml``), as `use --default` keeps it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker import paths
from tracker.db.store import Store

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny.toml"
PACK_A = TINY.read_text().replace('id = "tiny"', 'id = "pack-a"', 1).encode()
PACK_B = (TINY.read_text().replace('id = "tiny"', 'id = "pack-b"', 1) + '''
[[milestones]]
id = "docker.compose"
skill = "docker"
level = "junior"
title = "Run a model service and its database with docker compose"
''').encode()

# Run the CLI; with KILL_AT set, the process SIGKILLs itself at that named step of a pack
# switch (tracker.db.pack_sync._checkpoint), which is deterministic where a timer is not.
RUNNER = """
import os, signal, sys
kill_at = os.environ.get("KILL_AT")
if kill_at:
    import tracker.db.pack_sync as pack_sync
    def checkpoint(name):
        if name == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    pack_sync._checkpoint = checkpoint
from tracker.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run(data: Path, *args: str, kill_at: str | None = None, timeout: float = 30) -> Run:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    env.pop("KILL_AT", None)
    if kill_at:
        env["KILL_AT"] = kill_at
    p = subprocess.run([sys.executable, "-c", RUNNER, "--data-dir", str(data), *args],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    return Run(p.returncode, p.stdout, p.stderr)


def ok(r: Run) -> Run:
    assert r.code == 0, r.err
    return r


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data folder with custom pack A active and two milestones ticked."""
    base = tmp_path_factory.mktemp("installed-pack")
    (base / "a.toml").write_bytes(PACK_A)
    (base / "b.toml").write_bytes(PACK_B)
    data = base / "data"
    ok(run(data, "curriculum", "use", str(base / "a.toml")))
    ok(run(data, "tick", "python.venv", "docker.build"))
    return base


@pytest.fixture
def data(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(template / "data", folder, symlinks=True)
    return folder


def installed(data: Path) -> Path:
    return paths.installed_pack_path(data)


def set_aside(data: Path) -> list[Path]:
    return sorted(installed(data).parent.glob("previous-custom-*.toml"))


def leftovers(data: Path) -> list[str]:
    return sorted(p.name for p in installed(data).parent.iterdir()
                  if p.name.startswith("incoming-") or p.name.endswith(".tmp"))


# ------------------------------------------------------------------ damage (§4, §14)
def _edit(p: Path) -> None:
    p.write_text('id = "bootcamp-foundations"\n')


def _truncate(p: Path) -> None:
    p.write_bytes(PACK_A[: len(PACK_A) // 2])


def _binary(p: Path) -> None:
    p.write_bytes(b"\xff\xfe\x00garbage\x00" * 50)


def _delete(p: Path) -> None:
    p.unlink()


def _fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


def _folder(p: Path) -> None:
    p.unlink()
    p.mkdir()
    (p / "x.toml").write_bytes(PACK_A)


def _device(p: Path) -> None:
    p.unlink()
    p.symlink_to("/dev/zero")


DAMAGE = {"edited": _edit, "truncated": _truncate, "binary": _binary, "deleted": _delete,
          "fifo": _fifo, "folder": _folder, "device-link": _device}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_installed_pack_never_locks_the_user_out(data: Path, tmp_path: Path,
                                                           kind: str):
    DAMAGE[kind](installed(data))
    # every command runs on the curriculum stored in SQLite, with one warning line
    st = ok(run(data, "status", "--json"))
    assert st.err.count("\n") == 1 and st.err.startswith("warning: "), st.err
    assert "active.toml" in st.err and "curriculum use --default" in st.err
    assert ("is missing" in st.err) == (kind == "deleted")
    assert st.json()["levels"][0]["readiness_percent"] > 0  # the ticks are still there
    show = ok(run(data, "curriculum", "show", "--json")).json()
    # §14: the truth: pack A (from the database), custom, and what is wrong with its file
    assert (show["id"], show["source"]) == ("pack-a", "custom")
    assert show["warning"] and "active.toml" in show["warning"]
    assert show["pack_file"] == ("missing" if kind == "deleted" else "damaged")
    if kind in ("edited", "fifo"):
        ok(run(data, "backup"))
        out = tmp_path / "me.mlops-progress.json"
        ok(run(data, "export", "-o", str(out)))
        assert json.loads(out.read_text())["curriculum"]["id"] == "pack-a"
    # the documented way out works, and keeps whatever was there
    ok(run(data, "curriculum", "use", "--default"))
    after = run(data, "curriculum", "show", "--json")
    assert after.code == 0 and after.err == ""
    assert (after.json()["id"], after.json()["source"], after.json()["pack_file"],
            after.json()["warning"]) == ("mlops", "default", "ok", None)
    assert not os.path.lexists(installed(data))
    assert len(set_aside(data)) == (0 if kind == "deleted" else 1)
    # and a good pack can be installed again
    ok(run(data, "curriculum", "use", str(_write(tmp_path, PACK_A))))
    again = ok(run(data, "curriculum", "show", "--json"))
    assert again.err == "" and again.json()["id"] == "pack-a"
    assert installed(data).read_bytes() == PACK_A


def _write(folder: Path, data: bytes) -> Path:
    p = folder / "pack.toml"
    p.write_bytes(data)
    return p


def test_a_fifo_is_refused_before_it_is_opened(data: Path):
    """Review §4: `status` hung on a FIFO named active.toml (read_bytes before the checks).
    A writer that never comes would keep an opening reader blocked: finish in seconds."""
    _fifo(installed(data))
    start = time.monotonic()
    r = run(data, "milestones", "--json", timeout=20)
    assert r.code == 0 and time.monotonic() - start < 15
    assert "not a regular file" in r.err


def test_in_process_the_store_opens_on_the_stored_copy(data: Path, tiny_default):
    _edit(installed(data))
    with Store.open(data) as s:
        assert s.curriculum().id == "pack-a"
        assert s.states()["python.venv"] == "done"
        assert s.curriculum_warning and "active.toml" in s.curriculum_warning
        s.use_default_pack()
        assert s.curriculum_warning is None
        assert s.curriculum().id == "tiny"
    with Store.open(data) as s:
        assert s.curriculum_warning is None


def test_a_valid_edit_of_the_installed_pack_is_still_picked_up(data: Path, tiny_default):
    installed(data).write_bytes(PACK_A.replace(b'version = "1.0.0"', b'version = "1.1.0"'))
    with Store.open(data) as s:
        assert s.curriculum().version == "1.1.0" and s.curriculum_warning is None


# ------------------------------------------------------------------ killed switches (§13)
def test_a_switch_that_fails_before_its_commit_changes_nothing(data: Path, tiny_default,
                                                               monkeypatch, tmp_path: Path):
    """In process: the database step of `use B` fails (as if killed there). Before: B was
    already in active.toml, and the next start switched to it silently."""
    b = _write(tmp_path, PACK_B)

    def boom(*a, **kw):
        raise RuntimeError("killed")

    with Store.open(data) as s:
        monkeypatch.setattr(Store, "sync_curriculum", boom)
        with pytest.raises(RuntimeError):
            s.use_pack(b)
        monkeypatch.undo()
    with Store.open(data) as s:
        assert s.curriculum().id == "pack-a" and s.curriculum_warning is None
    assert installed(data).read_bytes() == PACK_A
    assert leftovers(data) == [] and set_aside(data) == []


def test_switching_between_custom_packs_keeps_the_earlier_one(data: Path, tiny_default,
                                                              tmp_path: Path):
    """Before: `use B` over custom A overwrote A's file without the copy `use --default`
    keeps."""
    with Store.open(data) as s:
        s.use_pack(_write(tmp_path, PACK_B))
        assert s.curriculum().id == "pack-b"
    assert installed(data).read_bytes() == PACK_B
    assert [p.read_bytes() for p in set_aside(data)] == [PACK_A]
    assert leftovers(data) == []


BEFORE_COMMIT = ["staged"]
AFTER_COMMIT = ["committed", "set-aside", "installed"]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("point", BEFORE_COMMIT + AFTER_COMMIT)
def test_use_killed_at_each_step_is_all_or_nothing_and_keeps_pack_a(data: Path,
                                                                    tmp_path: Path,
                                                                    point: str):
    b = _write(tmp_path, PACK_B)
    killed = run(data, "curriculum", "use", str(b), kill_at=point)
    assert killed.code == -signal.SIGKILL, killed.err
    nxt = run(data, "curriculum", "show", "--json")
    assert nxt.code == 0 and nxt.err == "", nxt.err  # whole again, nothing to warn about
    done = point in AFTER_COMMIT
    assert (nxt.json()["id"], nxt.json()["source"]) == ("pack-b" if done else "pack-a",
                                                        "custom")
    assert installed(data).read_bytes() == (PACK_B if done else PACK_A)
    assert [p.read_bytes() for p in set_aside(data)] == ([PACK_A] if done else [])
    assert leftovers(data) == []
    ms = {m["id"]: m["state"] for m in ok(run(data, "milestones", "--json")).json()[
        "milestones"]}
    assert ms["python.venv"] == ms["docker.build"] == "done"
    assert ("docker.compose" in ms) == done


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("point", ["staged", "committed"])
def test_a_first_custom_pack_killed_leaves_no_stray_file(data: Path, tmp_path: Path,
                                                        point: str):
    """Review §13, from the default pack: a killed `use` left a new active.toml beside an
    old database. Now: nothing (before the commit) or the whole switch (after it)."""
    ok(run(data, "curriculum", "use", "--default"))
    before = set_aside(data)
    killed = run(data, "curriculum", "use", str(_write(tmp_path, PACK_B)), kill_at=point)
    assert killed.code == -signal.SIGKILL
    nxt = run(data, "curriculum", "show", "--json")
    assert nxt.code == 0 and nxt.err == ""
    done = point == "committed"
    assert nxt.json()["id"] == ("pack-b" if done else "mlops")
    assert os.path.lexists(installed(data)) == done
    assert set_aside(data) == before and leftovers(data) == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_use_default_killed_after_its_commit_sets_pack_a_aside_at_the_next_start(
        data: Path):
    killed = run(data, "curriculum", "use", "--default", kill_at="committed")
    assert killed.code == -signal.SIGKILL
    assert installed(data).read_bytes() == PACK_A  # still there: the kill came first
    nxt = run(data, "curriculum", "show", "--json")
    assert nxt.code == 0 and nxt.err == ""
    assert (nxt.json()["id"], nxt.json()["source"]) == ("mlops", "default")
    assert not os.path.lexists(installed(data))
    assert [p.read_bytes() for p in set_aside(data)] == [PACK_A]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_use_killed_at_random_moments_is_all_or_nothing(data: Path, tmp_path: Path):
    """Bounded: a few kills spread over a measured full run (0.3 to 1.0 of it)."""
    b = _write(tmp_path, PACK_B)
    probe = tmp_path / "probe"
    shutil.copytree(data, probe, symlinks=True)
    start = time.monotonic()
    ok(run(probe, "curriculum", "use", str(b)))
    full = time.monotonic() - start
    rng = random.Random(20261130)
    env = {**os.environ}
    env.pop("KILL_AT", None)
    outcomes = []
    for i in range(6):
        folder = tmp_path / f"k{i}"
        shutil.copytree(data, folder, symlinks=True)
        p = subprocess.Popen([sys.executable, "-m", "tracker", "--data-dir", str(folder),
                              "curriculum", "use", str(b)], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=full * rng.uniform(0.3, 1.0))
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
        nxt = run(folder, "curriculum", "show", "--json")
        assert nxt.code == 0 and nxt.err == "", nxt.err
        pack_id = nxt.json()["id"]
        outcomes.append(pack_id)
        assert installed(folder).read_bytes() == (PACK_B if pack_id == "pack-b" else PACK_A)
        if pack_id == "pack-b":
            assert [p.read_bytes() for p in set_aside(folder)] == [PACK_A]
        assert leftovers(folder) == []
    print("outcomes:", outcomes)
