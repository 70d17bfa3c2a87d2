"""Desktop integration files: a menu entry, icons, AppStream metadata and the two MIME types.

The files live in ``resources/desktop/`` (validated by desktop-file-validate, appstreamcli
and update-mime-database in tests/unit/test_desktop_files.py). ``mlops-tracker
install-desktop`` copies them into the user's XDG data folder ($XDG_DATA_HOME, default
~/.local/share), never anywhere system-wide, with ``Exec=`` pointing at the launcher that
ran the command (a venv need not be on PATH), plus the bash completion and the man page
(tracker/shell.py), then refreshes the desktop's caches with the
freedesktop tools when they are installed. ``--uninstall`` removes exactly those files.

Qt-free; no network; touches nothing outside the XDG data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker import APP_ID as APP_ID  # re-exported; defined where app.py can read it

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
MIME_TYPES = ("application/x-mlops-progress+json", "application/x-mlops-review+json")


@dataclass
class Result:
    """What install/uninstall did: files written or removed, caches refreshed, notes."""

    data_home: Path
    files: list[Path] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def data_home() -> Path:
    """$XDG_DATA_HOME if it is absolute (the spec says to ignore a relative one), else
    ~/.local/share."""
    env = os.environ.get("XDG_DATA_HOME", "")
    if env and os.path.isabs(env):
        return Path(env)
    return Path.home() / ".local" / "share"


def source_dir() -> Path:
    from tracker import paths

    return paths.resources_dir() / "desktop"


def targets(home: Path) -> dict[Path, Path]:
    """Installed path -> source path, for every file install-desktop writes."""
    src = source_dir()
    from tracker import paths

    out = {
        home / "applications" / f"{APP_ID}.desktop": src / f"{APP_ID}.desktop",
        home / "metainfo" / f"{APP_ID}.metainfo.xml": src / f"{APP_ID}.metainfo.xml",
        home / "mime" / "packages" / f"{APP_ID}.xml": src / f"{APP_ID}.mime.xml",
        home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg":
            paths.resources_dir() / "icons" / "app.svg",
    }
    for n in ICON_SIZES:
        out[home / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"] = \
            src / "icons" / f"{n}x{n}.png"
    return out


def generated(home: Path) -> dict[Path, Callable[[], bytes]]:
    """Installed path -> maker, for the files made from the argument parser: the bash
    completion (where bash-completion looks for a user's own) and the man page (where
    man finds it for ~/.local/bin programs)."""
    def completion() -> bytes:
        from tracker import shell
        from tracker.cli import build_parser

        return shell.bash_completion(build_parser()).encode("utf-8")

    def man() -> bytes:
        from tracker import __version__, shell
        from tracker.cli import build_parser

        return shell.man_page(build_parser(), __version__).encode("utf-8")

    return {home / "bash-completion" / "completions" / "mlops-tracker": completion,
            home / "man" / "man1" / "mlops-tracker.1": man}


def launcher() -> list[str]:
    """The command that starts this app as it is installed now: the frozen executable, the
    ``mlops-tracker`` script beside this interpreter or on PATH, else ``python -m tracker``."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "mlops-tracker" and argv0.is_file():
        return [str(argv0.absolute())]
    beside = Path(sys.executable).parent / "mlops-tracker"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("mlops-tracker")
    if found:
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "tracker"]


def quote_exec(arg: str) -> str:
    """One Exec= argument, quoted as the Desktop Entry spec asks (then escaped as a
    string value: a backslash is written twice)."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`='):
        return arg.replace("%", "%%")
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
    return '"' + inner.replace("\\", "\\\\") + '"'


def desktop_entry(text: str, command: list[str]) -> str:
    """The shipped .desktop text with Exec= and TryExec= naming ``command``."""
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(quote_exec(a) for a in command) + " %F"
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(home: Path | None = None, command: list[str] | None = None,
            refresh: bool = True) -> Result:
    from tracker.atomicio import write_bytes

    home = home or data_home()
    result = Result(home)
    command = command or launcher()
    for dst, src in targets(home).items():
        data = src.read_bytes()
        if dst.suffix == ".desktop":
            data = desktop_entry(data.decode("utf-8"), command).encode("utf-8")
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(dst, data)
        result.files.append(dst)
    for dst, make in generated(home).items():
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(dst, make())
        result.files.append(dst)
    if refresh:
        _refresh(home, result)
    return result


def uninstall(home: Path | None = None, refresh: bool = True) -> Result:
    home = home or data_home()
    result = Result(home)
    for dst in [*targets(home), *generated(home)]:
        try:
            dst.unlink()
        except FileNotFoundError:
            continue
        result.files.append(dst)
    if refresh:
        _refresh(home, result)
    return result


def _refresh(home: Path, result: Result) -> None:
    """Rebuild the caches the desktop reads, for this data folder only; a missing tool is
    a note, not a failure (the desktop rebuilds them at the next login)."""
    runs = (
        ("update-mime-database", [str(home / "mime")], home / "mime"),
        ("update-desktop-database", [str(home / "applications")], home / "applications"),
        ("gtk-update-icon-cache", ["-f", "-t", "-q", str(home / "icons" / "hicolor")],
         home / "icons" / "hicolor"),
    )
    for tool, args, folder in runs:
        if not folder.is_dir():
            continue
        exe = shutil.which(tool)
        if exe is None:
            result.notes.append(f"{tool} not found; the desktop picks the change up at the "
                                "next login")
            continue
        try:
            done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            result.notes.append(f"{tool} failed: {exc}")
            continue
        if done.returncode == 0:
            result.refreshed.append(tool)
        else:
            last = (done.stderr.strip().splitlines() or ["exit code "
                                                         f"{done.returncode}"])[-1]
            result.notes.append(f"{tool} failed: {last}")
