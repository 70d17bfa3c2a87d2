"""Is a progress file's embedded curriculum the real one? (issue 12, part 4)

A progress file carries its own curriculum, and readiness is recomputed from it; the digest
only shows the file is unchanged since export, and anyone can recompute it. So a learner
could cut the curriculum to five milestones under the shipped pack's id, version and title
and be "ready" everywhere. This module compares the embedded pack with the pack the reader
knows under the same id and version (the shipped pack, or the custom pack installed in the
reader's data folder) and says:

- ``"known"``: the same content as a known pack;
- ``"differs"``: a known pack has this id and version but other content (with a short
  summary of what: milestones removed, added, changed; levels and thresholds);
- ``"unknown"``: no known pack has this id and version (nothing to compare with).

Pure, no Qt, no database; picklable (a cohort's worker processes take a copy); the packs
are read once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.curriculum.model import Curriculum

KNOWN = "known"
DIFFERS = "differs"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class CurriculumCheck:
    status: str            # "known" | "differs" | "unknown"
    summary: str = ""      # what differs, one line ("" when known)
    against: str = ""      # which known pack it was compared with ("shipped", "installed")

    def text(self) -> str:
        """One line for people."""
        if self.status == KNOWN:
            return f"matches the {self.against} curriculum"
        if self.status == DIFFERS:
            return (f"DIFFERS from the {self.against} curriculum of the same id and version "
                    f"({self.summary}); readiness is computed from the file's own copy")
        return ("unknown (no curriculum of this id and version here to compare with); "
                "readiness is computed from the file's own copy")

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "against": self.against}


def _ids(ids: list[str], limit: int = 4) -> str:
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def difference_summary(file_cur: Curriculum, known: Curriculum) -> str:
    """What differs between a file's curriculum and a known one, briefly."""
    a, b = file_cur.milestone_by_id, known.milestone_by_id
    removed = [m for m in b if m not in a]
    added = [m for m in a if m not in b]
    changed = [m for m in a if m in b and a[m] != b[m]]
    parts = []
    if removed:
        parts.append(f"{len(removed)} milestone{'s' if len(removed) != 1 else ''} removed "
                     f"({_ids(removed)})")
    if added:
        parts.append(f"{len(added)} milestone{'s' if len(added) != 1 else ''} added "
                     f"({_ids(added)})")
    if changed:
        parts.append(f"{len(changed)} milestone{'s' if len(changed) != 1 else ''} changed "
                     f"({_ids(changed)})")
    la, lb = file_cur.level_by_id, known.level_by_id
    if set(la) != set(lb):
        parts.append("levels differ")
    else:
        th = [lid for lid in la if (la[lid].threshold, la[lid].own_threshold)
              != (lb[lid].threshold, lb[lid].own_threshold)]
        if th:
            parts.append(f"thresholds changed ({_ids(th)})")
        if any(la[lid] != lb[lid] for lid in la if lid not in th):
            parts.append("level details changed")
    if not parts:
        parts.append("other content changed (skills, areas, choices or certifications)")
    return "; ".join(parts)


class KnownPacks:
    """The packs a reader knows: the shipped one and, when given a data folder, the custom
    pack installed there. Files that are missing or do not load are left out."""

    def __init__(self, paths: list[tuple[str, Path]]):
        self.paths = list(paths)
        self._packs: list[tuple[str, Curriculum]] | None = None
        self._results: dict[str, CurriculumCheck] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_reader(cls, data_folder: Path | None = None) -> KnownPacks:
        from tracker import paths

        items: list[tuple[str, Path]] = [("shipped", paths.default_pack_path())]
        if data_folder is not None:
            items.append(("installed", paths.installed_pack_path(data_folder)))
        return cls(items)

    def __getstate__(self) -> dict[str, Any]:
        return {"paths": self.paths}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["paths"])  # type: ignore[misc]

    def packs(self) -> list[tuple[str, Curriculum]]:
        with self._lock:
            if self._packs is None:
                from tracker.curriculum.loader import CurriculumError, load_pack

                out = []
                for label, p in self.paths:
                    try:
                        if p.is_file():
                            out.append((label, load_pack(p)))
                    except (CurriculumError, OSError, ValueError):
                        continue
                self._packs = out
            return self._packs

    def check(self, cur: Curriculum) -> CurriculumCheck:
        key = cur.content_hash
        with self._lock:
            hit = self._results.get(key) if key else None
        if hit is not None:
            return hit
        same = [(label, k) for label, k in self.packs()
                if k.id == cur.id and k.version == cur.version]
        if not same:
            result = CurriculumCheck(UNKNOWN)
        else:
            match = next(((label, k) for label, k in same
                          if k.content_hash and k.content_hash == cur.content_hash
                          or k.to_dict() == cur.to_dict()), None)
            if match is not None:
                result = CurriculumCheck(KNOWN, "", match[0])
            else:
                label, k = same[0]
                result = CurriculumCheck(DIFFERS, difference_summary(cur, k), label)
        if key:
            with self._lock:
                self._results[key] = result
        return result


def check_curriculum(cur: Curriculum, data_folder: Path | None = None) -> CurriculumCheck:
    """The check of one curriculum against the shipped pack (and the pack installed in
    ``data_folder``)."""
    return KnownPacks.for_reader(data_folder).check(cur)


def integrity_text(integrity: str) -> str:
    """The digest check in people's words: it shows the file is unchanged since export,
    not who wrote it (anyone can recompute the digest; a mentor's signature says more)."""
    return "unchanged since export" if integrity == "ok" else "modified after export"
