"""Shell completion (bash, zsh) and the man page, generated from the argument parser.

Generated, not written by hand, so they cannot drift from the commands: every command,
option, choice and file argument comes from ``tracker.cli.build_parser()``.
``mlops-tracker completion bash|zsh`` prints a script; ``install-desktop`` also installs
the bash completion and the man page into the XDG data folder; ``make man`` writes
``build/mlops-tracker.1``. Qt-free.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from datetime import date

PROG = "mlops-tracker"


# ------------------------------------------------------------------ walking the parser
def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)),
                None)


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
         ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command path, parser) for the parser and every subcommand, depth first, in the
    order of --help."""
    yield path, parser
    sub = _subparsers(parser)
    if sub is not None:
        for name, child in sub.choices.items():
            yield from walk(child, (*path, name))


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    sub = _subparsers(parser)
    for action in (sub._choices_actions if sub else []):
        if action.dest == name:
            return action.help or ""
    return ""


def value_kind(action: argparse.Action) -> str:
    """What an option's value or a positional is: ``file``, ``dir``, ``choice`` or
    ``word`` (nothing to complete)."""
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        return "choice"
    meta = str(action.metavar or action.dest).upper()
    if "DIR" in meta:
        return "dir"
    if any(k in meta for k in ("FILE", "OUT", "PATH")):
        return "file"
    return "word"


def _takes_value(action: argparse.Action) -> bool:
    return bool(action.option_strings) and action.nargs != 0


# ------------------------------------------------------------------ bash
def bash_completion(parser: argparse.ArgumentParser) -> str:
    subs: dict[str, str] = {}
    opts: dict[str, str] = {}
    vals: dict[str, str] = {}
    files: dict[str, str] = {}
    for path, p in walk(parser):
        key = " ".join(("@", *path))  # bash arrays have no empty key: "@" is the top
        sub = _subparsers(p)
        subs[key] = " ".join(sub.choices) if sub else ""
        opts[key] = " ".join(o for a in p._actions for o in a.option_strings)
        positional = [a for a in p._actions if not a.option_strings
                      and not isinstance(a, argparse._SubParsersAction)]
        kinds = {value_kind(a) for a in positional}
        files[key] = "@dir" if kinds == {"dir"} else "@file" if kinds & {"file", "dir"} \
            else " ".join(str(c) for a in positional if a.choices for c in a.choices)
        for a in p._actions:
            if _takes_value(a):
                kind = value_kind(a)
                value = " ".join(map(str, a.choices or ())) if kind == "choice" else f"@{kind}"
                for o in a.option_strings:
                    vals[f"{key}|{o}"] = value
    files["@"] = "@file"  # mlops-tracker FILE... opens files in the app

    def table(name: str, data: dict[str, str]) -> str:
        rows = "\n".join(f"    [{_bash_quote(k)}]={_bash_quote(v)}" for k, v in data.items())
        return f"declare -gA {name}=(\n{rows}\n)"

    return f"""# bash completion for {PROG} (generated from its argument parser)
# Install: mlops-tracker install-desktop, or: source <(mlops-tracker completion bash)
{table("_mlops_tracker_subs", subs)}
{table("_mlops_tracker_opts", opts)}
{table("_mlops_tracker_vals", vals)}
{table("_mlops_tracker_files", files)}

_mlops_tracker() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" path="@" w i skip=0
    (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        w="${{COMP_WORDS[i]}}"
        if (( skip )); then skip=0; continue; fi
        if [[ $w == -* ]]; then
            [[ -n ${{_mlops_tracker_vals["$path|$w"]+x}} && $w != *=* ]] && skip=1
            continue
        fi
        if [[ " ${{_mlops_tracker_subs[$path]}} " == *" $w "* ]]; then
            path="$path $w"
        fi
    done
    local value="${{_mlops_tracker_vals["$path|$prev"]-}}"
    if [[ -n ${{_mlops_tracker_vals["$path|$prev"]+x}} ]]; then
        case $value in
            @file) COMPREPLY=( $(compgen -f -- "$cur") ); compopt -o filenames 2>/dev/null ;;
            @dir) COMPREPLY=( $(compgen -d -- "$cur") ); compopt -o filenames 2>/dev/null ;;
            @word) COMPREPLY=() ;;
            *) COMPREPLY=( $(compgen -W "$value" -- "$cur") ) ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "${{_mlops_tracker_opts[$path]}}" -- "$cur") )
        return 0
    fi
    COMPREPLY=( $(compgen -W "${{_mlops_tracker_subs[$path]}}" -- "$cur") )
    local positional="${{_mlops_tracker_files[$path]-}}"
    case $positional in
        @file) COMPREPLY+=( $(compgen -f -- "$cur") ); compopt -o filenames 2>/dev/null ;;
        @dir) COMPREPLY+=( $(compgen -d -- "$cur") ); compopt -o filenames 2>/dev/null ;;
        ?*) COMPREPLY+=( $(compgen -W "$positional" -- "$cur") ) ;;
    esac
    return 0
}}
complete -F _mlops_tracker {PROG}
complete -F _mlops_tracker {PROG}-gui
"""


def _bash_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def zsh_completion(parser: argparse.ArgumentParser) -> str:
    """zsh runs the bash completion through its bashcompinit layer (zsh's own, shipped
    with every zsh): one generated completion for both shells."""
    return f"""# zsh completion for {PROG} (generated from its argument parser)
# Install: add to ~/.zshrc:  source <(mlops-tracker completion zsh)
autoload -U +X compinit && {{ (( ${{+functions[compdef]}} )) || compinit; }}
autoload -U +X bashcompinit && bashcompinit
{bash_completion(parser)}"""


# ------------------------------------------------------------------ man page
def _roff(text: str) -> str:
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def _option_line(a: argparse.Action) -> str:
    if not a.option_strings:
        return f"\\fI{_roff(str(a.metavar or a.dest))}\\fR"
    names = ", ".join(f"\\fB{_roff(o)}\\fR" for o in a.option_strings)
    if _takes_value(a):
        meta = a.metavar or ("{" + ",".join(map(str, a.choices)) + "}" if a.choices
                             else a.dest.upper())
        names += f" \\fI{_roff(str(meta))}\\fR"
    return names


def _options(p: argparse.ArgumentParser) -> list[str]:
    out = []
    for a in p._actions:
        if isinstance(a, (argparse._SubParsersAction, argparse._HelpAction)):
            continue
        help_text = (a.help or "").replace("%(prog)s", PROG)
        if a.choices and a.option_strings and not a.metavar:
            pass
        elif a.choices:
            help_text += f" (one of: {', '.join(map(str, a.choices))})"
        out += [".TP", _option_line(a), _roff(help_text)]
    return out


def man_page(parser: argparse.ArgumentParser, version: str) -> str:
    today = date.today().isoformat()
    lines = [
        f'.TH MLOPS\\-TRACKER 1 "{today}" "{PROG} {version}" "User Commands"',
        ".SH NAME",
        f"{PROG} \\- {_roff('track MLOps career milestones, readiness per level and mentor reviews')}",
        ".SH SYNOPSIS",
        f".B {PROG}",
        "[\\fIGLOBAL OPTIONS\\fR] [\\fIFILE\\fR ...]",
        ".br",
        f".B {PROG}",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]",
        ".SH DESCRIPTION",
        _roff(parser.description or ""),
        ".PP",
        _roff(parser.epilog or ""),
        ".SH GLOBAL OPTIONS",
        *_options(parser),
        ".SH COMMANDS",
    ]
    for path, p in walk(parser):
        if not path or _subparsers(p) is not None:
            if path:
                lines += [".SS " + _roff(" ".join(path)), _roff(_help_of(
                    dict(walk(parser))[path[:-1]], path[-1]))]
            continue
        parent = dict(walk(parser))[path[:-1]]
        usage = p.format_usage().removeprefix("usage: ").strip()
        lines += [".SS " + _roff(" ".join(path)), _roff(_help_of(parent, path[-1])),
                  ".PP", ".nf", _roff(" ".join(usage.split())), ".fi"]
        if p.description:
            lines += [".PP", _roff(p.description)]
        lines += _options(p)
    lines += [
        ".SH FILES",
        ".TP", "\\fI~/.local/share/mlops\\-tracker/\\fR",
        "The data folder: the database (tracker.sqlite3), backups/, logs/ and ui.ini "
        "(\\fB$XDG_DATA_HOME\\fR is honoured).",
        ".TP", "\\fI*.mlops\\-progress.json\\fR, \\fI*.mlops\\-review.json\\fR",
        "Progress files a learner exports and review files a mentor writes.",
        ".SH ENVIRONMENT",
        ".TP", "\\fBMLOPS_TRACKER_DATA_DIR\\fR",
        "The data folder, unless \\fB\\-\\-data\\-dir\\fR is given.",
        ".TP", "\\fBMLOPS_TRACKER_DEBUG\\fR",
        "Set to 1 for the same as \\fB\\-\\-debug\\fR.",
        ".SH EXIT STATUS",
        "0 on success, 2 on bad input (one line on standard error, nothing changed), "
        "1 on an unexpected failure (the line names the log with the details).",
    ]
    return "\n".join(lines) + "\n"
