"""Undoable operations against changes made by another process meanwhile (the CLI)."""

from __future__ import annotations

from tracker.db.store import Store
from tracker.db.types import CertificationInput
from tracker.ui.context import AppContext
from tracker.ui.operations import AddStudySession, DeleteCertification, perform


def test_undo_and_redo_of_a_delete_after_the_cli_reused_the_id(qtbot, store: Store):
    ctx = AppContext(store)
    errors: list[str] = []
    ctx.error.connect(errors.append)
    old = store.add_certification(CertificationInput("Old cert", "X", "2024-01-01"))
    assert perform(ctx, DeleteCertification(ctx, old))
    with Store.open(store.folder) as cli:
        theirs = cli.add_certification(CertificationInput("CKA", "CNCF", "2025-01-01"))
    assert theirs.id == old.id
    ctx.undo_stack.undo()
    assert sorted(c.name for c in store.certifications()) == ["CKA", "Old cert"]
    ctx.undo_stack.redo()  # deletes the restored row, not the CLI's
    assert [c.name for c in store.certifications()] == ["CKA"]
    assert errors == []


def test_a_failing_undo_reports_instead_of_raising(qtbot, store: Store):
    ctx = AppContext(store)
    errors: list[str] = []
    ctx.error.connect(errors.append)
    assert perform(ctx, AddStudySession(ctx, 30, "2026-01-01", None, ""))
    with Store.open(store.folder) as cli:  # someone else deletes it first
        cli.delete_study_session(store.study_sessions()[0].id)
    ctx.undo_stack.undo()
    assert errors and "no study session" in errors[0]
