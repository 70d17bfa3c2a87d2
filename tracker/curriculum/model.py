"""The curriculum as plain frozen dataclasses: what every other layer reads.

Pure Python, no Qt, no SQLAlchemy; safe to share between threads (everything is immutable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    rank: int
    title: str
    focus: str = ""
    experience: str = ""
    salary: str | None = None
    threshold: float = 80.0
    own_threshold: float | None = None  # percent over the level's own units; None: threshold

    @property
    def own_needed(self) -> float:
        return self.threshold if self.own_threshold is None else self.own_threshold


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    area: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    skill: str
    level: str
    title: str
    description: str = ""
    weight: int = 1
    core: bool = False
    requires: tuple[str, ...] = ()
    elective: bool = False
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    """One requirement that ``pick`` of its ``options`` (milestone ids of its level)
    satisfy: the cloud, the deep-learning framework, online serving or batch scoring."""

    id: str
    skill: str
    level: str
    title: str
    options: tuple[str, ...]
    description: str = ""
    weight: int = 1
    core: bool = False
    pick: int = 1


@dataclass(frozen=True, slots=True)
class CatalogCertification:
    id: str
    name: str
    issuer: str
    skills: tuple[str, ...] = ()
    level: str | None = None
    url: str | None = None
    status: str = "active"  # or "retired" (by its issuer)
    retired_on: str | None = None
    replaced_by: str | None = None
    last_verified: str | None = None

    @property
    def retired(self) -> bool:
        return self.status == "retired"


@dataclass(frozen=True)
class Curriculum:
    """A validated pack. Levels are in rank order; other tuples keep the file's order."""

    id: str
    version: str
    title: str
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    skills: tuple[Skill, ...]
    milestones: tuple[Milestone, ...]
    certifications: tuple[CatalogCertification, ...] = ()
    description: str = ""
    choices: tuple[Choice, ...] = ()
    format: int = 1
    content_hash: str = field(default="", compare=False)

    @cached_property
    def level_by_id(self) -> dict[str, Level]:
        return {lv.id: lv for lv in self.levels}

    @cached_property
    def area_by_id(self) -> dict[str, Area]:
        return {a.id: a for a in self.areas}

    @cached_property
    def skill_by_id(self) -> dict[str, Skill]:
        return {s.id: s for s in self.skills}

    @cached_property
    def milestone_by_id(self) -> dict[str, Milestone]:
        return {m.id: m for m in self.milestones}

    @cached_property
    def choice_by_id(self) -> dict[str, Choice]:
        return {ch.id: ch for ch in self.choices}

    @cached_property
    def choice_of(self) -> dict[str, Choice]:
        """The choice each option milestone belongs to (keyed by milestone id)."""
        return {o: ch for ch in self.choices for o in ch.options}

    @cached_property
    def heir_of(self) -> dict[str, str]:
        """The milestone of this pack that inherits each retired id through ``replaces``
        (old id -> new id), so progress, evidence and verdicts on an old id carry over."""
        return {r: m.id for m in self.milestones for r in m.replaces}

    @cached_property
    def certification_by_id(self) -> dict[str, CatalogCertification]:
        return {c.id: c for c in self.certifications}

    def area_of(self, milestone: Milestone) -> str:
        return self.skill_by_id[milestone.skill].area

    def rank(self, level_id: str) -> int:
        return self.level_by_id[level_id].rank

    def counts(self) -> dict[str, int]:
        return {
            "levels": len(self.levels),
            "areas": len(self.areas),
            "skills": len(self.skills),
            "milestones": len(self.milestones),
            "certifications": len(self.certifications),
            "choices": len(self.choices),
            "electives": sum(1 for m in self.milestones if m.elective),
        }

    def to_dict(self) -> dict[str, object]:
        """The pack as plain JSON-able data (the shape of the TOML file)."""

        def level(lv: Level) -> dict[str, object]:
            d: dict[str, object] = {
                "id": lv.id, "rank": lv.rank, "title": lv.title, "focus": lv.focus,
                "experience": lv.experience, "threshold": lv.threshold,
            }
            if lv.salary is not None:
                d["salary"] = lv.salary
            if lv.own_threshold is not None:
                d["own_threshold"] = lv.own_threshold
            return d

        def cert(c: CatalogCertification) -> dict[str, object]:
            d: dict[str, object] = {"id": c.id, "name": c.name, "issuer": c.issuer,
                                    "skills": list(c.skills)}
            if c.level is not None:
                d["level"] = c.level
            if c.url is not None:
                d["url"] = c.url
            if two:
                d["status"] = c.status
                for key in ("retired_on", "replaced_by", "last_verified"):
                    if getattr(c, key) is not None:
                        d[key] = getattr(c, key)
            return d

        def milestone(m: Milestone) -> dict[str, object]:
            d: dict[str, object] = {
                "id": m.id, "skill": m.skill, "level": m.level, "title": m.title,
                "description": m.description, "weight": m.weight, "core": m.core,
                "requires": list(m.requires)}
            if two:
                d["elective"] = m.elective
                d["replaces"] = list(m.replaces)
            return d

        # A format-1 pack keeps exactly its format-1 shape (and so its content hash).
        two = self.format >= 2
        out: dict[str, object] = {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "levels": [level(lv) for lv in self.levels],
            "areas": [{"id": a.id, "title": a.title, "description": a.description}
                      for a in self.areas],
            "skills": [{"id": s.id, "area": s.area, "title": s.title,
                        "description": s.description} for s in self.skills],
            "milestones": [milestone(m) for m in self.milestones],
            "certifications": [cert(c) for c in self.certifications],
        }
        if two:
            out["format"] = self.format
            out["choices"] = [
                {"id": ch.id, "skill": ch.skill, "level": ch.level, "title": ch.title,
                 "description": ch.description, "weight": ch.weight, "core": ch.core,
                 "options": list(ch.options), "pick": ch.pick}
                for ch in self.choices]
        return out
