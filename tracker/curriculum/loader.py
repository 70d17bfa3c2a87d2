"""Load and validate curriculum packs (TOML files, or the same shape as JSON data).

Validation is complete: every problem is collected with its place, and a pack with any
problem raises :class:`CurriculumError` without returning anything (never half-loads).
Pure Python; callable from any thread.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Curriculum,
    Level,
    Milestone,
    Skill,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MILESTONE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$")
MAX_PACK_BYTES = 5_000_000
MAX_ID = 120
MAX_TITLE = 300
MAX_TEXT = 4000
MAX_WEIGHT = 100


@dataclass(frozen=True, slots=True)
class Problem:
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class CurriculumError(ValueError):
    """A pack that cannot be used; ``problems`` lists every reason with its place."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        n = len(problems)
        head = f"{source}: {n} problem{'s' if n != 1 else ''}"
        super().__init__(head + "".join(f"\n  {p}" for p in problems))

    @property
    def first_line(self) -> str:
        n = len(self.problems)
        first = self.problems[0] if self.problems else ""
        more = f" (and {n - 1} more)" if n > 1 else ""
        return f"{self.source}: {first}{more}"


_KEYS = {
    "": ({"id", "version", "title"}, {"description", "levels", "areas", "skills",
                                       "milestones", "certifications"}),
    "levels": ({"id", "rank", "title"}, {"focus", "experience", "salary", "threshold"}),
    "areas": ({"id", "title"}, {"description"}),
    "skills": ({"id", "area", "title"}, {"description"}),
    "milestones": ({"id", "skill", "level", "title"}, {"description", "weight", "core",
                                                       "requires"}),
    "certifications": ({"id", "name", "issuer"}, {"skills", "level", "url"}),
}


def _header_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of each ``[[kind]]`` header, in order, for error places."""
    lines: dict[str, list[int]] = {}
    for no, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"^\s*\[\[\s*([A-Za-z_-]+)\s*\]\]", line)
        if m:
            lines.setdefault(m.group(1), []).append(no)
    return lines


class _Checker:
    def __init__(self, headers: dict[str, list[int]] | None):
        self.problems: list[Problem] = []
        self.headers = headers or {}

    def place(self, kind: str, index: int, ident: object = None) -> str:
        where = f"{kind}[{index}]"
        lines = self.headers.get(kind)
        if lines and index < len(lines):
            where = f"line {lines[index]}, {where}"
        if isinstance(ident, str) and ident:
            where += f" {ident!r}"
        return where

    def add(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def keys(self, kind: str, place: str, table: dict[str, Any]) -> None:
        required, optional = _KEYS[kind]
        for key in sorted(required - table.keys()):
            self.add(place, f"missing required key {key!r}")
        for key in sorted(table.keys() - required - optional):
            self.add(place, f"unknown key {key!r}")

    def text(self, place: str, table: dict[str, Any], key: str, *, required: bool,
             limit: int) -> str:
        value = table.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.add(place, f"{key} must be a string, got {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.add(place, f"{key} must not be empty")
        if len(value) > limit:
            self.add(place, f"{key} is longer than {limit} characters")
        return value

    def ident(self, place: str, table: dict[str, Any], key: str, pattern: re.Pattern[str],
              what: str) -> str:
        value = table.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not pattern.match(value) or len(value) > MAX_ID:
            self.add(place, f"{key} {value!r} is not a valid {what} (lowercase letters, digits "
                     "and hyphens" + (", dot-separated" if pattern is MILESTONE_ID else "") + ")")
            return ""
        return value


def _sha256_json(data: object) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def parse_pack(data: object, source: str = "pack", *,
               headers: dict[str, list[int]] | None = None) -> Curriculum:
    """Validate pack data (the TOML/JSON shape) and build a :class:`Curriculum`."""
    c = _Checker(headers)
    if not isinstance(data, dict):
        raise CurriculumError(source, [Problem("", "a pack must be a table/object at the top")])
    c.keys("", "top level", data)
    pack_id = c.ident("top level", data, "id", SLUG, "pack id")
    version = c.text("top level", data, "version", required=True, limit=40)
    title = c.text("top level", data, "title", required=True, limit=MAX_TITLE)
    description = c.text("top level", data, "description", required=False, limit=MAX_TEXT)

    def tables(kind: str) -> list[tuple[str, dict[str, Any]]]:
        raw = data.get(kind, [])
        if not isinstance(raw, list):
            c.add(kind, f"{kind} must be an array of tables")
            return []
        out = []
        for i, item in enumerate(raw):
            place = c.place(kind, i, item.get("id") if isinstance(item, dict) else None)
            if not isinstance(item, dict):
                c.add(place, "must be a table")
                continue
            c.keys(kind, place, item)
            out.append((place, item))
        return out

    def unique(kind: str, place: str, ident: str, seen: dict[str, str]) -> None:
        if ident and ident in seen:
            c.add(place, f"duplicate {kind} id {ident!r} (first at {seen[ident]})")
        elif ident:
            seen[ident] = place

    # levels
    levels: list[Level] = []
    seen_levels: dict[str, str] = {}
    ranks: dict[int, str] = {}
    for place, t in tables("levels"):
        lid = c.ident(place, t, "id", SLUG, "level id")
        unique("level", place, lid, seen_levels)
        rank = t.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= 99:
            if "rank" in t:
                c.add(place, f"rank must be a whole number from 1 to 99, got {rank!r}")
            rank = 0
        elif rank in ranks:
            c.add(place, f"rank {rank} is already used by {ranks[rank]}")
        else:
            ranks[rank] = lid
        threshold = t.get("threshold", 80)
        if (not isinstance(threshold, (int, float)) or isinstance(threshold, bool)
                or not math.isfinite(threshold) or not 0 <= threshold <= 100):
            c.add(place, f"threshold must be a percent from 0 to 100, got {threshold!r}")
            threshold = 80
        salary = t.get("salary")
        if salary is not None and not isinstance(salary, str):
            c.add(place, "salary must be a string")
            salary = None
        levels.append(Level(
            id=lid, rank=rank,
            title=c.text(place, t, "title", required=True, limit=MAX_TITLE),
            focus=c.text(place, t, "focus", required=False, limit=MAX_TEXT),
            experience=c.text(place, t, "experience", required=False, limit=MAX_TITLE),
            salary=salary, threshold=float(threshold)))
    if not levels and "levels" in data and isinstance(data.get("levels"), list):
        c.add("levels", "a pack needs at least one level")
    elif "levels" not in data:
        c.add("top level", "missing required array 'levels'")

    # areas
    areas: list[Area] = []
    seen_areas: dict[str, str] = {}
    for place, t in tables("areas"):
        aid = c.ident(place, t, "id", SLUG, "area id")
        unique("area", place, aid, seen_areas)
        areas.append(Area(aid, c.text(place, t, "title", required=True, limit=MAX_TITLE),
                          c.text(place, t, "description", required=False, limit=MAX_TEXT)))

    # skills
    skills: list[Skill] = []
    seen_skills: dict[str, str] = {}
    for place, t in tables("skills"):
        sid = c.ident(place, t, "id", SLUG, "skill id")
        unique("skill", place, sid, seen_skills)
        area = t.get("area")
        if "area" in t and area not in seen_areas:
            c.add(place, f"unknown area {area!r}")
        skills.append(Skill(sid, area if isinstance(area, str) else "",
                            c.text(place, t, "title", required=True, limit=MAX_TITLE),
                            c.text(place, t, "description", required=False, limit=MAX_TEXT)))

    # milestones
    milestones: list[Milestone] = []
    seen_ms: dict[str, str] = {}
    ms_places: dict[str, str] = {}
    for place, t in tables("milestones"):
        mid = c.ident(place, t, "id", MILESTONE_ID, "milestone id")
        unique("milestone", place, mid, seen_ms)
        ms_places.setdefault(mid, place)
        skill = t.get("skill")
        if "skill" in t and skill not in seen_skills:
            c.add(place, f"unknown skill {skill!r}")
        level = t.get("level")
        if "level" in t and level not in seen_levels:
            c.add(place, f"unknown level {level!r}")
        weight = t.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
            c.add(place, f"weight must be a whole number from 1 to {MAX_WEIGHT}, got {weight!r}")
            weight = 1
        core = t.get("core", False)
        if not isinstance(core, bool):
            c.add(place, f"core must be true or false, got {core!r}")
            core = False
        requires = t.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            c.add(place, "requires must be a list of milestone ids")
            requires = []
        milestones.append(Milestone(
            id=mid, skill=skill if isinstance(skill, str) else "",
            level=level if isinstance(level, str) else "",
            title=c.text(place, t, "title", required=True, limit=MAX_TITLE),
            description=c.text(place, t, "description", required=False, limit=MAX_TEXT),
            weight=weight, core=core, requires=tuple(requires)))

    for m in milestones:
        for r in m.requires:
            if r == m.id:
                c.add(ms_places.get(m.id, "milestones"), "a milestone cannot require itself")
            elif r not in seen_ms:
                c.add(ms_places.get(m.id, "milestones"), f"requires unknown milestone {r!r}")
    for cycle in _cycles(milestones):
        c.add(ms_places.get(cycle[0], "milestones"),
              "requires form a cycle: " + " -> ".join(cycle + [cycle[0]]))

    own = {lv.id: 0 for lv in levels}
    for m in milestones:
        if m.level in own:
            own[m.level] += 1
    for i, lv in enumerate(levels):
        if lv.id and own.get(lv.id) == 0:
            c.add(c.place("levels", i, lv.id), "level has no milestones of its own")
    if "milestones" in data and not milestones and isinstance(data.get("milestones"), list):
        c.add("milestones", "a pack needs at least one milestone")

    # certification catalog
    certs: list[CatalogCertification] = []
    seen_certs: dict[str, str] = {}
    for place, t in tables("certifications"):
        cid = c.ident(place, t, "id", SLUG, "certification id")
        unique("certification", place, cid, seen_certs)
        cskills = t.get("skills", [])
        if not isinstance(cskills, list) or not all(isinstance(s, str) for s in cskills):
            c.add(place, "skills must be a list of skill ids")
            cskills = []
        for s in cskills:
            if s not in seen_skills:
                c.add(place, f"unknown skill {s!r}")
        level = t.get("level")
        if level is not None and level not in seen_levels:
            c.add(place, f"unknown level {level!r}")
        url = t.get("url")
        if url is not None and (not isinstance(url, str)
                                or not re.match(r"^https?://[^\s/$.?#][^\s]*$", url)):
            c.add(place, f"url must be an http(s) address, got {url!r}")
            url = None
        certs.append(CatalogCertification(
            id=cid, name=c.text(place, t, "name", required=True, limit=MAX_TITLE),
            issuer=c.text(place, t, "issuer", required=True, limit=MAX_TITLE),
            skills=tuple(cskills), level=level if isinstance(level, str) else None, url=url))

    if c.problems:
        raise CurriculumError(source, c.problems)
    cur = Curriculum(
        id=pack_id, version=version, title=title, description=description,
        levels=tuple(sorted(levels, key=lambda lv: lv.rank)), areas=tuple(areas),
        skills=tuple(skills), milestones=tuple(milestones), certifications=tuple(certs))
    object.__setattr__(cur, "content_hash", _sha256_json(cur.to_dict()))
    return cur


def _cycles(milestones: list[Milestone]) -> list[list[str]]:
    """Each dependency cycle once, as the list of ids along it."""
    graph = {m.id: [r for r in m.requires if r != m.id] for m in milestones}
    white, grey, black = 0, 1, 2
    color = {k: white for k in graph}
    found: list[list[str]] = []
    for start in graph:
        if color[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                color[node] = grey
                path.append(node)
            nexts = graph.get(node, [])
            if i < len(nexts):
                stack.append((node, i + 1))
                nxt = nexts[i]
                if color.get(nxt) == grey:
                    found.append(path[path.index(nxt):])
                elif color.get(nxt) == white:
                    stack.append((nxt, 0))
            else:
                color[node] = black
                path.pop()
    return found


def parse_toml_text(text: str, source: str = "pack") -> Curriculum:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CurriculumError(source, [Problem("", f"not valid TOML: {exc}")]) from None
    return parse_pack(data, source, headers=_header_lines(text))


def load_pack(path: str | Path) -> Curriculum:
    """Read and validate a TOML pack file. Raises CurriculumError for any problem (a FIFO
    or device file is refused without being opened)."""
    p = Path(path)
    source = p.name
    too_large = CurriculumError(source, [Problem("", "file is larger than 5 MB")])
    try:
        st = os.stat(p)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(p)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block, /dev/zero never ends
            raise CurriculumError(source, [Problem("", "is not a regular file")])
        if st.st_size > MAX_PACK_BYTES:
            raise too_large
        # Like tracker.exchange.safe_json.read_regular (the layers keep this one separate):
        # O_NONBLOCK in case the path became a FIFO since the stat; never more than the limit.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CurriculumError(source, [Problem("", "is not a regular file")])
            raw = fh.read(MAX_PACK_BYTES + 1)
    except CurriculumError:
        raise
    except IsADirectoryError:
        raise CurriculumError(source, [Problem("", "is a folder, not a pack file")]) from None
    except OSError as exc:
        raise CurriculumError(source, [Problem("", f"cannot read: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_PACK_BYTES:  # grew while read
        raise too_large
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CurriculumError(source, [Problem("", "not UTF-8 text")]) from None
    return parse_toml_text(text, source)
