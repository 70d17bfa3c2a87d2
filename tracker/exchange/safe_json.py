"""Safe loading of JSON files that come from outside (progress and review files).

A file from another machine is untrusted. Before ``json`` sees it, the loader checks the
size (20 MB), refuses byte-order marks and non-UTF-8 bytes, and measures the nesting depth
(at most 64) without recursion, so a file nested 100,000 levels deep cannot exhaust the
stack. ``json.loads`` then refuses NaN, Infinity, numbers that overflow to infinity and
duplicate keys. Every problem is one :class:`LoadError` with one readable line; nothing
else escapes (a property-based test feeds arbitrary bytes to make sure).

Pure Python, no Qt; safe from any thread.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from tracker.db.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
NEWER_VERSION = "made by a newer version of MLOps Career Tracker"

# The structural skeleton of a JSON text: escapes inside strings removed (escaped
# backslashes first, then escaped quotes), every byte but brackets, colons and quotes deleted, then the strings cut
# out by splitting on quotes. All C-speed bytes operations, no recursion, linear time.
_KEEP = b'[]{}":'
_DELETE = bytes(i for i in range(256) if i not in _KEEP)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_BOMS = ((b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe\x00\x00", "UTF-32"),
         (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


class LoadError(InputError):
    """A file that cannot be read as it is; ``str(exc)`` is one line a user can read."""


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket...: never opened, so it cannot block."""


def read_regular(path: str | Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file (the caller refuses more than
    ``limit``: the file grew while read). Larger than ``limit`` up front: FileTooLarge.
    A folder raises IsADirectoryError; a FIFO, device or socket raises
    :class:`NotRegularFile` before it is opened (a FIFO would block, /dev/zero never ends).
    Other OSErrors (missing, permission) propagate."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
    # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open does not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if st.st_size > limit:
            raise FileTooLarge(st.st_size)
        return fh.read(limit + 1)


class FileTooLarge(Exception):
    """Raised by :func:`read_regular` when the file is larger than the limit (``size``)."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_limited(path: str | Path, *, limit: int = MAX_BYTES) -> bytes:
    """Read a whole regular file, refusing anything larger than ``limit`` before reading it."""
    p = Path(path)
    try:
        data = read_regular(p, limit)
    except FileTooLarge as big:
        raise LoadError(f"{p.name}: the file is {big.size / 1048576:.1f} MB; files larger "
                        f"than {limit // 1048576} MB are refused") from None
    except NotRegularFile:
        raise LoadError(f"{p} is not a regular file") from None
    except FileNotFoundError:
        raise LoadError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{p} is a folder, not a file") from None
    except PermissionError:
        raise LoadError(f"{p}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise LoadError(f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > limit:  # grew while we read
        raise LoadError(f"{p.name}: files larger than {limit // 1048576} MB are refused")
    return data


def skeleton(raw: bytes) -> bytes:
    """Brackets and colons outside strings, in order (exact for valid JSON)."""
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(raw.translate(None, _DELETE).split(b'"')[::2])


def nesting_depth(data: bytes | str, limit: int | None = None) -> int:
    """The deepest nesting of arrays and objects, ignoring brackets inside strings.

    No recursion and no per-character Python loop: on the bracket skeleton, each pass of
    ``replace(b"[]", b"")`` removes exactly one level from every innermost container, so
    the number of passes is the depth. With ``limit``, stops as soon as it is exceeded.
    Unbalanced input (invalid JSON anyway) counts its unclosed brackets on top.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return _depth(skeleton(raw), limit)


def _depth(skel: bytes, limit: int | None) -> int:
    b = skel.translate(_SQUARE, b":")
    passes = 0
    while b:
        shorter = b.replace(b"[]", b"")
        if len(shorter) == len(b):  # only "]...][...[" is left: unbalanced
            return passes + b.count(b"[")
        passes += 1
        b = shorter
        if limit is not None and passes > limit:
            break
    return passes


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in these files")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:30]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:60]!r}")
            seen.add(key)
    return obj


def loads(data: bytes | str, source: str = "file", *, max_bytes: int = MAX_BYTES,
          max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON; raises :class:`LoadError` (and nothing else) when it cannot.
    Duplicate keys are refused."""
    return _guard(source, lambda: _loads(data, source, max_bytes, max_depth, True)[0])


def loads_counting_keys(data: bytes | str, source: str = "file", *,
                        max_bytes: int = MAX_BYTES,
                        max_depth: int = MAX_DEPTH) -> tuple[Any, int]:
    """Like :func:`loads` but faster and without the duplicate-key check: returns the value
    and the number of object keys in the text (colons outside strings). The caller compares
    that with the keys of the parsed value (see :func:`tracker.exchange.digest.count_keys`)
    and calls :func:`duplicate_key_error` on a mismatch."""
    return _guard(source, lambda: _loads(data, source, max_bytes, max_depth, False))


class _Hole:
    """The value :func:`loads_with_hole` puts where its text had the one ``NaN`` token."""

    def __repr__(self) -> str:
        return "HOLE"


HOLE = _Hole()


def loads_with_hole(data: bytes, source: str = "file", *, max_bytes: int = MAX_BYTES,
                    max_depth: int = MAX_DEPTH) -> tuple[Any, int]:
    """Like :func:`loads_counting_keys` for a text in which one value was cut out and the
    token ``NaN`` put in its place: that one ``NaN`` parses as :data:`HOLE`; a second
    ``NaN``, or ``Infinity``, is refused as always. So when the caller finds ``HOLE`` where
    it made the cut, the cut was exactly that value (no other token can yield HOLE)."""
    seen: list[str] = []

    def constant(name: str) -> Any:
        if name != "NaN" or seen:
            _no_constant(name)
        seen.append(name)
        return HOLE

    return _guard(source, lambda: _loads(data, source, max_bytes, max_depth, False, constant))


def duplicate_key_error(data: bytes | str, source: str) -> LoadError:
    """The error for a text whose key count did not match: names the duplicate key."""
    try:
        loads(data, source)
    except LoadError as exc:
        return exc
    return LoadError(f"{source}: not valid JSON (duplicate keys)")


def _guard(source: str, fn: Any) -> Any:
    try:
        return fn()
    except LoadError:
        raise
    except (ValueError, TypeError, RecursionError, MemoryError, UnicodeError) as exc:
        # Defensive: every expected case is handled in _loads with a better message.
        raise LoadError(f"{source}: not valid JSON ({_short(exc)})") from None


def _loads(data: bytes | str, source: str, max_bytes: int, max_depth: int,
           check_keys: bool, constant: Any = _no_constant) -> tuple[Any, int]:
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise LoadError(f"{source}: expected bytes, got {type(data).__name__}")
    if len(raw) > max_bytes:
        raise LoadError(f"{source}: {len(raw) / 1048576:.1f} MB; files larger than "
                        f"{max_bytes // 1048576} MB are refused")
    if not raw.strip():
        raise LoadError(f"{source}: the file is empty")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise LoadError(f"{source}: starts with a {name} byte-order mark; these files are "
                            "UTF-8 without one (re-save it as plain UTF-8)")
    if b"\x00" in raw:
        raise LoadError(f"{source}: binary data, not a JSON text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{source}: not UTF-8 text (bad byte at position {exc.start}); "
                        "not a JSON file") from None
    skel = skeleton(raw)
    if _depth(skel, max_depth) > max_depth:
        raise LoadError(f"{source}: nested more than {max_depth} levels deep; refused")
    try:
        if check_keys:
            value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float,
                               object_pairs_hook=_unique_keys)
        else:
            value = json.loads(text, parse_constant=constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(text.rstrip()) else "not valid JSON"
        raise LoadError(f"{source}: {what} ({exc.msg} at line {exc.lineno}, "
                        f"column {exc.colno})") from None
    except RecursionError:
        raise LoadError(f"{source}: nested too deeply; refused") from None
    except ValueError as exc:  # our hooks, or an integer with thousands of digits
        raise LoadError(f"{source}: not valid JSON ({_short(exc)})") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise LoadError(f"{source}: contains an invalid \\u escape (a lone surrogate)"
                            ) from None
    return value, skel.count(b":")


def load_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse a file; :class:`LoadError` for every problem."""
    p = Path(path)
    return loads(read_limited(p, limit=max_bytes), p.name, max_bytes=max_bytes)


def check_format(value: Any, source: str, expected: str, supported: int,
                 what: str) -> dict[str, Any]:
    """The top-level checks every versioned file shares: an object with our ``format`` and a
    ``format_version`` this app can read (newer ones are refused with a clear message)."""
    if not isinstance(value, dict):
        raise LoadError(f"{source}: not {what} (the top level is not a JSON object)")
    fmt = value.get("format")
    if fmt != expected:
        if isinstance(fmt, str) and fmt.startswith("mlops-tracker/"):
            other = fmt.split("/", 1)[1][:40]
            raise LoadError(f"{source}: this is an MLOps Career Tracker {other} file, "
                            f"not {what}")
        raise LoadError(f"{source}: not {what} (format is {_short_repr(fmt)}, "
                        f"expected {expected!r})")
    version = value.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise LoadError(f"{source}: format_version must be a whole number, got "
                        f"{_short_repr(version)}")
    if version > supported:
        raise LoadError(f"{source}: {NEWER_VERSION} (format version {version}; this version "
                        f"reads up to {supported}); update the app to open it")
    if version < 1:
        raise LoadError(f"{source}: format_version {version} is not valid")
    return value


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
