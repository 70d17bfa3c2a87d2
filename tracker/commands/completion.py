"""completion: print a shell completion script (tracker/shell.py)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "completion", help="print a bash or zsh completion script",
        description="Print a completion script generated from the commands. bash: "
                    "'source <(mlops-tracker completion bash)' (install-desktop also "
                    "installs it for bash-completion); zsh: add "
                    "'source <(mlops-tracker completion zsh)' to ~/.zshrc.")
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell to complete for")
    p.set_defaults(func=cmd_completion)


def cmd_completion(args: argparse.Namespace) -> int:
    from tracker import shell
    from tracker.cli import build_parser

    parser = build_parser()
    text = shell.bash_completion(parser) if args.shell == "bash" else \
        shell.zsh_completion(parser)
    sys.stdout.write(text)
    return 0
