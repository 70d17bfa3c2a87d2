"""Migrations: the chain the app knows equals Alembic's, the models match what the
migrations build, a newer database is refused untouched, and an older one is backed up
before it is upgraded."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tracker.db import engine as dbengine
from tracker.db.errors import DamagedDatabaseError, NewerDatabaseError
from tracker.db.store import Store


def script_dir():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(dbengine.__file__).parent / "migrations"))
    return ScriptDirectory.from_config(cfg)


def test_known_revisions_match_the_script_directory():
    sd = script_dir()
    chain = [rev.revision for rev in sd.walk_revisions()][::-1]
    assert tuple(chain) == dbengine.SCHEMA_REVISIONS
    assert sd.get_current_head() == dbengine.SCHEMA_HEAD


def test_models_match_the_migrated_schema(store: Store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tracker.db.models import Base

    with store._engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_migration_has_an_upgrade_test():
    """Each revision after the first needs a populated-fixture upgrade test named for it
    (``upgrade_to_<rev>``: it upgrades the newest released fixture through that migration).
    Each released schema (the first, and every one before the head) needs a populated
    fixture database ``fixtures/<rev>.sqlite3`` (see fixtures/make_fixture.py) and a test
    named ``upgrade_from_<rev>`` that upgrades it and checks every row."""
    tests = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    tests += "".join(p.read_text() for p in
                     (Path(__file__).parent.parent / "reliability").glob("test_*.py"))
    for rev in dbengine.SCHEMA_REVISIONS[1:]:
        assert f"upgrade_to_{rev}" in tests, f"no upgrade test for migration {rev}"
    released = set(dbengine.SCHEMA_REVISIONS[:-1]) | {dbengine.SCHEMA_REVISIONS[0]}
    fixtures = Path(__file__).parent / "fixtures"
    for rev in sorted(released):
        assert (fixtures / f"{rev}.sqlite3").is_file(), f"no fixture database for {rev}"
        assert f"upgrade_from_{rev}" in tests, f"no upgrade test from the {rev} schema"


def test_newer_database_is_refused_and_untouched(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    Store.open(folder).close()
    db = folder / "tracker.sqlite3"
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(NewerDatabaseError, match="newer version of MLOps Career Tracker"):
        Store.open(folder)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_not_a_database_is_reported(tmp_path: Path, tiny_default):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "tracker.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DamagedDatabaseError):
        Store.open(folder)


def test_migration_backs_up_an_existing_database_first(tmp_path: Path, tiny_default,
                                                       monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "d"
    with Store.open(folder) as s:
        s.set_states({"python.venv": "done"})
    # pretend the file is at an older revision that needs upgrading
    monkeypatch.setattr(dbengine, "SCHEMA_REVISIONS", ("0000_old",) + dbengine.SCHEMA_REVISIONS)
    con = sqlite3.connect(folder / "tracker.sqlite3")
    con.execute("UPDATE alembic_version SET version_num = '0000_old'")
    con.commit()
    con.close()
    called = []
    monkeypatch.setattr(dbengine, "run_migrations", lambda engine: called.append(engine))
    Store.open(folder, sync=False).close()
    backups = list((folder / "backups").glob("*before-migration*.sqlite3"))
    assert called and len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT state FROM progress WHERE milestone_id='python.venv'").fetchall() \
        == [("done",)]
    con.close()
