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


class ProgressLine:
    """A one-line "read 120 of 10,000 files" on a terminal's stderr, redrawn in place.

    Shown only when ``stream`` is a terminal and only once the work has run longer than
    ``after`` seconds (a quick command prints nothing extra); redrawn at most every
    ``every`` seconds. Call :meth:`clear` before printing anything else on the stream, and
    at the end. The line is numbers only; its carriage return goes to the raw stream (the
    :class:`SafeStream` wrapper would show it as ``\\x0d``). Not thread-safe: one caller.
    """

    def __init__(self, stream: TextIO | None = None, *, after: float = 1.0,
                 every: float = 0.1, clock: Any = None):
        import time

        raw = stream if stream is not None else sys.stderr
        while isinstance(raw, SafeStream):
            raw = raw.raw
        self.stream = raw
        self.clock = clock or time.monotonic
        self.start = self.clock()
        self.after, self.every = after, every
        self.shown = 0  # width of the line on screen, 0 when none
        self._last = float("-inf")
        try:
            self.enabled = bool(raw is not None and raw.isatty())
        except (AttributeError, ValueError, OSError):
            self.enabled = False

    def update(self, done: int, total: int, what: str = "files") -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.after or (now - self._last < self.every and done < total):
            return
        self._last = now
        text = f"read {done:,} of {total:,} {what}"
        self.stream.write("\r" + text.ljust(self.shown))
        self.stream.flush()
        self.shown = len(text)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0
