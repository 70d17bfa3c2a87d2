"""Text on a terminal: what the command line prints can never drive the terminal.

Names, titles, notes and file names come from files and the database. Printed raw, an ESC
sequence can move the cursor and overwrite "Integrity: modified" with "ok", hide text or
plant a hyperlink; a C1 control (U+009B is a one-character CSI on some terminals) does the
same, and a bidi control (U+202E) shows text in another order. :func:`clean` makes each
of them visible instead: C0 controls (but newline and tab) as ``\\x1b``; DEL, C1 and bidi
controls and unpaired surrogates (undecodable bytes in a file name) as ``\\u202e``.

There is one output point: :func:`safe_streams`, which the CLI's ``main`` holds around every
command, so every ``print`` to stdout or stderr goes through :func:`clean` and none can be
forgotten. JSON output stays exact: ``json.dumps`` already escapes C0 controls, and the
``\\uXXXX`` forms used for the rest are JSON escapes of the same characters, so a parser
reads the same value (a property test checks this).

Pure Python, no Qt; any thread (the wrapper holds no state of its own).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_C0_DEL = "\x00-\x08\x0b-\x1f\x7f"                         # all but \t (09) and \n (0a)
_C1 = "\x80-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
UNSAFE = re.compile(f"[{_C0_DEL}{_C1}{_BIDI}{_SURROGATES}]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every character that could drive a terminal shown as an escape."""
    if UNSAFE.search(text) is None:  # the usual case: no copy
        return text
    return UNSAFE.sub(_visible, text)


class SafeStream:
    """A text stream that cleans everything written to it, then hands it to ``raw``.
    Everything else (``fileno``, ``isatty``, ``encoding``...) is the raw stream's."""

    def __init__(self, raw: TextIO):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@contextmanager
def safe_streams() -> Iterator[None]:
    """While inside: ``sys.stdout`` and ``sys.stderr`` clean what is written to them.
    Streams already wrapped (nested use) are left as they are; on the way out only the
    wrappers put in here are taken away."""
    mine: dict[str, SafeStream] = {}
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SafeStream):
            mine[name] = SafeStream(stream)
            setattr(sys, name, mine[name])
    try:
        yield
    finally:
        for name, wrapper in mine.items():
            if getattr(sys, name) is wrapper:
                setattr(sys, name, wrapper.raw)
