"""Named mutations, each an undoable command (orange-canvas-core style).

Use :func:`perform`: it applies the operation once (so bad input raises InputError before
anything reaches the undo stack and nothing changes), then pushes the command; later
redo()/undo() calls come from the stack. Each redo/undo is one Store call, i.e. one
transaction, and ends with ``ctx.notify(...)`` so every page can refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand

from tracker.db.errors import TrackerError
from tracker.db.types import Certification, CertificationInput, Profile, StudySession
from tracker.ui.context import AppContext, Kinds
from tracker.ui.widgets import clip

_log = logging.getLogger(__name__)  # operation class names and exception types only


def _log_failure(op: QUndoCommand, verb: str, exc: BaseException) -> None:
    """Refused input: one line (the type, never the input). Anything else: the traceback."""
    from tracker import diagnostics

    log = diagnostics.get_logger(__name__)
    if isinstance(exc, TrackerError):
        log.info("%s %s refused: %s", verb, type(op).__name__, type(exc).__name__)
    else:
        log.log(logging.WARNING if isinstance(exc, OSError) else logging.ERROR,
                "%s %s failed: %s", verb, type(op).__name__, type(exc).__name__,
                exc_info=exc)


class Operation(QUndoCommand):
    """Base: subclasses implement apply() and revert(); the first redo() is skipped because
    perform() already applied the operation."""

    kinds: tuple[str, ...] = ()

    def __init__(self, ctx: AppContext, text: str):
        super().__init__(text)
        self.ctx = ctx
        self._applied_once = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def status_text(self, prefix: str = "") -> str:
        """The status-bar message after the last apply/revert ("Undone: …", "… (saved)")."""
        return prefix + self.text() + " (saved)"

    def redo(self) -> None:
        if not self._applied_once:
            self._applied_once = True
            return
        self._guarded(self.apply, "Redone: ", "redo")

    def undo(self) -> None:
        self._guarded(self.revert, "Undone: ", "undo")

    def _guarded(self, fn, prefix: str, verb: str) -> None:
        # Exceptions must not escape into Qt's C++ frames: every failure becomes a message.
        _log.debug("%s %s", verb, type(self).__name__)
        try:
            fn()
        except (TrackerError, OSError) as exc:
            _log_failure(self, verb, exc)
            self.ctx.error.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a bug still must not kill the app
            _log_failure(self, verb, exc)
            self.ctx.error.emit(f"Could not {verb} {self.text()}: {type(exc).__name__}: {exc}")
            return
        self.ctx.notify(*self.kinds, message=self.status_text(prefix))


def perform(ctx: AppContext, op: Operation) -> bool:
    """Apply ``op`` now and push it on the undo stack. Returns False (and reports the
    error) when the input is refused; nothing is changed then."""
    if ctx.read_only:
        ctx.error.emit("This is a read-only review of someone else's progress.")
        return False
    _log.debug("apply %s", type(op).__name__)
    try:
        op.apply()
    except (TrackerError, OSError) as exc:
        _log_failure(op, "apply", exc)
        ctx.error.emit(str(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - never into Qt's frames; nothing was saved
        _log_failure(op, "apply", exc)
        ctx.error.emit(f"{op.text()} failed: {type(exc).__name__}: {exc}")
        return False
    # Read what we need first: push() may merge ``op`` into the previous command and
    # delete it (QUndoCommand.mergeWith), after which its C++ side is gone.
    kinds, text = op.kinds, op.status_text()
    ctx.undo_stack.push(op)
    ctx.notify(*kinds, message=text)
    return True


def readiness_percents(store) -> dict[str, float]:
    """Level id -> readiness percent now (readiness v2, the learner's stack)."""
    from tracker import readiness as rd

    return rd.percents(store.curriculum(), store.states(), store.profile().stack_map)


def readiness_delta(store, before: Mapping[str, float], after: Mapping[str, float],
                    first: tuple[str, ...] = ()) -> str:
    """ "Senior 47.7% → 48.3% · Lead 43.3% → 43.6%": the levels whose shown percent (one
    decimal) changed; the target level first, then the levels in ``first`` (those of the
    milestones that changed), then the rest by rank. "" when nothing shown changed."""
    from tracker.ui.models.skill_tree import short_level_titles
    from tracker.ui.widgets import fmt_percent

    cur = store.curriculum()
    target = store.profile().target_level
    changed = [lv for lv in cur.levels if lv.id in before and lv.id in after
               and fmt_percent(before[lv.id]) != fmt_percent(after[lv.id])]
    changed.sort(key=lambda lv: (lv.id != target, lv.id not in first, lv.rank))
    short = short_level_titles(cur.levels)
    return " · ".join(f"{short.get(lv.id, lv.title)} {fmt_percent(before[lv.id])} → "
                      f"{fmt_percent(after[lv.id])}" for lv in changed)


class SetStates(Operation):
    """Milestone states, one transaction and one undo step however many change. Its status
    message adds what that did to readiness, for every level whose percent changed (ticking
    a Senior milestone while the target is Junior still says "Senior 47.7% → 48.3%")."""

    kinds = (Kinds.PROGRESS,)

    def __init__(self, ctx: AppContext, changes: Mapping[str, str], text: str | None = None):
        n = len(changes)
        state = next(iter(changes.values())) if n else ""
        super().__init__(ctx, text or (f"Mark {n} milestones {state}" if n != 1
                                       else f"Mark milestone {state}"))
        self.changes = dict(changes)
        self.previous: dict[str, str] = {}
        self.delta = ""

    def apply(self) -> None:
        before = readiness_percents(self.ctx.store)
        previous = self.ctx.store.set_states(self.changes)
        if not self.previous:
            self.previous = previous
        self._note_delta(before)

    def revert(self) -> None:
        before = readiness_percents(self.ctx.store)
        self.ctx.store.set_states(self.previous, source="undo")
        self._note_delta(before)

    def _note_delta(self, before: Mapping[str, float]) -> None:
        cur = self.ctx.store.curriculum()
        levels = tuple(dict.fromkeys(cur.milestone_by_id[m].level for m in self.changes
                                     if m in cur.milestone_by_id))
        self.delta = readiness_delta(self.ctx.store, before,
                                     readiness_percents(self.ctx.store), levels)

    def status_text(self, prefix: str = "") -> str:
        text = super().status_text(prefix)
        return f"{text} · {self.delta}" if self.delta else text


class SetNote(Operation):
    kinds = (Kinds.NOTES,)

    def __init__(self, ctx: AppContext, milestone: str, note: str):
        super().__init__(ctx, "Edit note")
        self.milestone, self.note = milestone, note
        self.previous: str | None = None

    def apply(self) -> None:
        before = self.ctx.store.set_note(self.milestone, self.note)
        if self.previous is None:
            self.previous = before

    def revert(self) -> None:
        self.ctx.store.set_note(self.milestone, self.previous or "")

    def id(self) -> int:  # consecutive edits of one note merge into one undo step
        return 1001

    def mergeWith(self, other: QUndoCommand) -> bool:
        if isinstance(other, SetNote) and other.milestone == self.milestone:
            self.note = other.note
            return True
        return False


class SetProfile(Operation):
    kinds = (Kinds.PROFILE,)

    def __init__(self, ctx: AppContext, **fields: Any):  # Store.set_profile's keywords
        super().__init__(ctx, "Edit profile")
        self.fields = fields
        self.previous: Profile | None = None
        self.after: Profile | None = None

    def apply(self) -> None:
        if self.after is not None:
            self.ctx.store.restore_profile(self.after)
            return
        self.previous, self.after = self.ctx.store.set_profile(**self.fields)

    def revert(self) -> None:
        assert self.previous is not None
        self.ctx.store.restore_profile(self.previous)


class AddCertification(Operation):
    kinds = (Kinds.CERTS,)

    def __init__(self, ctx: AppContext, cert: CertificationInput):
        super().__init__(ctx, f"Add certification {clip(cert.name)}")
        self.input = cert
        self.added: Certification | None = None

    def apply(self) -> None:
        if self.added is None:
            self.added = self.ctx.store.add_certification(self.input)
        else:
            self.added = self.ctx.store.restore_certification(self.added)

    def revert(self) -> None:
        assert self.added is not None
        self.ctx.store.delete_certification(self.added.id)


class EditCertification(Operation):
    kinds = (Kinds.CERTS,)

    def __init__(self, ctx: AppContext, cert_id: int, cert: CertificationInput):
        super().__init__(ctx, f"Edit certification {clip(cert.name)}")
        self.cert_id, self.input = cert_id, cert
        self.before: Certification | None = None
        self.after: Certification | None = None

    def apply(self) -> None:
        if self.after is not None:
            self.ctx.store.restore_certification(self.after)
            return
        self.before = self.ctx.store.update_certification(self.cert_id, self.input)
        self.after = next(c for c in self.ctx.store.certifications() if c.id == self.cert_id)

    def revert(self) -> None:
        assert self.before is not None
        self.ctx.store.restore_certification(self.before)


class DeleteCertification(Operation):
    kinds = (Kinds.CERTS,)

    def __init__(self, ctx: AppContext, cert: Certification):
        super().__init__(ctx, f"Delete certification {clip(cert.name)}")
        self.cert = cert

    def apply(self) -> None:
        self.ctx.store.delete_certification(self.cert.id)

    def revert(self) -> None:
        self.cert = self.ctx.store.restore_certification(self.cert)


class AddStudySession(Operation):
    kinds = (Kinds.STUDY,)

    def __init__(self, ctx: AppContext, minutes: int, day: str | None, skill: str | None,
                 note: str):
        super().__init__(ctx, f"Log {minutes} min of study")
        self.args = (minutes, day, skill, note)
        self.added: StudySession | None = None

    def apply(self) -> None:
        if self.added is None:
            self.added = self.ctx.store.add_study_session(*self.args)
        else:
            self.added = self.ctx.store.restore_study_session(self.added)

    def revert(self) -> None:
        assert self.added is not None
        self.ctx.store.delete_study_session(self.added.id)


class DeleteStudySessions(Operation):
    """Several sessions at once: one transaction, one undo step, one refresh."""

    kinds = (Kinds.STUDY,)

    def __init__(self, ctx: AppContext, sessions: list[StudySession]):
        super().__init__(ctx, f"Delete {len(sessions)} study sessions")
        self.sessions = list(sessions)

    def apply(self) -> None:
        self.ctx.store.delete_study_sessions([s.id for s in self.sessions])

    def revert(self) -> None:
        self.sessions = self.ctx.store.restore_study_sessions(self.sessions)


class DeleteStudySession(Operation):
    kinds = (Kinds.STUDY,)

    def __init__(self, ctx: AppContext, session: StudySession):
        super().__init__(ctx, f"Delete study session of {session.day}")
        self.session = session

    def apply(self) -> None:
        self.ctx.store.delete_study_session(self.session.id)

    def revert(self) -> None:
        self.session = self.ctx.store.restore_study_session(self.session)


class AddEvidence(Operation):
    kinds = (Kinds.NOTES,)

    def __init__(self, ctx: AppContext, milestone: str, text: str):
        super().__init__(ctx, "Add evidence")
        self.milestone, self.text_value = milestone, text
        self.added = None

    def apply(self) -> None:
        if self.added is None:
            self.added = self.ctx.store.add_evidence(self.milestone, self.text_value)
        else:
            self.added = self.ctx.store.restore_evidence(self.added)

    def revert(self) -> None:
        self.ctx.store.remove_evidence(self.added.id)


class RemoveEvidence(Operation):
    kinds = (Kinds.NOTES,)

    def __init__(self, ctx: AppContext, evidence):
        super().__init__(ctx, "Remove evidence")
        self.evidence = evidence

    def apply(self) -> None:
        self.ctx.store.remove_evidence(self.evidence.id)

    def revert(self) -> None:
        self.evidence = self.ctx.store.restore_evidence(self.evidence)


class ImportReviews(Operation):
    """A mentor's verdicts, imported. The import itself runs in a worker (it reads a file);
    the command is pushed afterwards with ``ids`` of the rows it added, so its first
    redo() is skipped like every operation's."""

    kinds = (Kinds.REVIEWS,)

    def __init__(self, ctx: AppContext, reviews, ids: list[int], text: str):
        super().__init__(ctx, text)
        self.reviews = list(reviews)
        self.ids = list(ids)

    def apply(self) -> None:
        self.ids = self.ctx.store.import_reviews(self.reviews)

    def revert(self) -> None:
        self.ctx.store.remove_reviews(self.ids)
