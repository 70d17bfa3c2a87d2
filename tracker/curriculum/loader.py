"""Load and validate curriculum packs (TOML files, or the same shape as JSON data).

Validation is complete: every problem is collected with its place, and a pack with any
problem raises :class:`CurriculumError` without returning anything (never half-loads).
Pure Python; callable from any thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Choice,
    Curriculum,
    Level,
    Milestone,
    Skill,
)

# The id rule, defined once: here, where ids are born. tracker.validation and the file
# models (and so the JSON Schemas) use this very pattern; it is valid in Python and ECMA-262.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MILESTONE_ID = re.compile(ID_PATTERN)
MAX_PACK_BYTES = 5_000_000
MAX_ID = 120
MAX_TITLE = 300
MAX_TEXT = 4000
MAX_WEIGHT = 100
FORMATS = (1, 2)  # pack formats this app reads; 2 adds choices, electives, own thresholds
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_CYCLES_LISTED = 20  # cycles named one by one; the rest are counted in one more problem
MAX_CYCLE_SHOWN = 12    # ids shown of one cycle; a longer one is shown as its two ends


@dataclass(frozen=True, slots=True)
class Problem:
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class CurriculumError(ValueError):
    """A pack that cannot be used; ``problems`` lists every reason with its place.

    The full text (one line per problem) is built only when ``str()`` asks for it: most
    callers want :attr:`first_line`, and a hostile pack can have tens of thousands."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        n = len(problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}")

    def __str__(self) -> str:
        return str(self.args[0]) + "".join(f"\n  {p}" for p in self.problems)

    @property
    def first_line(self) -> str:
        n = len(self.problems)
        first = self.problems[0] if self.problems else ""
        more = f" (and {n - 1} more)" if n > 1 else ""
        return f"{self.source}: {first}{more}"


_KEYS = {
    "": ({"id", "version", "title"}, {"description", "levels", "areas", "skills",
                                       "milestones", "certifications", "format"}),
    "levels": ({"id", "rank", "title"}, {"focus", "experience", "salary", "threshold"}),
    "areas": ({"id", "title"}, {"description"}),
    "skills": ({"id", "area", "title"}, {"description"}),
    "milestones": ({"id", "skill", "level", "title"}, {"description", "weight", "core",
                                                       "requires"}),
    "certifications": ({"id", "name", "issuer"}, {"skills", "level", "url"}),
}
# What format 2 adds to each table.
_KEYS_2 = {
    "": {"choices"},
    "levels": {"own_threshold"},
    "milestones": {"elective", "replaces"},
    "certifications": {"status", "retired_on", "replaced_by", "last_verified"},
    "choices": {"id", "skill", "level", "title", "options", "description", "weight", "core",
                "pick"},
}
_REQUIRED_2 = {"choices": {"id", "skill", "level", "title", "options"}}


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
        self.format = 1

    def place(self, kind: str, index: int, ident: object = None) -> str:
        where = f"{kind}[{index}]"
        lines = self.headers.get(kind)
        if lines and index < len(lines):
            where = f"line {lines[index]}, {where}"
        if isinstance(ident, str) and ident:
            where += f" {_show(ident, MAX_ID + 2)}"  # a valid id whole, a hostile one cut
        return where

    def add(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def keys(self, kind: str, place: str, table: dict[str, Any]) -> None:
        required, optional = _KEYS.get(kind, (_REQUIRED_2.get(kind, set()), set()))
        if self.format >= 2:
            optional = optional | _KEYS_2.get(kind, set())
        for key in sorted(required - table.keys()):
            self.add(place, f"missing required key {key!r}")
        for key in sorted(table.keys() - required - optional, key=_show):  # any type
            self.add(place, f"unknown key {_show(key)}")

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
        if not isinstance(value, str) or not pattern.fullmatch(value) or len(value) > MAX_ID:
            dotted = ", dot-separated" if pattern is MILESTONE_ID else ""
            self.add(place, f"{key} {_show(value)} is not a valid {what} (lowercase letters, "
                     f"digits and hyphens{dotted})")
            return ""
        return value

    def weight_and_core(self, place: str, table: dict[str, Any]) -> tuple[int, bool]:
        """A milestone's or a choice's ``weight`` (1 to MAX_WEIGHT, default 1) and ``core``
        (default false); a wrong value is a problem and its default is used."""
        weight = table.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
            self.add(place, f"weight must be a whole number from 1 to {MAX_WEIGHT}, "
                     f"got {_show(weight)}")
            weight = 1
        core = table.get("core", False)
        if not isinstance(core, bool):
            self.add(place, f"core must be true or false, got {_show(core)}")
            core = False
        return weight, core

    def id_list(self, place: str, table: dict[str, Any], key: str, what: str) -> list[str]:
        """An optional list of ids (``requires``, ``replaces``, a choice's ``options``, a
        certification's ``skills``); anything else is a problem and reads as no ids."""
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(place, f"{key} must be a list of {what} ids")
            return []
        return value

    def ref(self, place: str, table: dict[str, Any], key: str, known: dict[str, str],
            what: str) -> str:
        """An id that must name something declared earlier in the pack (type first: a
        list or table is unhashable, so it is never looked up)."""
        if key not in table:
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.add(place, f"{key} must be a{'n' if what[0] in 'aeiou' else ''} {what} id "
                     f"(a string), got {_kind(value)}")
            return ""
        if value not in known:
            self.add(place, f"unknown {what} {_show(value)}")
        return value


def _show(value: object, limit: int = 80) -> str:
    """A value from the pack as shown in a problem: its repr, cut to ``limit`` characters
    (a hostile pack's value can be megabytes long, and it could appear in many problems)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int over the digit limit, deep nesting
        return "(a value too large to show)"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _kind(value: object) -> str:
    """What a TOML/JSON value is, in the words of a pack's author."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "nothing" if value is None else type(value).__name__


def _sha256_json(data: object) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def parse_pack(data: object, source: str = "pack", *,
               headers: dict[str, list[int]] | None = None) -> Curriculum:
    """Validate pack data (the TOML/JSON shape) and build a :class:`Curriculum`."""
    c = _Checker(headers)
    if not isinstance(data, dict):
        raise CurriculumError(source, [Problem("", "a pack must be a table/object at the top")])
    fmt = data.get("format", 1)
    if fmt not in FORMATS or isinstance(fmt, bool):
        if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > max(FORMATS):
            c.add("top level", f"format {fmt} is newer than this app reads "
                  f"(format {max(FORMATS)}); update the app to use this pack")
        else:
            c.add("top level", f"format must be 1 or 2, got {_show(fmt)}")
        fmt = max(FORMATS) if isinstance(fmt, int) and not isinstance(fmt, bool) else 1
    c.format = fmt
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
                c.add(place, f"rank must be a whole number from 1 to 99, got {_show(rank)}")
            rank = 0
        elif rank in ranks:
            c.add(place, f"rank {rank} is already used by {ranks[rank]}")
        else:
            ranks[rank] = lid
        threshold = t.get("threshold", 80)
        # compared, never converted first: float() of a 400-digit integer overflows; NaN
        # fails every comparison
        if (not isinstance(threshold, (int, float)) or isinstance(threshold, bool)
                or not 0 <= threshold <= 100):
            c.add(place, f"threshold must be a percent from 0 to 100, got {_show(threshold)}")
            threshold = 80
        own_threshold = t.get("own_threshold")
        if own_threshold is not None and (
                not isinstance(own_threshold, (int, float)) or isinstance(own_threshold, bool)
                or not 0 <= own_threshold <= 100):
            c.add(place, f"own_threshold must be a percent from 0 to 100, "
                  f"got {_show(own_threshold)}")
            own_threshold = None
        salary = t.get("salary")
        if salary is not None and not isinstance(salary, str):
            c.add(place, "salary must be a string")
            salary = None
        levels.append(Level(
            id=lid, rank=rank,
            title=c.text(place, t, "title", required=True, limit=MAX_TITLE),
            focus=c.text(place, t, "focus", required=False, limit=MAX_TEXT),
            experience=c.text(place, t, "experience", required=False, limit=MAX_TITLE),
            salary=salary, threshold=float(threshold),
            own_threshold=None if own_threshold is None else float(own_threshold)))
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
        area = c.ref(place, t, "area", seen_areas, "area")
        skills.append(Skill(sid, area,
                            c.text(place, t, "title", required=True, limit=MAX_TITLE),
                            c.text(place, t, "description", required=False, limit=MAX_TEXT)))

    # milestones
    milestones: list[Milestone] = []
    seen_ms: dict[str, str] = {}
    ms_places: dict[str, str] = {}
    explicit: dict[str, tuple[bool, bool]] = {}  # (weight given, core = true) per id
    for place, t in tables("milestones"):
        mid = c.ident(place, t, "id", MILESTONE_ID, "milestone id")
        unique("milestone", place, mid, seen_ms)
        ms_places.setdefault(mid, place)
        skill = c.ref(place, t, "skill", seen_skills, "skill")
        level = c.ref(place, t, "level", seen_levels, "level")
        weight, core = c.weight_and_core(place, t)
        requires = c.id_list(place, t, "requires", "milestone")
        elective = t.get("elective", False)
        if not isinstance(elective, bool):
            c.add(place, f"elective must be true or false, got {_show(elective)}")
            elective = False
        replaces = c.id_list(place, t, "replaces", "milestone")
        for r in replaces:
            if not MILESTONE_ID.fullmatch(r) or len(r) > MAX_ID:
                c.add(place, f"replaces {_show(r)}: not a valid milestone id")
        if elective and core:
            c.add(place, "a milestone cannot be both core and elective")
        explicit[mid] = (weight != 1, core is True)
        milestones.append(Milestone(
            id=mid, skill=skill, level=level,
            title=c.text(place, t, "title", required=True, limit=MAX_TITLE),
            description=c.text(place, t, "description", required=False, limit=MAX_TEXT),
            weight=weight, core=core, requires=tuple(requires), elective=elective,
            replaces=tuple(replaces)))

    for m in milestones:
        for r in m.requires:
            if r == m.id:
                c.add(ms_places.get(m.id, "milestones"), "a milestone cannot require itself")
            elif r not in seen_ms:
                c.add(ms_places.get(m.id, "milestones"),
                      f"requires unknown milestone {_show(r)}")
    graph, tangles = _tangles(milestones)
    for members in tangles[:MAX_CYCLES_LISTED]:
        cycle = _cycle_through(graph, members)
        c.add(ms_places.get(cycle[0], "milestones"), _cycle_message(cycle, len(members)))
    if len(tangles) > MAX_CYCLES_LISTED:
        more = len(tangles) - MAX_CYCLES_LISTED
        c.add("milestones", f"and {more} more cycle{'s' if more != 1 else ''} in requires "
              f"({sum(len(t) for t in tangles[MAX_CYCLES_LISTED:])} milestones); "
              "fix the ones above and check again")

    # replaces: the ids of older milestones, none of them still in the pack
    replaced_by: dict[str, str] = {}
    for m in milestones:
        for r in m.replaces:
            if r in seen_ms:
                c.add(ms_places.get(m.id, "milestones"),
                      f"replaces {_show(r)}, which is still in the pack")
            elif r in replaced_by and replaced_by[r] != m.id:
                c.add(ms_places.get(m.id, "milestones"),
                      f"replaces {_show(r)}, already replaced by {replaced_by[r]!r}")
            else:
                replaced_by[r] = m.id

    # choices: one requirement any `pick` of its options satisfy
    choices: list[Choice] = []
    seen_choices: dict[str, str] = {}
    option_of: dict[str, str] = {}
    by_id = {m.id: m for m in milestones}
    for place, t in (tables("choices") if c.format >= 2 else []):
        chid = c.ident(place, t, "id", MILESTONE_ID, "choice id")
        unique("choice", place, chid, seen_choices)
        if chid and chid in seen_ms:
            c.add(place, f"choice id {chid!r} is also a milestone id")
        skill = c.ref(place, t, "skill", seen_skills, "skill")
        level = c.ref(place, t, "level", seen_levels, "level")
        weight, core = c.weight_and_core(place, t)
        options = c.id_list(place, t, "options", "milestone")
        if "options" in t and len(options) < 2:
            c.add(place, "a choice needs at least two options")
        pick = t.get("pick", 1)
        if (not isinstance(pick, int) or isinstance(pick, bool)
                or not 1 <= pick <= max(1, len(options))):
            c.add(place, f"pick must be a whole number from 1 to the number of options "
                  f"({len(options)}), got {_show(pick)}")
            pick = 1
        for o in options:
            if o not in by_id:
                c.add(place, f"unknown option milestone {_show(o)}")
                continue
            m = by_id[o]
            if o in option_of:
                c.add(place, f"option {o!r} is already an option of choice {option_of[o]!r}")
            option_of[o] = chid
            if level and m.level != level:
                c.add(place, f"option {o!r} is at level {m.level!r}, the choice at {level!r}")
            if m.elective:
                c.add(place, f"option {o!r} is elective; an option cannot be")
            weight_given, core_given = explicit.get(o, (False, False))
            if weight_given or core_given:
                c.add(ms_places.get(o, place), "an option of a choice has no weight or core "
                      "flag of its own (the choice has them)")
        choices.append(Choice(
            id=chid, skill=skill, level=level,
            title=c.text(place, t, "title", required=True, limit=MAX_TITLE),
            description=c.text(place, t, "description", required=False, limit=MAX_TEXT),
            options=tuple(options), weight=weight, core=core, pick=pick))

    own = {lv.id: 0 for lv in levels}
    for m in milestones:
        if m.level in own and not m.elective and m.id not in option_of:
            own[m.level] += 1
    for ch in choices:
        if ch.level in own:
            own[ch.level] += 1
    for i, lv in enumerate(levels):
        if lv.id and own.get(lv.id) == 0:
            c.add(c.place("levels", i, lv.id), "level has no milestones of its own"
                  + (" (electives and options do not count)" if c.format >= 2 else ""))
    if "milestones" in data and not milestones and isinstance(data.get("milestones"), list):
        c.add("milestones", "a pack needs at least one milestone")

    # certification catalog
    certs: list[CatalogCertification] = []
    seen_certs: dict[str, str] = {}
    for place, t in tables("certifications"):
        cid = c.ident(place, t, "id", SLUG, "certification id")
        unique("certification", place, cid, seen_certs)
        cskills = c.id_list(place, t, "skills", "skill")
        for s in cskills:
            if s not in seen_skills:
                c.add(place, f"unknown skill {_show(s)}")
        cert_level: str | None = c.ref(place, t, "level", seen_levels, "level") or None
        url = t.get("url")
        if url is not None and (not isinstance(url, str)
                                or not re.match(r"^https?://[^\s/$.?#][^\s]*$", url)):
            c.add(place, f"url must be an http(s) address, got {_show(url)}")
            url = None
        status = t.get("status", "active")
        if status not in ("active", "retired"):
            c.add(place, f"status must be \"active\" or \"retired\", got {_show(status)}")
            status = "active"
        days: dict[str, str | None] = {}
        for key in ("retired_on", "last_verified"):
            days[key] = _day(c, place, t, key)
        if status == "retired" and days["retired_on"] is None:
            c.add(place, "a retired certification needs retired_on (YYYY-MM-DD)")
        if status == "active" and days["retired_on"] is not None:
            c.add(place, "retired_on is set but status is not \"retired\"")
        replaced = t.get("replaced_by")
        if replaced is not None and not isinstance(replaced, str):
            c.add(place, f"replaced_by must be a certification id, got {_kind(replaced)}")
            replaced = None
        certs.append(CatalogCertification(
            id=cid, name=c.text(place, t, "name", required=True, limit=MAX_TITLE),
            issuer=c.text(place, t, "issuer", required=True, limit=MAX_TITLE),
            skills=tuple(cskills), level=cert_level, url=url, status=status,
            retired_on=days["retired_on"], replaced_by=replaced,
            last_verified=days["last_verified"]))
    for i, cert in enumerate(certs):
        if cert.replaced_by is not None and cert.replaced_by not in seen_certs:
            c.add(c.place("certifications", i, cert.id),
                  f"replaced_by names unknown certification {_show(cert.replaced_by)}")

    if c.problems:
        raise CurriculumError(source, c.problems)
    cur = Curriculum(
        id=pack_id, version=version, title=title, description=description,
        levels=tuple(sorted(levels, key=lambda lv: lv.rank)), areas=tuple(areas),
        skills=tuple(skills), milestones=tuple(milestones), certifications=tuple(certs),
        choices=tuple(choices), format=c.format)
    object.__setattr__(cur, "content_hash", _sha256_json(cur.to_dict()))
    return cur


def _day(c: _Checker, place: str, t: dict[str, Any], key: str) -> str | None:
    """A YYYY-MM-DD date (a TOML date or a string), as text; None when absent or bad."""
    import datetime as _dt

    value = t.get(key)
    if value is None:
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and DAY.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    c.add(place, f"{key} must be a date (YYYY-MM-DD), got {_show(value)}")
    return None


def _tangles(milestones: list[Milestone]) -> tuple[dict[str, list[str]], list[list[str]]]:
    """The ``requires`` graph, and every set of milestones that require each other in a
    loop (a strongly connected component of two or more), each in file order.

    Tarjan's algorithm, iterative (a ring as long as the pack needs no recursion), linear
    in milestones + requires: a cycle is reported once per strongly connected component,
    never once per back edge (a path copy per back edge was quadratic: 1.4 GB for an
    814 KB pack). Self-requires are reported elsewhere; unknown ids are skipped here.
    """
    order: dict[str, int] = {}
    graph: dict[str, list[str]] = {}
    for i, m in enumerate(milestones):
        order.setdefault(m.id, i)
        graph[m.id] = [r for r in m.requires if r != m.id]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(graph[root]))]
        while work:
            node, nexts = work[-1]
            for nxt in nexts:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        members.append(w)
                        if w == node:
                            break
                    if len(members) > 1:
                        found.append(sorted(members, key=order.__getitem__))
    found.sort(key=lambda t: order[t[0]])
    return graph, found


def _cycle_through(graph: dict[str, list[str]], tangle: list[str]) -> list[str]:
    """One shortest cycle through the tangle's first milestone (breadth first, inside the
    tangle only), as ids from that milestone round to the last before it again."""
    start = tangle[0]
    inside = set(tangle)
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return path[::-1]
                if nxt in inside and nxt not in parent:
                    parent[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]  # unreachable: every member of a tangle lies on a cycle


def _cycle_message(cycle: list[str], members: int) -> str:
    ids = cycle + [cycle[0]]
    if len(ids) > MAX_CYCLE_SHOWN:
        half = MAX_CYCLE_SHOWN // 2
        shown = (" -> ".join(ids[:half]) + f" -> ... ({len(ids) - 2 * half} more) -> "
                 + " -> ".join(ids[-half:]))
    else:
        shown = " -> ".join(ids)
    text = f"requires form a cycle: {shown}"
    if members > len(cycle):
        text += f" ({members} milestones in all require each other in loops here)"
    return text


def parse_toml_text(text: str, source: str = "pack") -> Curriculum:
    import tomllib

    try:
        data = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer over Python's digit limit
        raise CurriculumError(source, [Problem("", f"not valid TOML: {exc}")]) from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise CurriculumError(source, [Problem("", "not valid TOML: nested too deeply")]) \
            from None
    return parse_pack(data, source, headers=_header_lines(text))


def load_pack(path: str | Path) -> Curriculum:
    """Read and validate a TOML pack file. Raises CurriculumError for any problem (a FIFO
    or device file is refused without being opened)."""
    p = Path(path)
    return parse_pack_bytes(read_pack_bytes(p), p.name)


def read_pack_bytes(path: str | Path) -> bytes:
    """The bytes of a pack file, at most 5 MB. CurriculumError when it is missing,
    unreadable, too large or not a regular file: a FIFO, a device or a folder is refused
    before it is opened (a FIFO would block, /dev/zero never ends); symlinks are followed
    to what they name, which must be a regular file too."""
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
    return raw


def parse_pack_bytes(raw: bytes, source: str = "pack") -> Curriculum:
    """Validate a pack file's bytes (UTF-8 TOML, a BOM allowed)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CurriculumError(source, [Problem("", "not UTF-8 text")]) from None
    return parse_toml_text(text, source)
