"""install-desktop: a menu entry, icons and file types for this user (tracker/desktop.py)."""

from __future__ import annotations

import argparse

from tracker.cli import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "install-desktop",
        help="add a menu entry, icons and the progress/review file types for this user",
        description="Copy the desktop entry, icons, AppStream metadata and MIME types into "
                    "your XDG data folder ($XDG_DATA_HOME, default ~/.local/share), so the "
                    "app has a menu entry and double-clicking a .mlops-progress.json or "
                    ".mlops-review.json file opens it; also the bash completion and the man "
                    "page. Nothing is written system-wide.")
    p.add_argument("--uninstall", action="store_true",
                   help="remove the files install-desktop wrote")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_install_desktop)


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from tracker import desktop

    result = desktop.uninstall() if args.uninstall else desktop.install()
    if args.json:
        print_json({"desktop": {"action": "uninstall" if args.uninstall else "install",
                                "data_home": str(result.data_home),
                                "files": [str(f) for f in result.files],
                                "refreshed": result.refreshed, "notes": result.notes}})
        return 0
    verb = "removed" if args.uninstall else "installed"
    print(f"{verb} {len(result.files)} files under {result.data_home}")
    for note in result.notes:
        print(f"note: {note}")
    return 0
