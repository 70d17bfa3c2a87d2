"""The stdlib Reader's hand-written SELECTs against the SQLAlchemy models.

The schema is defined by the models (tracker/db/models.py); the Reader reads it with plain
sqlite3 and maps rows onto dataclasses by position. These tests record every statement each
public Reader method runs and check that (1) it runs on a database built from the models
alone, so every table and column it names exists there, and (2) where a row is mapped by
position, the selected columns are the dataclass's fields in the dataclass's order.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sqlite3
from pathlib import Path

import pytest

from tracker.curriculum.model import Area, CatalogCertification, Level, Milestone, Skill
from tracker.db.reader import Reader
from tracker.db.types import Certification, Evidence, Profile, ProgressEntry, Review, StudySession

# An argument for each required parameter a Reader method may have.
SAMPLE_ARGS = {"key": "schema", "prefix": "export:", "since": "2020-01-01T00:00:00Z",
               "since_day": "2020-01-01", "milestone": "python.venv", "day": "2020-01-01",
               "min_minutes": 15}
NOT_QUERIES = {"read", "close"}

# (method, table, dataclass) for each SELECT whose rows become dataclasses by position.
POSITIONAL = [
    ("curriculum", "level", Level),
    ("curriculum", "area", Area),
    ("curriculum", "skill", Skill),
    ("curriculum", "milestone", Milestone),
    ("curriculum", "catalog_certification", CatalogCertification),
    ("profile", "profile", Profile),
    ("progress", "progress", ProgressEntry),
    ("evidence", "evidence", Evidence),
    ("certifications", "certification", Certification),
    ("study_sessions", "study_session", StudySession),
    ("reviews", "review", Review),
]


@pytest.fixture
def statements(filled_store, monkeypatch) -> dict[str, list[str]]:
    """Every statement each public Reader method runs, by method name."""
    reader: Reader = filled_store._read
    seen: list[str] = []
    original = Reader._conn

    def traced(self: Reader) -> sqlite3.Connection:
        con = original(self)
        con.set_trace_callback(seen.append)
        return con

    monkeypatch.setattr(Reader, "_conn", traced)
    out: dict[str, list[str]] = {}
    for name, method in inspect.getmembers(reader, inspect.ismethod):
        if name.startswith("_") or name in NOT_QUERIES:
            continue
        params = [p for p in inspect.signature(method).parameters.values()
                  if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
        missing = [p.name for p in params if p.name not in SAMPLE_ARGS]
        assert not missing, f"add a sample value for Reader.{name}({missing}) to SAMPLE_ARGS"
        seen.clear()
        method(**{p.name: SAMPLE_ARGS[p.name] for p in params})
        out[name] = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    return out


@pytest.fixture
def filled_store(store):
    from tracker.db.types import CertificationInput

    store.set_states({"python.venv": "done", "python.packaging": "learning"})
    store.add_certification(CertificationInput(name="CKA", issuer="CNCF", earned="2025-03-01"))
    store.add_study_session(45, day="2025-03-02", note="helm charts")
    store.add_reviews([Review("python.venv", "verified", "nice", "Ana", "2025-03-03T10:00:00Z",
                              "", "")])
    return store


@pytest.fixture
def models_db(tmp_path: Path) -> sqlite3.Connection:
    """An empty database built from the SQLAlchemy models only (no migrations)."""
    from sqlalchemy import create_engine

    from tracker.db.engine import sqlite_url
    from tracker.db.models import Base

    path = tmp_path / "models.sqlite3"
    engine = create_engine(sqlite_url(path))
    Base.metadata.create_all(engine)
    engine.dispose()
    con = sqlite3.connect(path)
    yield con
    con.close()


def _columns(con: sqlite3.Connection, sql: str) -> list[str]:
    cur = con.execute(sql, (None,) * sql.count("?"))
    return [d[0] for d in cur.description]


def test_every_reader_select_runs_on_the_schema_the_models_define(statements, models_db):
    assert len(statements) >= 15 and sum(map(len, statements.values())) >= 25
    for name, sqls in statements.items():
        for sql in sqls:
            try:
                _columns(models_db, sql)
            except sqlite3.Error as exc:
                pytest.fail(f"Reader.{name}: {exc}, in: {sql}")


def _field_of(column: str, fields: list[str]) -> str:
    """The dataclass field a column fills: ``skill_id`` fills ``skill``."""
    return column if column in fields else column.removesuffix("_id")


@pytest.mark.parametrize(("method", "table", "cls"), POSITIONAL,
                         ids=[f"{m}-{t}" for m, t, _ in POSITIONAL])
def test_rows_mapped_by_position_select_the_fields_in_order(statements, models_db, method,
                                                            table, cls):
    sqls = [s for s in statements[method] if re.search(rf"\bFROM {table}\b", s)]
    assert sqls, f"Reader.{method} no longer reads {table}: update POSITIONAL"
    fields = [f.name for f in dataclasses.fields(cls)]
    model_columns = _columns(models_db, f"SELECT * FROM {table}")
    for sql in sqls:
        columns = _columns(models_db, sql)
        assert set(columns) <= set(model_columns), sql
        # The leading columns fill the leading fields, in order; a column after them that
        # is no field (Review: the row id, for sorting) is read for another purpose.
        filled = [_field_of(c, fields) for c in columns]
        n = len([f for f in filled if f in fields])
        assert n >= 2 and filled[:n] == fields[:n], (
            f"{cls.__name__} fields {fields} but Reader.{method} selects {columns}")
