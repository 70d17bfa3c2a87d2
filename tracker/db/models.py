"""SQLAlchemy 2 typed models: the schema that Alembic migrations build.

Timestamps are ISO-8601 UTC strings ending in ``Z`` and dates are ``YYYY-MM-DD`` strings, so
the file reads the same from any SQLite tool. Curriculum rows are never deleted: a row that
leaves the pack gets ``active = 0`` (retired) and keeps its history.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Meta(Base):
    """Key/value facts about this database (active pack, its hash, last backup...)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LevelRow(Base):
    __tablename__ = "level"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    focus: Mapped[str] = mapped_column(Text, default="")
    experience: Mapped[str] = mapped_column(Text, default="")
    salary: Mapped[str | None] = mapped_column(Text, nullable=True)
    threshold: Mapped[float] = mapped_column(Float, default=80.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    own_threshold: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0002


class AreaRow(Base):
    __tablename__ = "area"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SkillRow(Base):
    __tablename__ = "skill"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("area.id"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MilestoneRow(Base):
    __tablename__ = "milestone"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id"))
    level_id: Mapped[str] = mapped_column(ForeignKey("level.id"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    core: Mapped[bool] = mapped_column(Boolean, default=False)
    requires: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of ids
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 0002 (pack format 2)
    elective: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    replaces: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class ChoiceRow(Base):
    """A "one of" requirement (pack format 2): done when ``pick`` of ``options`` are done."""

    __tablename__ = "choice"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id"))
    level_id: Mapped[str] = mapped_column(ForeignKey("level.id"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    core: Mapped[bool] = mapped_column(Boolean, default=False)
    options: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of milestone ids
    pick: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CatalogRow(Base):
    """The pack's certification catalog."""

    __tablename__ = "catalog_certification"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    skills: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of skill ids
    level_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 0002: the issuer's status of the certification
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    retired_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    replaced_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    last_verified: Mapped[str | None] = mapped_column(String(10), nullable=True)


class ProgressRow(Base):
    """The current state of a milestone (absent means todo)."""

    __tablename__ = "progress"
    milestone_id: Mapped[str] = mapped_column(ForeignKey("milestone.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="todo")
    updated_at: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


class ProgressEventRow(Base):
    """Append-only history of state changes (pace, timelines, undo)."""

    __tablename__ = "progress_event"
    __table_args__ = (Index("ix_progress_event_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    milestone_id: Mapped[str] = mapped_column(ForeignKey("milestone.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    previous_state: Mapped[str] = mapped_column(String(16))
    at: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="app")


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    milestone_id: Mapped[str] = mapped_column(ForeignKey("milestone.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String(32))


class ProfileRow(Base):
    __tablename__ = "profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    target_level: Mapped[str | None] = mapped_column(String(120), nullable=True)
    experience_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[str] = mapped_column(String(32))
    stack: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # 0002: JSON


class CertificationRow(Base):
    """A certification the learner holds."""

    __tablename__ = "certification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    earned: Mapped[str] = mapped_column(String(10))
    expires: Mapped[str | None] = mapped_column(String(10), nullable=True)
    credential_id: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    catalog_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))


class StudySessionRow(Base):
    __tablename__ = "study_session"
    __table_args__ = (Index("ix_study_session_day", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer)
    skill_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(32))


class ReviewRow(Base):
    """A mentor's verdict on a milestone, imported from a review file."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    milestone_id: Mapped[str] = mapped_column(String(120), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[str] = mapped_column(String(32))
    progress_digest: Mapped[str] = mapped_column(String(64), default="")
