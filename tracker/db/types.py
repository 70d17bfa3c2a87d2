"""Plain dataclasses the Store hands out: no live ORM objects ever leave tracker.db."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.curriculum.model import Curriculum
from tracker.readiness import StateChange


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = ""
    target_level: str | None = None
    experience_years: float | None = None
    # The learner's stack: (choice or stack key, option word) pairs, sorted, e.g.
    # (("cloud", "gcp"), ("serving", "batch")). Names which option a choice gap suggests.
    stack: tuple[tuple[str, str], ...] = ()

    @property
    def stack_map(self) -> dict[str, str]:
        return dict(self.stack)

    def to_dict(self, *, with_stack: bool = False) -> dict[str, object]:
        d: dict[str, object] = {"name": self.name, "target_level": self.target_level,
                                "experience_years": self.experience_years}
        if with_stack:
            d["stack"] = dict(self.stack)
        return d


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    milestone: str
    state: str
    updated_at: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    milestone: str
    text: str
    added_at: str


#: meta key prefix of a certification's signature check: "cert_verification:ID" ->
#: "STATE [KEY_ID]" (a meta row, so no schema migration was needed).
CERT_VERIFICATION_PREFIX = "cert_verification:"


@dataclass(frozen=True, slots=True)
class Certification:
    id: int
    name: str
    issuer: str
    earned: str
    expires: str | None = None
    credential_id: str = ""
    url: str = ""
    catalog_id: str | None = None
    source: str = "manual"
    verified: bool = False
    raw: str | None = None
    created_at: str = ""
    # The signature check (tracker.exchange.credential_verify): "verified",
    # "invalid-signature", "unverifiable-offline", "unsigned", or "" when none was recorded
    # (entered by hand, or imported before signatures were checked); see
    # credential_verify.stored_state. key_id: the issuer's key when verified.
    verification: str = ""
    key_id: str = ""


def stored_state(verification: str, key_id: str, raw: str | None) -> tuple[str, str]:
    """(state, key id) of a stored certification: the signature check recorded when it was
    imported; without one (entered by hand, or imported before signatures were checked)
    "unsigned", or "unverifiable-offline" when it carries a proof. (Also
    tracker.exchange.credential_verify.stored_state.)"""
    if verification in ("verified", "invalid-signature", "unverifiable-offline", "unsigned"):
        return verification, key_id if verification == "verified" else ""
    if raw and ('"proof":' in raw or '"signature":' in raw):
        return "unverifiable-offline", ""
    return "unsigned", ""


@dataclass(frozen=True, slots=True)
class CertificationInput:
    """What a form or the CLI supplies; validated by the Store."""

    name: str
    issuer: str
    earned: str
    expires: str | None = None
    credential_id: str = ""
    url: str = ""
    catalog_id: str | None = None
    source: str = "manual"
    verified: bool = False
    raw: str | None = None
    # An imported credential's signature check (tracker.exchange.credential_verify):
    # its state and the issuer's key id, kept beside the row when it is added.
    verification: str = ""
    key_id: str = ""


@dataclass(frozen=True, slots=True)
class StudySession:
    id: int
    day: str
    minutes: int
    skill: str | None = None
    note: str = ""
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    milestone: str
    verdict: str
    comment: str
    reviewer: str
    reviewed_at: str
    imported_at: str = ""
    progress_digest: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "comment": self.comment, "reviewer": self.reviewer,
                "reviewed_at": self.reviewed_at}


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    reactivated: tuple[str, ...] = ()
    changed: bool = False
    carried: tuple[str, ...] = ()  # milestones that inherited progress through `replaces`


@dataclass(frozen=True)
class Snapshot:
    """Everything a report, an export or a page needs, read in one transaction."""

    curriculum: Curriculum
    profile: Profile
    progress: dict[str, ProgressEntry]
    certifications: tuple[Certification, ...]
    study_sessions: tuple[StudySession, ...]
    reviews: dict[str, Review]
    evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)
    history: tuple[StateChange, ...] = ()

    @property
    def states(self) -> dict[str, str]:
        return {k: v.state for k, v in self.progress.items()}
