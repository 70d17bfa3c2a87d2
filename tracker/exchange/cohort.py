"""A cohort: many learners' progress files read at once, for a mentor's table.

Fast by design: ``json.loads`` in C, the models' rules checked by pydantic-core without
building the models (:func:`tracker.exchange.models.progress_body_ok`), each distinct
embedded curriculum validated once per process (cached by the hash of its canonical JSON,
which also feeds the integrity digest) and, once its bytes are known, not even parsed again
in a file that holds the same bytes (:class:`tracker.exchange.progress.CurriculumCache`),
readiness from :class:`tracker.readiness.CurriculumIndex`. A large
cohort is read by a pool of processes (``concurrent.futures``, one per core): each reads a
chunk of files and sends back only the light rows, so no process ever holds more than the
one document it is reading. Bad files are skipped with one line each; they never stop the
load: whatever one file makes the reader raise (its own LoadError, or MemoryError,
RecursionError or any other Exception from a hostile file) skips that file with its reason
and keeps the others. Pure, no Qt, no database.

Threading: :func:`load_cohort` may run in a worker thread; it reports through its callbacks
(``on_rows``, ``on_skip``, ``on_progress``, called in file order from the calling thread)
and stops early when ``cancelled()`` returns true.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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
from tracker.exchange.known_pack import KnownPacks
from tracker.exchange.safe_json import LoadError

#: Below this many files one process reads them all: starting a pool costs more than it saves.
PARALLEL_MIN_FILES = 64
#: Files per task sent to a worker process: small enough for rows to stream and Cancel to
#: answer quickly, large enough for the hand-over to cost little.
CHUNK_FILES = 16


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
    #: the embedded pack against the one the reader knows under that id and version
    #: (tracker.exchange.known_pack): "known" | "differs" | "unknown", and what differs
    curriculum_check: str = "unknown"
    curriculum_note: str = ""


@dataclass
class CohortResult:
    rows: list[CohortRow] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False
    #: what the folders held besides progress files, never read: (other files, subfolders)
    ignored_files: int = 0
    ignored_folders: int = 0
    #: peak resident memory (KB) of each process that read files, by process id (this one
    #: included): what the benchmark adds up
    peak_rss_kb: dict[int, int] = field(default_factory=dict)

    def level_columns(self) -> list[tuple[str, str]]:
        """(id, title) of every level seen, in rank order, for the table's columns."""
        return level_columns(self.rows)

    def ignored_text(self) -> str:
        """"3 other files and 1 subfolder ignored", or "" when the folders held nothing else."""
        parts = []
        if self.ignored_files:
            n = self.ignored_files
            parts.append(f"{n} other file{'s' if n != 1 else ''}")
        if self.ignored_folders:
            n = self.ignored_folders
            parts.append(f"{n} subfolder{'s' if n != 1 else ''}")
        return (" and ".join(parts) + " ignored") if parts else ""


def level_columns(rows: Iterable[CohortRow]) -> list[tuple[str, str]]:
    """(id, title) of every level seen in ``rows``, in rank order."""
    seen: dict[str, tuple[int, str]] = {}
    for row in rows:
        for lv in row.levels:
            seen.setdefault(lv.level, (lv.rank, lv.title))
    return [(k, t) for k, (_, t) in sorted(seen.items(), key=lambda kv: kv[1][0])]


@dataclass(frozen=True)
class Listing:
    """What :func:`scan_paths` found: the progress files to read, in order, and how many
    other entries of the folders were left alone (files without the suffix, subfolders:
    the cohort is not recursive)."""

    files: list[Path]
    ignored_files: int = 0
    ignored_folders: int = 0


def scan_paths(paths: Iterable[str | Path]) -> Listing:
    """Files as given, and each folder's ``*.mlops-progress.json`` (sorted, not recursive);
    each file once. A missing path is an InputError (the user mistyped it)."""
    out: dict[Path, None] = {}
    other = folders = 0
    for item in paths:
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.glob("*" + SUFFIX)):
                if f.is_file():
                    out.setdefault(f, None)
            for entry in os.scandir(p):
                try:
                    if entry.is_dir():
                        folders += 1
                    elif not entry.name.endswith(SUFFIX) or not entry.is_file():
                        other += 1
                except OSError:
                    other += 1
        elif p.exists():
            out.setdefault(p, None)
        else:
            raise InputError(f"{p}: no such file or folder")
    return Listing(list(out), other, folders)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The progress files :func:`scan_paths` finds, in order."""
    return scan_paths(paths).files


def row_for(path: Path, reading: ProgressReading,
            known: KnownPacks | None = None) -> CohortRow:
    check = (known or _shipped_only()).check(reading.curriculum)
    return CohortRow(
        path=path, learner=reading.learner_name,
        target_level=reading.target_level,
        current_level=reading.current_level,
        levels=reading.summary, exported_at=reading.exported_at, integrity=reading.integrity,
        unknown_milestones=len(reading.unknown_milestones),
        curriculum=f"{reading.curriculum.id} {reading.curriculum.version}",
        curriculum_check=check.status, curriculum_note=check.summary)


_SHIPPED: KnownPacks | None = None


def _shipped_only() -> KnownPacks:
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = KnownPacks.for_reader(None)
    return _SHIPPED


def load_cohort(paths: Sequence[str | Path], *, cache: CurriculumCache | None = None,
                on_skip: Callable[[Path, str], None] | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                on_rows: Callable[[list[CohortRow]], None] | None = None,
                workers: int | None = None,
                known: KnownPacks | None = None) -> CohortResult:
    """Read every progress file under ``paths``; rows sorted by learner name.

    ``on_rows`` receives the rows of each batch of files as they are read (in file order,
    before sorting); ``on_skip`` each unreadable file with its reason, ``on_progress``
    (files done, files in all). ``workers``: processes to read with (default: one per
    core; 1 reads in this process, as does any cohort under ``PARALLEL_MIN_FILES``).
    ``known``: the packs each file's curriculum is checked against (default: the shipped
    pack alone).
    """
    listing = scan_paths(paths)
    files = listing.files
    cache = cache or CurriculumCache()
    known = known or _shipped_only()
    result = CohortResult(ignored_files=listing.ignored_files,
                          ignored_folders=listing.ignored_folders)
    n = _worker_count(workers, len(files))
    sink = _Sink(result, len(files), on_rows, on_skip, on_progress)
    # Parsed JSON holds no reference cycles, so the cyclic collector has nothing to find;
    # left on, it would walk every object kept so far again and again (quadratic time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if n > 1:
            _load_parallel(files, n, sink, cancelled, known)
        else:
            _load(files, cache, sink, cancelled, known)
    finally:
        if collecting:
            gc.enable()
    result.peak_rss_kb[os.getpid()] = _peak_rss_kb()
    result.rows.sort(key=lambda r: (r.learner.casefold(), r.exported_at, str(r.path)))
    return result


def _worker_count(workers: int | None, files: int) -> int:
    if workers is None:
        if files < PARALLEL_MIN_FILES:
            return 1
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        workers = min(cores, 8)
    return max(1, min(workers, -(-files // CHUNK_FILES) if files else 1))


class _Sink:
    """Takes each file's outcome, in file order, into the result and the callbacks."""

    def __init__(self, result: CohortResult, total: int,
                 on_rows: Callable[[list[CohortRow]], None] | None,
                 on_skip: Callable[[Path, str], None] | None,
                 on_progress: Callable[[int, int], None] | None):
        self.result, self.total = result, total
        self.on_rows, self.on_skip, self.on_progress = on_rows, on_skip, on_progress
        self.done = 0

    def take(self, outcomes: list[tuple[Path, CohortRow | None, str | None]]) -> None:
        rows = []
        for path, row, reason in outcomes:
            if row is not None:
                rows.append(row)
            else:
                assert reason is not None
                self.result.skipped.append((path, reason))
                if self.on_skip:
                    self.on_skip(path, reason)
        self.result.rows.extend(rows)
        self.done += len(outcomes)
        if rows and self.on_rows:
            self.on_rows(rows)
        if self.on_progress:
            self.on_progress(self.done, self.total)


def _read_one(f: Path, cache: CurriculumCache,
              known: KnownPacks | None = None) -> tuple[Path, CohortRow | None, str | None]:
    reason = None
    unforeseen = False
    try:
        return f, row_for(f, read_progress_file(f, cache=cache), known), None
    except LoadError as exc:
        reason = str(exc).removeprefix(f"{f.name}: ")
    except Exception as exc:  # noqa: BLE001 - one hostile file must not end the cohort
        reason, unforeseen = _unexpected(exc), True
    if unforeseen and threading.current_thread() is threading.main_thread():
        # The cyclic collector is off during a load; a failure deep in the reader can
        # leave cycles (traceback, frames) holding that file's data: free them now. Never
        # from another thread: in the GUI this runs on a pool thread, and a collection
        # there would destroy any Qt garbage off the GUI thread (tracker/ui/gc_policy.py);
        # the GUI thread's own collector frees these cycles instead.
        gc.collect()
    return f, None, reason


def _load(files: list[Path], cache: CurriculumCache, sink: _Sink,
          cancelled: Callable[[], bool] | None, known: KnownPacks | None = None) -> None:
    batch: list[tuple[Path, CohortRow | None, str | None]] = []
    for f in files:
        if cancelled is not None and cancelled():
            sink.result.cancelled = True
            break
        batch.append(_read_one(f, cache, known))
        if len(batch) >= CHUNK_FILES:
            sink.take(batch)
            batch = []
    if batch:
        sink.take(batch)


# ------------------------------------------------------------------ worker processes
_worker_cache: CurriculumCache | None = None


def _read_chunk(files: list[Path], known: KnownPacks | None = None) -> tuple[list[tuple[Path, CohortRow | None, str | None]],
                                             int, int]:
    """In a worker process: the outcome of each file, and this process's id and peak
    memory. Its curriculum cache lives as long as the process."""
    global _worker_cache
    if _worker_cache is None:
        _worker_cache = CurriculumCache()
    gc.disable()  # as in load_cohort: parsed JSON has no cycles to find
    try:
        out = [_read_one(f, _worker_cache, _worker_known(known)) for f in files]
    finally:
        gc.enable()
    return out, os.getpid(), _peak_rss_kb()


_worker_packs: dict[tuple[tuple[str, Path], ...], KnownPacks] = {}


def _worker_known(known: KnownPacks | None) -> KnownPacks | None:
    """One KnownPacks per set of paths for the life of a worker process, so each pack file
    is read once per process, not once per chunk."""
    if known is None:
        return None
    key = tuple(known.paths)
    return _worker_packs.setdefault(key, known)


def _peak_rss_kb() -> int:
    from tracker.procmem import peak_rss_kb

    return peak_rss_kb()


def _pool_context() -> Any:
    """How reader processes start. ``fork`` where it is safe and cheap (Linux, the main
    thread of a process with no other thread and no Qt: the CLI; the workers start with the
    reader already imported). Elsewhere on Linux (the GUI: Qt threads, and forking a
    threaded process can deadlock the child) ``forkserver``: a clean single-threaded server
    process, started once, with the reader preloaded, forks the workers. ``spawn`` on other
    systems."""
    if sys.platform.startswith("linux"):
        if (threading.current_thread() is threading.main_thread()
                and threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules):
            return multiprocessing.get_context("fork")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def _load_parallel(files: list[Path], workers: int, sink: _Sink,
                   cancelled: Callable[[], bool] | None,
                   known: KnownPacks | None = None) -> None:
    """Chunks of files to ``workers`` processes, a few chunks ahead of the results (so
    memory stays flat), outcomes taken in file order. If the pool breaks (a worker killed
    from outside, by the system running out of memory), the files not yet read are read
    here, one by one, so each still gets its row or its reason."""
    chunks = [files[i:i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES)]
    ahead = workers * 3
    pending: deque[tuple[list[Path], Future[Any]]] = deque()
    nxt = 0
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context())
    try:
        while nxt < len(chunks) or pending:
            while nxt < len(chunks) and len(pending) < ahead:
                pending.append((chunks[nxt], pool.submit(_read_chunk, chunks[nxt], known)))
                nxt += 1
            chunk, fut = pending[0]
            while not fut.done():
                if cancelled is not None and cancelled():
                    sink.result.cancelled = True
                    return
                wait([fut], timeout=0.05, return_when=FIRST_COMPLETED)
            if cancelled is not None and cancelled():
                sink.result.cancelled = True
                return
            pending.popleft()
            try:
                outcomes, pid, peak = fut.result()
            except BrokenProcessPool:
                rest = [f for c, _ in [(chunk, fut), *pending] for f in c] + \
                    [f for c in chunks[nxt:] for f in c]
                pending.clear()
                nxt = len(chunks)
                _load(rest, CurriculumCache(), sink, cancelled, known)
                return
            sink.result.peak_rss_kb[pid] = max(peak, sink.result.peak_rss_kb.get(pid, 0))
            sink.take(outcomes)
    finally:
        pool.shutdown(wait=not sink.result.cancelled, cancel_futures=True)


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
    export date, integrity, curriculum ("known" | "differs" | "unknown": the embedded pack
    against the reader's pack of that id and version; last, so the others keep their
    positions)."""
    levels = result.level_columns()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["file", "learner", "target_level", "current_level"]
    for lid, _ in levels:
        header += [f"{lid}_percent", f"{lid}_ready"]
    w.writerow(header + ["exported_at", "integrity", "curriculum"])
    for row in result.rows:
        by_id = {s.level: (s.percent, s.ready) for s in row.levels}
        cells: list[Any] = [_cell(row.path.name), _cell(row.learner), row.target_level or "",
                            row.current_level or ""]
        for lid, _ in levels:
            pct, ready = by_id.get(lid, (None, None))
            cells += ["" if pct is None else f"{pct:.2f}",
                      "" if ready is None else ("yes" if ready else "no")]
        w.writerow(cells + [row.exported_at, row.integrity, row.curriculum_check])
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
        ["Exported", "Integrity", "Curriculum"]
    body = []
    for row in result.rows:
        by_id = {s.level: (s.percent, s.ready) for s in row.levels}
        cells = [row.learner or "(no name)", row.target_level or "-", row.current_level or "-"]
        for lid, _ in levels:
            pct, ready = by_id.get(lid, (None, None))
            cells.append("-" if pct is None else f"{pct:5.1f}%{' *' if ready else '  '}")
        cells += [row.exported_at[:10], row.integrity, row.curriculum_check]
        body.append(cells)
    widths = [max(len(str(r[i])) for r in [head, *body]) for i in range(len(head))]
    widths[0] = min(widths[0], 40)
    lines = ["  ".join(str(c)[:widths[i]].ljust(widths[i]) for i, c in enumerate(r)).rstrip()
             for r in [head, *body]]
    lines.append("(percents count each \"one of\" choice (e.g. the cloud) once, whichever "
                 "option was done, and leave electives out)")
    lines.append(f"\n{len(result.rows)} learner file{'s' if len(result.rows) != 1 else ''}"
                 f"; * = ready for the level"
                 + ("; integrity ok = unchanged since export (not who wrote it)")
                 + (f"; {len(result.skipped)} skipped" if result.skipped else "")
                 + (f"; {result.ignored_text()}" if result.ignored_text() else ""))
    differs = [r for r in result.rows if r.curriculum_check == "differs"]
    for r in differs[:10]:
        lines.append(f"warning: {r.learner or '(no name)'} ({r.path.name}): the curriculum "
                     f"in the file differs from the known one of the same id and version "
                     f"({r.curriculum_note}); readiness is computed from the file's own copy")
    if len(differs) > 10:
        lines.append(f"warning: {len(differs) - 10} more files have a curriculum that differs "
                     "from the known one (see the curriculum column of --csv or --json)")
    return "\n".join(lines)
