"""What a file given to the app is: a progress file, a review file or an Open Badge.

``mlops-tracker FILE``, the File menu's Open File… and a file dropped on the window all ask
this first, then hand the file to the reader for its kind (which checks it in full). The
content decides, not the name: a file manager may pass anything, and a renamed file is still
what it is. Every refusal is one line from the same readers the command line uses.

Qt-free; may read up to the readers' size limit, so the GUI calls it in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from tracker.exchange import safe_json
from tracker.exchange.models import PROGRESS_FORMAT, REVIEW_FORMAT
from tracker.exchange.safe_json import LoadError

Kind = Literal["progress", "review", "badge"]

KINDS: dict[str, Kind] = {PROGRESS_FORMAT: "progress", REVIEW_FORMAT: "review"}


def file_kind(path: str | Path) -> Kind:
    """The kind of ``path``; :class:`LoadError` (one line) for a file that is none of them:
    unreadable, too large, not a regular file, not JSON, another MLOps Career Tracker format,
    or JSON that is not an Open Badge."""
    from tracker.db.errors import InputError
    from tracker.exchange.openbadges import parse_badge

    p = Path(path)
    value = safe_json.loads(safe_json.read_limited(p), p.name)
    fmt = value.get("format") if isinstance(value, dict) else None
    if isinstance(fmt, str) and fmt in KINDS:
        return KINDS[fmt]
    if isinstance(fmt, str) and fmt.startswith("mlops-tracker/"):
        raise LoadError(f"{p.name}: an MLOps Career Tracker {fmt.split('/', 1)[1][:40]!r} "
                        "file; only progress and review files can be opened")
    try:
        parse_badge(value)
    except InputError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unknown content"
        raise LoadError(f"{p.name}: not a progress file, a review file or an Open Badge "
                        f"({first})") from None
    return "badge"
