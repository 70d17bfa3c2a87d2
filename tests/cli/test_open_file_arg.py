"""``mlops-tracker FILE`` (issue 15): a bare file starts the GUI on it, without breaking a
single subcommand. Commands come from a static list (a frozen app cannot scan a folder)."""

from __future__ import annotations

import pkgutil

import pytest

import tracker.commands
from tracker import cli


def test_the_static_command_list_is_every_command_module():
    found = {m.name for m in pkgutil.iter_modules(tracker.commands.__path__)
             if not m.name.startswith("_")}
    assert set(cli.COMMAND_MODULES) == found


def test_the_command_names_are_the_parsers():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == cli.COMMAND_NAMES


@pytest.mark.parametrize("argv, expect", [
    ([], ([], [])),
    (["--debug"], (["--debug"], [])),
    (["--data-dir", "D", "f.json"], (["--data-dir", "D"], ["f.json"])),
    (["--data-dir=D", "f.json", "g.json"], (["--data-dir=D"], ["f.json", "g.json"])),
    (["--", "status"], ([], ["status"])),
    (["status"], None),            # a command, even with a file named so in the folder
    (["--data-dir", "D", "status", "--json"], None),
    (["review", "f.json"], None),
    (["f.json", "--json"], None),  # an option after a file: argparse says what is wrong
])
def test_what_starts_the_gui(tmp_path, monkeypatch, argv, expect):
    monkeypatch.chdir(tmp_path)
    for name in ("f.json", "g.json", "status"):
        (tmp_path / name).write_text("{}")
    assert cli._gui_start(argv) == expect


def test_missing_files_and_unknown_commands(cli):
    r = cli("nope.mlops-progress.json")
    assert r.code == 2 and r.err.strip() == "error: nope.mlops-progress.json: no such file"
    r = cli("./folder/")
    assert r.code == 2 and "no such file" in r.err
    r = cli("statuss")
    assert r.code == 2 and "invalid choice: 'statuss'" in r.err
    r = cli("status", "--json")
    assert r.code == 0 and '"levels"' in r.out


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, __import__("argparse")._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_option_and_argument_has_help():
    missing = [f"{p.prog} {'/'.join(a.option_strings) or a.dest}"
               for p in _parsers(cli.build_parser()) for a in p._actions
               if not a.help and a.dest not in ("command",) and
               not isinstance(a, __import__("argparse")._SubParsersAction)]
    assert missing == []
