"""Completion scripts and the man page are generated from the parser (issue 15): bash
completes commands, subcommands, options, choices and files; zsh loads the same through
bashcompinit; the man page lists every command and renders without groff warnings."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tracker import __version__, shell
from tracker.cli import build_parser


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("comp") / "mlops-tracker.bash"
    path.write_text(shell.bash_completion(build_parser()))
    return path


def complete(script, tmp_path, line: str) -> list[str]:
    words = line.split(" ")
    quoted = " ".join("'" + w + "'" for w in words)
    prog = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
            "_mlops_tracker; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "--norc", "-c", prog], capture_output=True, text=True,
                          cwd=tmp_path, timeout=30)
    assert done.returncode == 0, done.stderr
    return [w for w in done.stdout.splitlines() if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_commands_options_choices_and_files(script, tmp_path):
    (tmp_path / "me.mlops-progress.json").write_text("{}")
    assert "status" in complete(script, tmp_path, "mlops-tracker st")
    assert "me.mlops-progress.json" in complete(script, tmp_path, "mlops-tracker me")
    assert complete(script, tmp_path, "mlops-tracker cert ") == \
        ["add", "list", "import", "delete"]
    assert "--json" in complete(script, tmp_path, "mlops-tracker status --")
    assert complete(script, tmp_path, "mlops-tracker tick x --state l") == ["learning"]
    assert complete(script, tmp_path, "mlops-tracker --data-dir /tmp cert im") == ["import"]
    assert "me.mlops-progress.json" in complete(script, tmp_path,
                                                "mlops-tracker cert import m")
    assert "me.mlops-progress.json" in complete(script, tmp_path,
                                                "mlops-tracker export -o m")
    assert complete(script, tmp_path, "mlops-tracker completion ") == ["bash", "zsh"]


def test_every_command_is_in_the_completion_and_the_man_page():
    parser = build_parser()
    bash = shell.bash_completion(parser)
    man = shell.man_page(parser, __version__)
    for path, _p in shell.walk(parser):
        if path:
            assert path[-1] in bash
            assert ".SS " + " ".join(path).replace("-", "\\-") in man


@pytest.mark.skipif(shutil.which("groff") is None, reason="no groff")
def test_the_man_page_renders_without_warnings(tmp_path):
    page = tmp_path / "mlops-tracker.1"
    page.write_text(shell.man_page(build_parser(), __version__))
    done = subprocess.run(["groff", "-man", "-ww", "-z", str(page)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and not done.stderr, done.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="no zsh")
def test_zsh_loads_the_completion(tmp_path):
    script = tmp_path / "c.zsh"
    script.write_text(shell.zsh_completion(build_parser()))
    done = subprocess.run(["zsh", "-f", "-c", f"source {script} && echo ok"],
                          capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_completion_command(cli):
    r = cli("completion", "bash")
    assert r.code == 0 and "complete -F _mlops_tracker mlops-tracker" in r.out
    r = cli("completion", "zsh")
    assert r.code == 0 and "bashcompinit" in r.out
