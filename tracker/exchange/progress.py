"""Progress files: build one from a Store snapshot, read one back.

Reading never trusts the file's own ``readiness``: it is recomputed from the curriculum
embedded in the file with :mod:`tracker.readiness`, so a mentor sees the same numbers the
learner saw. ``integrity`` is ``"ok"`` when the digest still matches, else ``"modified"``.
Milestone ids the embedded curriculum does not know are reported, not fatal.

Pure Python, no Qt, no database (the Store is only needed to produce the snapshot); safe
from any thread (the curriculum cache takes a lock).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracker import __version__
from tracker import readiness as rd
from tracker.readiness import CurriculumIndex, LevelSummary
from tracker.curriculum.loader import CurriculumError, parse_pack
from tracker.curriculum.model import Curriculum
from tracker.db.errors import InputError
from tracker.db.types import (
    Certification,
    Evidence,
    Profile,
    ProgressEntry,
    Review,
    Snapshot,
    StudySession,
)
from tracker.exchange import safe_json
from tracker.exchange.digest import (
    canonical_json,
    count_keys,
    digest_and_keys,
    document_digest,
    sha256_text,
    with_integrity,
)
from tracker.exchange.models import (
    PROGRESS_VERSION,
    PROGRESS_FORMAT,
    Pack,
    ProgressBody,
    ProgressFile,
    progress_body_ok,
    validation_message,
)
from tracker.exchange.safe_json import LoadError

SUFFIX = ".mlops-progress.json"


def iso_now(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ------------------------------------------------------------------ curriculum cache
_CURRICULUM_KEY = b'\n  "curriculum": '


def _indented_value(value: Any) -> str:
    """``value``'s text as :func:`dumps_document` writes a top-level member's value."""
    import json

    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")


@dataclass(frozen=True)
class _Span:
    text: bytes        # the curriculum's bytes as they appear in the file
    entry: _Entry
    keys: int          # object keys in ``text``


@dataclass(frozen=True)
class _Entry:  # cached_property needs a __dict__: no slots
    raw: dict[str, Any]
    numeric_types: tuple[type, ...]
    canonical: str
    keys: int  # object keys in ``canonical``
    result: Curriculum | str  # the curriculum, or the one-line reason it is refused
    index: CurriculumIndex | None

    @cached_property
    def piece(self) -> dict[str, tuple[bytes, int]]:
        """The canonical ``"curriculum":...`` piece as UTF-8 and its keys, for
        :func:`digest_and_keys`."""
        return {"curriculum": (('"curriculum":' + self.canonical).encode("utf-8"),
                               self.keys + 1)}


def _numeric_types(pack: Any) -> tuple[type, ...]:
    """Types of the values where ``==`` cannot tell 1, 1.0 and True apart, so an equality
    hit in the cache is only taken when these agree too."""
    try:
        levels, ms = pack["levels"], pack["milestones"]
        values = ([x.get("rank") for x in levels] + [x.get("threshold") for x in levels]
                  + [x.get("weight") for x in ms] + [x.get("core") for x in ms])
    except (KeyError, TypeError, AttributeError):
        return ()
    return tuple(map(type, values))


class CurriculumCache:
    """Validated embedded curricula, so a cohort of files that embed the same pack checks
    it once (shape with :class:`Pack`, meaning with ``parse_pack``). Entries are keyed by
    the SHA-256 of the pack's canonical JSON; a recent pack that compares equal (a C-speed
    ``==`` on the parsed data, with the numeric types checked too) is found without even
    serialising it. Failures are remembered as well. Thread-safe."""

    def __init__(self, size: int = 64):
        self._size = size
        self._by_hash: OrderedDict[str, _Entry] = OrderedDict()
        self._recent: list[_Entry] = []
        self._spans: list[_Span] = []
        self._span_tried: set[int] = set()
        self._lock = threading.Lock()
        self.validations = 0
        self.span_reads = 0  # files read with a known curriculum span cut out

    # A file the app wrote holds its curriculum as the same bytes as every other file
    # exported with that pack (``dumps_document``: indented, UTF-8). Those bytes, once seen,
    # are a *span*: a file holding them right after its top-level ``"curriculum": `` key is
    # parsed without them (read_progress_bytes cuts them out and checks the cut), and gets
    # the validated entry directly: no JSON parse, no comparison, no lookup for the bulk of
    # the file. Anything unexpected falls back to reading the whole file as before.
    MAX_SPANS = 4

    def find_span(self, raw: bytes) -> tuple[int, _Span] | None:
        """Where one of the known curriculum spans starts in ``raw`` as the value of a
        ``"curriculum"`` key (the caller checks it is the top-level one), or None."""
        spans = self._spans
        if not spans:
            return None
        at = raw.find(_CURRICULUM_KEY)
        if at < 0:
            return None
        start = at + len(_CURRICULUM_KEY)
        for span in spans:
            if raw.startswith(span.text, start):
                return start, span
        return None

    def learn_span(self, raw: bytes, entry: _Entry) -> None:
        """After a full read of ``raw`` that found ``entry``: remember the bytes of its
        curriculum as written by ``dumps_document``, if ``raw`` holds exactly those (tried
        once per entry; at most :attr:`MAX_SPANS`)."""
        if (not isinstance(entry.result, Curriculum) or len(self._spans) >= self.MAX_SPANS
                or id(entry) in self._span_tried):
            return
        with self._lock:
            self._span_tried.add(id(entry))
        try:
            text = _indented_value(entry.raw).encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
            return
        start = raw.find(_CURRICULUM_KEY)
        if start < 0 or not raw.startswith(text, start + len(_CURRICULUM_KEY)):
            return
        # The same checks as a whole file gets: its keys (for the duplicate-key check)
        # and its depth (it sits one level below the top).
        skel = safe_json.skeleton(text)
        if safe_json._depth(skel, safe_json.MAX_DEPTH) + 1 > safe_json.MAX_DEPTH:
            return
        span = _Span(text, entry, skel.count(b":"))
        with self._lock:
            if len(self._spans) < self.MAX_SPANS:
                self._spans = [*self._spans, span]

    def lookup(self, data: Any) -> _Entry:
        with self._lock:
            recent = list(self._recent)
        types: tuple[type, ...] | None = None
        entry: _Entry | None
        for entry in recent:
            if entry.raw == data:
                types = _numeric_types(data) if types is None else types
                if types == entry.numeric_types:
                    return entry
        canonical = canonical_json(data)
        key = sha256_text(canonical)
        with self._lock:
            entry = self._by_hash.get(key)
        if entry is None:
            entry = self._validate(data, canonical)
            with self._lock:
                self._by_hash[key] = entry
                while len(self._by_hash) > self._size:
                    self._by_hash.popitem(last=False)
        with self._lock:
            self._recent = [entry] + [e for e in self._recent if e is not entry][:7]
        return entry

    def _validate(self, data: Any, canonical: str) -> _Entry:
        self.validations += 1
        result: Curriculum | str
        index = None
        try:
            Pack.model_validate(data)
            result = parse_pack(data, "embedded curriculum")
            index = CurriculumIndex(result)
        except ValidationError as exc:
            result = validation_message(exc, "curriculum").replace("curriculum: ", "curriculum.", 1)
        except CurriculumError as exc:
            result = exc.first_line
        return _Entry(data, _numeric_types(data), canonical, count_keys(canonical), result,
                      index)


DEFAULT_CACHE = CurriculumCache()


# ------------------------------------------------------------------ reading
@dataclass(frozen=True)
class ProgressReading:
    """A progress file as read: the validated document, the curriculum it embeds, the
    recomputed readiness and whether the file was modified after export.

    ``summary`` (percent and ready per level) is computed on reading; the full readiness
    with gaps (``results``) on first use, and so is ``document`` (the validated model) when
    a cohort read checked the file without building it, and the snapshot
    (:meth:`to_snapshot`). Immutable apart from those caches; share freely.
    """

    source: str
    raw: dict[str, Any] = field(repr=False)
    curriculum: Curriculum = field(repr=False)
    digest: str = ""
    integrity: str = "ok"
    unknown_milestones: tuple[str, ...] = ()
    states: dict[str, str] = field(default_factory=dict, repr=False)
    summary: tuple[LevelSummary, ...] = field(default=(), repr=False)

    @cached_property
    def results(self) -> tuple[rd.LevelReadiness, ...]:
        return tuple(rd.readiness(self.curriculum, self.states))

    @cached_property
    def document(self) -> ProgressBody:
        """The file as the validated model (the read has checked it already)."""
        return ProgressBody.model_validate(self.raw)

    @property
    def target_level(self) -> str | None:
        return self.raw["learner"]["target_level"]

    @property
    def learner(self) -> dict[str, Any]:
        return dict(self.raw["learner"])

    @property
    def learner_name(self) -> str:
        return self.raw["learner"]["name"]

    @property
    def exported_at(self) -> str:
        return self.raw["exported_at"]

    @property
    def current_level(self) -> str | None:
        current = None
        for s in self.summary:
            if not s.ready:
                break
            current = s.level
        return current

    def status_document(self) -> dict[str, Any]:
        """Exactly what the learner's own ``status --json`` printed (same function)."""
        from tracker.status import status_document

        return status_document(self.curriculum, self.learner, self.states)

    def review_document(self, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``review FILE --json``: the status shape plus integrity (and changes)."""
        doc = self.status_document()
        doc["integrity"] = self.integrity
        if changes is not None:
            doc["changes"] = dict(changes)
        return doc

    def reviews_by_milestone(self) -> dict[str, Review]:
        """The newest review per milestone, as the Store would report it."""
        out: dict[str, Review] = {}
        def when(r: Any) -> datetime:  # as a time: "+05:00" offsets sort wrongly as text
            return datetime.fromisoformat(r.reviewed_at.replace("Z", "+00:00"))

        for r in sorted(self.document.reviews, key=when):
            out[r.milestone] = Review(r.milestone, r.verdict, r.comment, r.reviewer,
                                      r.reviewed_at, r.imported_at, r.progress_digest)
        return out

    def to_snapshot(self) -> Snapshot:
        """The file as a Store snapshot (for restore, reports and review mode). Made once
        per reading: it checks every signed certification again (JSON-LD canonicalisation,
        a few milliseconds each), so a worker that reads a file for the GUI makes it too,
        before the window needs it. Treat it as read-only: it is shared."""
        return self._snapshot

    @cached_property
    def _snapshot(self) -> Snapshot:
        d = self.document
        progress = {p.milestone: ProgressEntry(p.milestone, p.state, p.updated_at, p.note)
                    for p in d.progress}
        evidence = {p.milestone: tuple(Evidence(0, p.milestone, e.text, e.added_at)
                                       for e in p.evidence)
                    for p in d.progress if p.evidence}
        from tracker.exchange.credential_verify import recheck

        def cert(c: Any) -> Certification:
            # The file's "verified" and "verification" are the writer's claim: the
            # signature is checked again here from the credential itself.
            check = recheck(c.raw, c.verification or "", c.issuer_key)
            # "unsigned" is what nothing recorded means (see credential_verify.stored_state):
            # kept as "", as the Store keeps a certification entered by hand.
            state = "" if check.state == "unsigned" else check.state
            return Certification(0, c.name, c.issuer, c.earned, c.expires, c.credential_id,
                                 c.url, c.catalog_id, c.source, check.state == "verified",
                                 c.raw, c.created_at, state, check.key_id)

        certs = tuple(cert(c) for c in d.certifications)
        study = tuple(StudySession(0, s.day, s.minutes, s.skill, s.note, s.created_at)
                      for s in d.study_sessions)
        lr = d.learner
        return Snapshot(curriculum=self.curriculum,
                        profile=Profile(lr.name, lr.target_level, lr.experience_years,
                                        tuple(sorted(lr.stack.items()))),
                        progress=progress, certifications=certs, study_sessions=study,
                        reviews=self.reviews_by_milestone(), evidence=evidence)


def read_progress_bytes(data: bytes | str, source: str = "progress file", *,
                        cache: CurriculumCache | None = None) -> ProgressReading:
    """Parse and check a progress file's bytes; :class:`LoadError` for every problem."""
    cache = cache or DEFAULT_CACHE
    if type(data) is bytes and len(data) <= safe_json.MAX_BYTES:
        hit = cache.find_span(data)
        if hit is not None:
            reading = _read_with_span(data, source, *hit)
            if reading is not None:
                cache.span_reads += 1
                return reading
    value, text_keys = safe_json.loads_counting_keys(data, source)
    safe_json.check_format(value, source, PROGRESS_FORMAT, PROGRESS_VERSION, "a progress file")
    try:
        doc = ProgressBody.model_validate(value)
    except ValidationError as exc:
        raise LoadError(validation_message(exc, source)) from None
    entry = cache.lookup(value["curriculum"])
    if isinstance(entry.result, str):
        raise LoadError(f"{source}: {entry.result}")
    digest, keys = digest_and_keys(value, entry.piece)
    # Every key of the text must still be in the parsed value, else one was duplicated.
    # (The integrity member, validated to hold exactly two keys, is not in the pieces.)
    if keys + 3 != text_keys:
        raise safe_json.duplicate_key_error(data, source)
    value["curriculum"] = entry.raw  # equal; share one copy across a cohort
    reading = _reading(source, value, doc, entry.result, entry.index, digest)
    if type(data) is bytes:
        cache.learn_span(data, entry)
    return reading


def _read_with_span(data: bytes, source: str, start: int,
                    span: _Span) -> ProgressReading | None:
    """The file with the known curriculum bytes at ``start`` cut out, or None to read it
    whole (then every refusal gets the message and place a whole read gives).

    Exact: the span is replaced by the token ``NaN``, which the parser turns into
    :data:`safe_json.HOLE` once and refuses anywhere else; so when the document's
    ``curriculum`` is HOLE, the cut was exactly its top-level value, and the file is the
    rest with the span there: the same text checks (size, byte-order mark, UTF-8, depth,
    duplicate keys: the span's keys are added to the rest's) and the same value as a
    whole read, its curriculum being the span's entry (equal to what the span parses to,
    numeric types included: the span was written from it)."""
    entry = span.entry
    rest = b"".join((data[:start], b"NaN", data[start + len(span.text):]))
    try:
        value, text_keys = safe_json.loads_with_hole(rest, source)
    except LoadError:
        return None
    if type(value) is not dict or value.get("curriculum") is not safe_json.HOLE:
        return None
    value["curriculum"] = entry.raw
    try:
        safe_json.check_format(value, source, PROGRESS_FORMAT, PROGRESS_VERSION,
                               "a progress file")
    except LoadError:
        return None
    if not progress_body_ok(value):  # the model's checks, without building the model
        return None
    digest, keys = digest_and_keys(value, entry.piece)
    if keys + 3 != text_keys + span.keys:
        return None
    assert isinstance(entry.result, Curriculum)
    return _reading(source, value, None, entry.result, entry.index, digest)


def read_progress_value(value: Any, source: str = "progress file", *,
                        cache: CurriculumCache | None = None) -> ProgressReading:
    """Check already-parsed JSON (e.g. from :func:`safe_json.loads`) as a progress file."""
    safe_json.check_format(value, source, PROGRESS_FORMAT, PROGRESS_VERSION, "a progress file")
    try:
        doc = ProgressBody.model_validate(value)
    except ValidationError as exc:
        raise LoadError(validation_message(exc, source)) from None
    entry = (cache or DEFAULT_CACHE).lookup(value["curriculum"])
    if isinstance(entry.result, str):
        raise LoadError(f"{source}: {entry.result}")
    digest = document_digest(value, canonical_parts={"curriculum": entry.canonical})
    return _reading(source, value, doc, entry.result, entry.index, digest)


def _reading(source: str, value: dict[str, Any], doc: ProgressBody | None, cur: Curriculum,
             index: CurriculumIndex | None, digest: str) -> ProgressReading:
    """The reading of a validated ``value`` (``doc``: its model, if built already)."""
    target = value["learner"]["target_level"]
    if target is not None and target not in cur.level_by_id:
        raise LoadError(f"{source}: learner.target_level {target!r} is not a level of the "
                        "embedded curriculum")
    known = cur.milestone_by_id
    progress = value["progress"]
    unknown = [p["milestone"] for p in progress if p["milestone"] not in known]
    unknown += [r["milestone"] for r in value["reviews"]
                if r["milestone"] not in known and r["milestone"] not in unknown]
    states = {p["milestone"]: p["state"] for p in progress if p["milestone"] in known}
    reading = ProgressReading(
        source=source, raw=value, curriculum=cur, digest=digest,
        integrity="ok" if digest == value["integrity"]["digest"] else "modified",
        unknown_milestones=tuple(unknown), states=states,
        summary=(index or CurriculumIndex(cur)).summarize(states))
    if doc is not None:
        reading.__dict__["document"] = doc  # the cached_property's slot
    return reading


def read_progress_file(path: str | Path, *,
                       cache: CurriculumCache | None = None) -> ProgressReading:
    """Read a ``*.mlops-progress.json`` file; :class:`LoadError` for every problem."""
    p = Path(path)
    return read_progress_bytes(safe_json.read_limited(p), p.name, cache=cache)


# ------------------------------------------------------------------ building
def build_progress_document(snap: Snapshot, *, now: datetime | None = None,
                            app_version: str = __version__) -> dict[str, Any]:
    """The progress document for a snapshot, with its integrity digest.

    Checked against the model and the curriculum loader before it is returned, so every
    file the app writes is one it can read back; InputError says what is wrong otherwise.
    """
    cur = snap.curriculum
    order = {m.id: i for i, m in enumerate(cur.milestones)}
    exported_at = iso_now(now)

    def position(mid: str) -> tuple[int, str]:
        return order.get(mid, len(order)), mid

    progress = []
    for mid in sorted(set(snap.progress) | set(snap.evidence), key=position):
        entry = snap.progress.get(mid)
        ev = snap.evidence.get(mid, ())
        progress.append({
            "milestone": mid,
            "state": entry.state if entry else rd.TODO,
            "updated_at": (entry.updated_at if entry else "")
            or (ev[0].added_at if ev else "") or exported_at,
            "note": entry.note if entry else "",
            "evidence": [{"text": e.text, "added_at": e.added_at} for e in ev],
        })
    results = rd.readiness(cur, snap.states)
    from tracker.status import round_percent

    doc: dict[str, Any] = {
        "format": PROGRESS_FORMAT,
        "format_version": 2 if cur.format >= 2 else 1,
        "exported_at": exported_at,
        "app_version": app_version,
        "learner": snap.profile.to_dict(with_stack=cur.format >= 2),
        "curriculum": cur.to_dict(),
        "progress": progress,
        "certifications": [
            {"name": c.name, "issuer": c.issuer, "earned": c.earned, "expires": c.expires,
             "credential_id": c.credential_id, "url": c.url, "catalog_id": c.catalog_id,
             "source": c.source, "verified": c.verified, "raw": c.raw,
             "created_at": c.created_at, **_cert_check(c)} for c in snap.certifications],
        "study_sessions": [
            {"day": s.day, "minutes": s.minutes, "skill": s.skill, "note": s.note,
             "created_at": s.created_at} for s in snap.study_sessions],
        "reviews": [
            {"milestone": r.milestone, "verdict": r.verdict, "comment": r.comment,
             "reviewer": r.reviewer, "reviewed_at": r.reviewed_at,
             "imported_at": r.imported_at, "progress_digest": r.progress_digest}
            for r in sorted(snap.reviews.values(), key=lambda r: position(r.milestone))],
        "readiness": [{"level": r.level.id, "percent": round_percent(r.percent),
                       "ready": r.ready} for r in results],
    }
    doc = with_integrity(doc)
    try:
        ProgressFile.model_validate(doc)
    except ValidationError as exc:
        raise InputError("cannot export: " + validation_message(exc, "the progress data")
                         .removeprefix("the progress data: ")) from None
    try:
        parse_pack(doc["curriculum"], "the active curriculum")
    except CurriculumError as exc:
        raise InputError(f"cannot export: {exc.first_line}") from None
    return doc


def dumps_document(doc: Mapping[str, Any]) -> str:
    """The file text: indented for people, UTF-8, one trailing newline. (The digest does
    not depend on this layout: it is over the canonical form.)

    Refuses (InputError, one line) a document whose file would be larger than the app reads
    back (:data:`safe_json.MAX_BYTES`): the app never writes a file its own review, restore,
    cohort or import would refuse. Everything that writes or re-reads a document uses this."""
    import json

    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    check_file_size(text, doc)
    return text


def check_file_size(text: str, doc: Mapping[str, Any]) -> None:
    """InputError when ``text`` (a document's file text) exceeds the read limit."""
    limit = safe_json.MAX_BYTES
    if len(text) * 4 <= limit:  # UTF-8 takes at most 4 bytes a character: surely fits
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return
    mb = 1024 * 1024
    certs = doc.get("certifications") or []
    badges = sum(len(c.get("raw") or "") for c in certs if isinstance(c, Mapping))
    hint = ("most of it is the original files of imported badges: delete the largest "
            "badge certifications, then try again" if badges * 2 > size else
            "shorten long notes or delete old study sessions or certifications, then try "
            "again")
    raise InputError(f"the file would be {size / mb:.1f} MB, more than the {limit // mb} MB "
                     f"the app reads back, so nothing was written; {hint}")


def write_document(path: str | Path, doc: Mapping[str, Any]) -> Path:
    """Write a progress or review document atomically."""
    from tracker.atomicio import write_text

    p = Path(path)
    write_text(p, dumps_document(doc))
    return p


def export_progress(store: Any, path: str | Path) -> dict[str, Any]:
    """Export: the learner's progress document, written atomically to ``path`` and
    remembered by its digest (``store.record_export``), so that a mentor's review of this
    file is recognised at import. One use case for the CLI's ``export`` and the GUI's
    Export Progress; returns the document. Any thread (the GUI runs it in a worker)."""
    from tracker.db.integrity import StorageError

    doc = build_progress_document(store.snapshot(with_history=False))
    write_document(path, doc)
    try:
        store.record_export(doc["integrity"]["digest"], doc["exported_at"])
    except StorageError:
        # A read-only or full data disk: copying your progress out must not need room to
        # save. The file is whole; a review of it is imported with the "never exported"
        # note instead.
        pass
    return doc


def default_file_name(learner_name: str, when: datetime | None = None) -> str:
    """``<learner>-<date>.mlops-progress.json``, the learner part made safe for any OS."""
    import re

    stem = re.sub(r"[^\w.-]+", "-", learner_name.strip(), flags=re.UNICODE).strip("-.")[:60]
    day = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    return f"{stem or 'progress'}-{day}{SUFFIX}"


def _cert_check(c: Certification) -> dict[str, str]:
    """The optional ``verification`` and ``issuer_key`` of an exported certification."""
    from tracker.exchange.credential_verify import stored_state

    state, key = stored_state(c.verification, c.key_id, c.raw)
    return {"verification": state, "issuer_key": key}
