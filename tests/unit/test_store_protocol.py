"""The Store and review mode's read-only FileStore share one interface (issue 9 section 5):
``tracker.db.protocol.StoreAPI``. mypy checks both classes against it; this test checks the
same by introspection, so a Store method without a FileStore counterpart fails here, and
every write of the file store refuses with ReadOnlyError and changes nothing. No Qt."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from tracker.db.errors import InputError
from tracker.db.protocol import (
    READ_METHODS,
    STORE_ONLY,
    WRITE_METHODS,
    ReadOnlyError,
    StoreAPI,
    StoreReads,
    StoreWrites,
)
from tracker.db.store import Store
from tracker.db.types import CertificationInput
from tracker.exchange.progress import build_progress_document, read_progress_file, write_document
from tracker.ui.review.file_store import READ_ONLY_MESSAGE, FileStore


def public_methods(cls: type) -> set[str]:
    return {name for name, value in inspect.getmembers(cls)
            if not name.startswith("_") and callable(value)}


@pytest.fixture
def file_store(store: Store, tmp_path: Path) -> FileStore:
    store.set_profile(name="<b>Ann</b>", target_level="mlops")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_states({ids[0]: "done", ids[1]: "learning"})
    store.set_note(ids[0], "see repo")
    store.add_evidence(ids[0], "https://example.org/pr/1")
    store.add_certification(CertificationInput("CKA", "CNCF", "2024-01-10"))
    store.add_study_session(30, "2024-02-01", "docker", "compose")
    path = tmp_path / "ann.mlops-progress.json"
    write_document(path, build_progress_document(store.snapshot(with_history=False)))
    return FileStore(read_progress_file(path), folder=store.folder, path=path)


def test_the_protocol_covers_every_public_method_of_the_store():
    """A new Store method must be classified: a read or a write of StoreAPI (then FileStore
    must have it, as the next test and mypy check), or Store-only (STORE_ONLY)."""
    assert public_methods(Store) - STORE_ONLY == READ_METHODS | WRITE_METHODS
    assert not READ_METHODS & WRITE_METHODS
    assert {"folder", "read_only"} <= set(inspect.get_annotations(StoreReads))
    assert StoreAPI.__mro__[1:3] == (StoreReads, StoreWrites)


def test_every_store_method_exists_on_the_file_store():
    missing = sorted((public_methods(Store) - STORE_ONLY) - public_methods(FileStore))
    assert not missing, f"FileStore lacks {missing}: add them (a write refuses)"
    for name in READ_METHODS | WRITE_METHODS:
        assert inspect.signature(getattr(Store, name)), name


def _dummy_args(name: str) -> tuple[list[object], dict[str, object]]:
    """Arguments shaped like the Store method's: None for each required parameter."""
    sig = inspect.signature(getattr(Store, name))
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for p in list(sig.parameters.values())[1:]:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL,
                                                                   p.VAR_KEYWORD):
            continue
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = None
        else:
            args.append(None)
    return args, kwargs


@pytest.mark.parametrize("name", sorted(WRITE_METHODS))
def test_every_write_of_the_file_store_refuses_with_a_clear_read_only_error(file_store, name):
    before = file_store.snapshot()
    args, kwargs = _dummy_args(name)
    with pytest.raises(ReadOnlyError) as info:
        getattr(file_store, name)(*args, **kwargs)
    assert isinstance(info.value, InputError)  # the UI shows it like any refused input
    assert str(info.value) == READ_ONLY_MESSAGE and "\n" not in READ_ONLY_MESSAGE
    assert "read-only" in str(info.value) and info.value.operation == name
    assert file_store.snapshot() == before


def test_the_reads_of_the_file_store_answer_from_the_file(file_store, store):
    assert file_store.read_only is True and store.read_only is False
    assert file_store.profile().name == "<b>Ann</b>"
    assert file_store.certifications()[0].name == "CKA"
    assert file_store.study_sessions()[0].note == "compose"
    assert [e.text for e in file_store.evidence()] == ["https://example.org/pr/1"]
    assert isinstance(file_store.data_version(), str)
    assert file_store.data_version() == file_store.data_version()
    assert file_store.today().isoformat() == file_store.now()[:10]
    file_store.warm_up()
    ok = file_store.validate_certification(CertificationInput(" CKA ", "CNCF", "2024-01-10"))
    assert ok.name == "CKA"
    with pytest.raises(InputError, match="is in the future"):
        file_store.validate_certification(CertificationInput("CKA", "CNCF", "2199-01-10"))
    for name in READ_METHODS - {"close", "warm_up", "validate_certification"}:
        args, kwargs = _dummy_args(name)
        if name in ("meta",):
            args = ["curriculum_id"]
        elif name in ("done_days", "study_minutes_by_day"):
            args = ["2000-01-01"]
        elif name == "streak_before":
            args = ["2000-01-01", 15]
        elif name == "cert_verification":
            args = [file_store.certifications()[0]]
        elif name == "review_signature":
            from tracker.db.types import Review

            args = [Review("m", "verified", "", "Grace", "2024-01-01T00:00:00Z")]
        getattr(file_store, name)(*args, **kwargs)  # never raises
    # the file's own flags are the learner's claims: never shown as checked here
    assert file_store.cert_verification(file_store.certifications()[0]) == ("unsigned", "")
