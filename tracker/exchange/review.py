"""Review files: a mentor's verdicts on one progress file, written by the mentor and
imported by the learner. Pure, no Qt, no database of its own (an import plan reads the
learner's Store through its public methods); any thread.

Importing is one use case with two faces (``import-review`` and the GUI's Import Mentor
Review): :func:`plan_import` checks a review against the learner's data before anything is
stored. It refuses a review for another learner and one dated in the future (it would
hide every real review made before that date), and flags a review whose
``progress_digest`` names no export this app made (``other_export``): the CLI then wants
``--any-export``, the GUI a confirmation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracker.curriculum.model import Curriculum
from tracker.db.errors import InputError
from tracker.db.types import Review
from tracker.exchange import safe_json
from tracker.exchange.digest import document_digest, with_integrity
from tracker.exchange.models import (
    FORMAT_VERSION,
    REVIEW_FORMAT,
    ReviewFile,
    VerdictItem,
    validation_message,
)
from tracker.exchange.progress import ProgressReading, iso_now
from tracker.exchange.safe_json import LoadError
from tracker.exchange.signing import UNSIGNED, SignatureCheck, check_signature, describe, trust

SUFFIX = ".mlops-review.json"
# How far ahead of this computer's clock a review's time may be (two clocks never agree
# exactly). Beyond it the import is refused: the newest verdict wins, so a review from the
# future would shadow every real one until that date. A review refused for a few minutes'
# skew imports fine once that time has passed.
CLOCK_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class ReviewReading:
    source: str
    document: ReviewFile
    raw: dict[str, Any] = field(repr=False)
    digest: str = ""
    integrity: str = "ok"
    signature: SignatureCheck = SignatureCheck(UNSIGNED)

    @property
    def reviewer(self) -> str:
        return self.document.reviewer.name

    def reviews(self) -> list[Review]:
        """The verdicts as Store reviews (for ``Store.add_reviews``)."""
        d = self.document
        return [Review(v.milestone, v.verdict, v.comment, d.reviewer.name, d.reviewed_at,
                       "", d.progress_digest) for v in d.verdicts]

    def split_known(self, cur: Curriculum) -> tuple[list[Review], list[str]]:
        """(reviews of milestones ``cur`` knows, ids it does not know). A verdict on an id
        that ``cur`` replaced (``replaces``) goes to the milestone that replaced it, unless
        the review also judges that milestone itself."""
        known: list[Review] = []
        unknown: list[Review] = []
        reviews = self.reviews()
        judged = {r.milestone for r in reviews}
        for r in reviews:
            if r.milestone in cur.milestone_by_id:
                known.append(r)
            elif cur.heir_of.get(r.milestone) in cur.milestone_by_id \
                    and cur.heir_of[r.milestone] not in judged:
                known.append(dc_replace(r, milestone=cur.heir_of[r.milestone]))
            else:
                unknown.append(r)
        return known, [r.milestone for r in unknown]


@dataclass(frozen=True)
class ImportPlan:
    """What importing ``reading`` would add; nothing is stored until the caller calls
    ``store.import_reviews(plan.fresh)``. ``other_export`` is "" for a review of an export
    this app made, else one line to show before asking whether to import anyway."""

    reading: ReviewReading
    fresh: list[Review]       # new verdicts (those already imported are left out)
    known: int                # verdicts on milestones of the learner's curriculum
    unknown: list[str]        # milestone ids the curriculum does not know (skipped)
    other_export: str = ""
    exported_at: str = ""     # when the reviewed file was exported, if it was ours
    signature: str = UNSIGNED  # signed | other-key | invalid | unsigned (see signing.py)

    @property
    def public_key(self) -> str:
        return self.reading.signature.public_key

    def signature_text(self) -> str:
        """One plain line: who signed with which key, or why it is not verified."""
        return describe(self.signature, self.reading.reviewer,
                        self.reading.signature.fingerprint)


def plan_import(store: Any, reading: ReviewReading, *, now: datetime | None = None
                ) -> ImportPlan:
    """Check ``reading`` against the learner's ``store`` (read only); InputError, nothing
    stored, for a review of another learner or one dated in the future."""
    doc = reading.document
    now = now or datetime.now(UTC)
    reviewed = datetime.fromisoformat(doc.reviewed_at.replace("Z", "+00:00"))
    if reviewed.tzinfo is None:
        reviewed = reviewed.replace(tzinfo=UTC)
    if reviewed > now + CLOCK_SKEW:
        raise InputError(
            f"this review is dated {doc.reviewed_at[:40]}, later than "
            f"now on this computer ({now.astimezone(UTC):%Y-%m-%d %H:%M} UTC); a review from "
            "the future would hide every later one, so nothing was imported. Check the date "
            "and time on the mentor's computer (or on this one)")
    mine = store.profile().name.strip()
    theirs = doc.learner.name.strip()
    if mine and theirs and mine.casefold() != theirs.casefold():
        raise InputError(f"this review is for {theirs!r}, but your profile name is "
                         f"{mine!r}; nothing was imported")
    from tracker.db.reader import export_key

    exported_at = store.meta(export_key(doc.progress_digest)) or ""
    other = "" if exported_at else (
        f"this review is for a progress file this app never exported (digest "
        f"{doc.progress_digest[:12]}...), so it may be about someone else's progress")
    known, unknown = reading.split_known(store.curriculum())
    existing = store.reviews()
    fresh = [r for r in known if not (
        r.milestone in existing and existing[r.milestone].to_dict() == r.to_dict())]
    state = trust(reading.signature, reading.reviewer, store.reviewer_keys()) \
        if hasattr(store, "reviewer_keys") else reading.signature.state
    return ImportPlan(reading, fresh, len(known), unknown, other, exported_at, state)


def read_review_bytes(data: bytes | str, source: str = "review file") -> ReviewReading:
    value = safe_json.loads(data, source)
    safe_json.check_format(value, source, REVIEW_FORMAT, FORMAT_VERSION, "a review file")
    try:
        doc = ReviewFile.model_validate(value)
    except ValidationError as exc:
        raise LoadError(validation_message(exc, source)) from None
    digest = document_digest(value)
    return ReviewReading(source, doc, value, digest,
                         "ok" if digest == doc.integrity.digest else "modified",
                         check_signature(value))


def read_review_file(path: str | Path) -> ReviewReading:
    """Read a ``*.mlops-review.json`` file; :class:`LoadError` for every problem."""
    p = Path(path)
    return read_review_bytes(safe_json.read_limited(p), p.name)


def parse_verdict_arg(text: str) -> tuple[str, str, str]:
    """``ID=verified[:comment]`` or ``ID=needs-work[:comment]`` (the CLI's --verdict)."""
    mid, sep, rest = text.partition("=")
    verdict, _, comment = rest.partition(":")
    if not sep or not mid.strip() or verdict.strip() not in ("verified", "needs-work"):
        raise InputError(f"--verdict must look like ID=verified:comment or "
                         f"ID=needs-work:comment, got {text[:80]!r}")
    return mid.strip(), verdict.strip(), comment.strip()


def build_review_document(reading: ProgressReading,
                          verdicts: Iterable[tuple[str, str, str]] | Mapping[str, Any],
                          reviewer: str, *, now: datetime | None = None) -> dict[str, Any]:
    """A review document for the progress file ``reading``: ``verdicts`` are
    (milestone, verdict, comment); the last one given for a milestone wins. Raises
    InputError naming the first problem (unknown milestone, bad name, ...)."""
    items: dict[str, dict[str, str]] = {}
    pairs = verdicts.items() if isinstance(verdicts, Mapping) else verdicts
    for entry in pairs:
        mid, verdict, comment = entry if len(entry) == 3 else (entry[0], *entry[1])
        if mid not in reading.curriculum.milestone_by_id:
            raise InputError(f"milestone {mid!r} is not in {reading.source}'s curriculum")
        items[mid] = {"milestone": mid, "verdict": verdict, "comment": comment}
    if not items:
        raise InputError("a review needs at least one verdict")
    order = {m.id: i for i, m in enumerate(reading.curriculum.milestones)}
    doc = with_integrity({
        "format": REVIEW_FORMAT,
        "format_version": FORMAT_VERSION,
        "reviewed_at": iso_now(now),
        "reviewer": {"name": reviewer.strip()},
        "learner": reading.learner,
        "progress_digest": reading.digest,
        "verdicts": [items[m] for m in sorted(items, key=order.__getitem__)],
    })
    try:
        ReviewFile.model_validate(doc)
    except ValidationError as exc:
        raise InputError(validation_message(exc, "review").removeprefix("review: ")) from None
    return doc


__all__ = ["ReviewReading", "read_review_bytes", "read_review_file", "build_review_document",
           "parse_verdict_arg", "VerdictItem", "SUFFIX", "ImportPlan", "plan_import",
           "CLOCK_SKEW"]
