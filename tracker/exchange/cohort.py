"""A cohort: many learners' progress files read at once, for a mentor's table.

Fast by design: ``json.loads`` in C, the models validated by pydantic-core, each distinct
embedded curriculum validated once (cached by the hash of its canonical JSON, which also
feeds the integrity digest), readiness from :mod:`tracker.readiness`. Bad files are skipped
with one line each; they never stop the load: whatever one file makes the reader raise (its
own LoadError, or MemoryError, RecursionError or any other Exception from a hostile file)
skips that file with its reason and keeps the others. Pure, no Qt, no database.

Threading: :func:`load_cohort` may run in a worker thread; it reports through the
``on_progress`` callback and stops early when ``cancelled()`` returns true.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.db.errors import InputError
from tracker.exchange.progress import (
    SUFFIX,
    CurriculumCache,
    LevelSummary,
    ProgressReading,
    read_progress_file,
)
from tracker.exchange.safe_json import LoadError


@dataclass(frozen=True)
class CohortRow:
    """One learner's line. Light on purpose (a cohort can be thousands of files): to open
    the learner in review mode, read ``path`` again with ``read_progress_file``."""

    path: Path
    learner: str
    target_level: str | None
    current_level: str | None
    levels: tuple[LevelSummary, ...]
    exported_at: str
    integrity: str
    unknown_milestones: int
    curriculum: str  # "<id> <version>" of the embedded pack


@dataclass
class CohortResult:
    rows: list[CohortRow] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    def level_columns(self) -> list[tuple[str, str]]:
        """(id, title) of every level seen, in rank order, for the table's columns."""
        seen: dict[str, tuple[int, str]] = {}
        for row in self.rows:
            for lv in row.levels:
                seen.setdefault(lv.level, (lv.rank, lv.title))
        return [(k, t) for k, (_, t) in sorted(seen.items(), key=lambda kv: kv[1][0])]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and each folder's ``*.mlops-progress.json`` (sorted, not recursive);
    each file once. A missing path is an InputError (the user mistyped it)."""
    out: dict[Path, None] = {}
    for item in paths:
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.glob("*" + SUFFIX)):
                if f.is_file():
                    out.setdefault(f, None)
        elif p.exists():
            out.setdefault(p, None)
        else:
            raise InputError(f"{p}: no such file or folder")
    return list(out)


def row_for(path: Path, reading: ProgressReading) -> CohortRow:
    return CohortRow(
        path=path, learner=reading.learner_name,
        target_level=reading.document.learner.target_level,
        current_level=reading.current_level,
        levels=reading.summary, exported_at=reading.exported_at, integrity=reading.integrity,
        unknown_milestones=len(reading.unknown_milestones),
        curriculum=f"{reading.curriculum.id} {reading.curriculum.version}")


def load_cohort(paths: Sequence[str | Path], *, cache: CurriculumCache | None = None,
                on_skip: Callable[[Path, str], None] | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> CohortResult:
    """Read every progress file under ``paths``; rows sorted by learner name."""
    files = expand_paths(paths)
    cache = cache or CurriculumCache()
    result = CohortResult()
    # Parsed JSON holds no reference cycles, so the cyclic collector has nothing to find;
    # left on, it would walk every object kept so far again and again (quadratic time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _load(files, cache, result, on_skip, on_progress, cancelled)
    finally:
        if collecting:
            gc.enable()
    result.rows.sort(key=lambda r: (r.learner.casefold(), r.exported_at, str(r.path)))
    return result


def _load(files: list[Path], cache: CurriculumCache, result: CohortResult,
          on_skip: Callable[[Path, str], None] | None,
          on_progress: Callable[[int, int], None] | None,
          cancelled: Callable[[], bool] | None) -> None:
    for i, f in enumerate(files):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        reason = None
        unforeseen = False
        try:
            result.rows.append(row_for(f, read_progress_file(f, cache=cache)))
        except LoadError as exc:
            reason = str(exc).removeprefix(f"{f.name}: ")
        except Exception as exc:  # noqa: BLE001 - one hostile file must not end the cohort
            reason, unforeseen = _unexpected(exc), True
        if unforeseen:
            # The cyclic collector is off during a load; a failure deep in the reader can
            # leave cycles (traceback, frames) holding that file's data: free them now.
            gc.collect()
        if reason is not None:
            result.skipped.append((f, reason))
            if on_skip:
                on_skip(f, reason)
        if on_progress:
            on_progress(i + 1, len(files))


def _unexpected(exc: Exception) -> str:
    """The one-line reason for a file the reader failed on in a way it did not foresee."""
    if isinstance(exc, MemoryError):
        reason = "too large to check: reading it ran out of memory"
    elif isinstance(exc, RecursionError):
        reason = "nested too deeply to check"
    else:
        detail = " ".join(str(exc).split())[:200]
        reason = f"could not be read: {type(exc).__name__}" + (f": {detail}" if detail else "")
    return reason


def _cell(text: str) -> str:
    """Spreadsheet-safe text: a leading = + - @ would start a formula in Excel/LibreOffice
    (a leading tab or carriage return can too), so such text gets a ' in front. Applied to
    the cells that come from the files (file name, learner name); the others are the app's
    own level ids, numbers, yes/no and dates. README "Cohort CSV" documents the rule."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_BOM = "\ufeff"  # UTF-8 with a byte-order mark: spreadsheet programs then read UTF-8


def cohort_csv(result: CohortResult) -> str:
    """CSV: file, learner, target level, current level, each level's percent and ready,
    export date, integrity."""
    levels = result.level_columns()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["file", "learner", "target_level", "current_level"]
    for lid, _ in levels:
        header += [f"{lid}_percent", f"{lid}_ready"]
    w.writerow(header + ["exported_at", "integrity"])
    for row in result.rows:
        by_id = {s.level: (s.percent, s.ready) for s in row.levels}
        cells: list[Any] = [_cell(row.path.name), _cell(row.learner), row.target_level or "",
                            row.current_level or ""]
        for lid, _ in levels:
            pct, ready = by_id.get(lid, (None, None))
            cells += ["" if pct is None else f"{pct:.2f}",
                      "" if ready is None else ("yes" if ready else "no")]
        w.writerow(cells + [row.exported_at, row.integrity])
    return buf.getvalue()


def cohort_csv_bytes(result: CohortResult) -> bytes:
    """The file a CSV export writes: :func:`cohort_csv` as UTF-8 with a byte-order mark, so
    that Excel and LibreOffice show names like "Zoë" or "李" as written instead of guessing
    a legacy code page."""
    return (CSV_BOM + cohort_csv(result)).encode("utf-8")


def cohort_table(result: CohortResult) -> str:
    """A plain-text table for people."""
    levels = result.level_columns()
    head = ["Learner", "Target", "Current"] + [lid for lid, _ in levels] + \
        ["Exported", "Integrity"]
    body = []
    for row in result.rows:
        by_id = {s.level: (s.percent, s.ready) for s in row.levels}
        cells = [row.learner or "(no name)", row.target_level or "-", row.current_level or "-"]
        for lid, _ in levels:
            pct, ready = by_id.get(lid, (None, None))
            cells.append("-" if pct is None else f"{pct:5.1f}%{' *' if ready else '  '}")
        cells += [row.exported_at[:10], row.integrity]
        body.append(cells)
    widths = [max(len(str(r[i])) for r in [head, *body]) for i in range(len(head))]
    widths[0] = min(widths[0], 40)
    lines = ["  ".join(str(c)[:widths[i]].ljust(widths[i]) for i, c in enumerate(r)).rstrip()
             for r in [head, *body]]
    lines.append(f"\n{len(result.rows)} learner file{'s' if len(result.rows) != 1 else ''}"
                 f"; * = ready for the level"
                 + (f"; {len(result.skipped)} skipped" if result.skipped else ""))
    return "\n".join(lines)
