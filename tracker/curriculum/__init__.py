"""Curriculum packs: TOML -> validated frozen dataclasses. Qt-free."""

from tracker.curriculum.loader import CurriculumError, Problem, load_pack, parse_pack
from tracker.curriculum.model import (
    Area,
    CatalogCertification,
    Curriculum,
    Level,
    Milestone,
    Skill,
)

__all__ = [
    "Area", "CatalogCertification", "Curriculum", "CurriculumError", "Level", "Milestone",
    "Problem", "Skill", "load_pack", "parse_pack",
]
