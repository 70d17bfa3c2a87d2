"""Review files: a mentor's verdicts on one progress file, written by the mentor and
imported by the learner. Pure, no Qt, no database; any thread."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
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

SUFFIX = ".mlops-review.json"


@dataclass(frozen=True)
class ReviewReading:
    source: str
    document: ReviewFile
    raw: dict[str, Any] = field(repr=False)
    digest: str = ""
    integrity: str = "ok"

    @property
    def reviewer(self) -> str:
        return self.document.reviewer.name

    def reviews(self) -> list[Review]:
        """The verdicts as Store reviews (for ``Store.add_reviews``)."""
        d = self.document
        return [Review(v.milestone, v.verdict, v.comment, d.reviewer.name, d.reviewed_at,
                       "", d.progress_digest) for v in d.verdicts]

    def split_known(self, cur: Curriculum) -> tuple[list[Review], list[str]]:
        """(reviews of milestones ``cur`` knows, ids it does not know)."""
        known, unknown = [], []
        for r in self.reviews():
            (known if r.milestone in cur.milestone_by_id else unknown).append(r)
        return known, [r.milestone for r in unknown]


def read_review_bytes(data: bytes | str, source: str = "review file") -> ReviewReading:
    value = safe_json.loads(data, source)
    safe_json.check_format(value, source, REVIEW_FORMAT, FORMAT_VERSION, "a review file")
    try:
        doc = ReviewFile.model_validate(value)
    except ValidationError as exc:
        raise LoadError(validation_message(exc, source)) from None
    digest = document_digest(value)
    return ReviewReading(source, doc, value, digest,
                         "ok" if digest == doc.integrity.digest else "modified")


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
           "parse_verdict_arg", "VerdictItem", "SUFFIX"]
