"""Opening the SQLite file: pragmas, schema check, migrations.

``open_engine`` returns a SQLAlchemy Engine whose connections use WAL, ``synchronous=FULL``,
foreign keys and a generous busy timeout, and whose transactions start with
``BEGIN IMMEDIATE`` so that two writers (the GUI and a CLI command) queue instead of failing
with "database is locked". Alembic is only imported when the schema is not current.

SQLite failures that are not bugs (disk full, I/O error, a lock held past the busy timeout,
a damaged file) reach callers as one-line TrackerErrors (see ``integrity.translate``), so
the CLI prints ``error: ...`` and the GUI a message box instead of a traceback. SQLite rolls
the transaction back in each case: the database stays as it was before the action.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.db import integrity
from tracker.db.errors import DamagedDatabaseError, NewerDatabaseError

if TYPE_CHECKING:  # SQLAlchemy itself is imported lazily (start-up time)
    from sqlalchemy import URL, Engine
    from sqlalchemy.engine import ExceptionContext

# The newest migration this version knows, and all it knows, oldest first. A test checks
# both against Alembic's script directory, so a new migration cannot be forgotten here.
SCHEMA_REVISIONS = ("0001_initial", "0002_pack_format_2")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
# The one connection policy, for the writer's connections (below) and the Reader's (which
# uses :func:`reading_pragmas`): how long a connection waits for another process's lock.
BUSY_TIMEOUT_S = 30.0


def reading_pragmas(con: sqlite3.Connection) -> None:
    """What every connection sets, the Reader's read-side ones included."""
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    con.execute("PRAGMA foreign_keys = ON")


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" hook decide how transactions start.
    dbapi_connection.isolation_level = None
    reading_pragmas(dbapi_connection)
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _on_begin(conn: object) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


def sqlite_url(path: Path) -> URL:
    """The URL of the SQLite file at ``path``, with the path set as it is: never parsed.

    ``f"sqlite:///{path}"`` is parsed as a URL, so a folder named ``a?mode=ro`` sends the
    writes to a file ``a`` (migrating the schema into whatever SQLite file is there), and
    ``%41`` is decoded. ``URL.create`` keeps ``database`` verbatim, and SQLAlchemy's pysqlite
    dialect hands it to ``sqlite3.connect`` as a plain file name (not in URI mode), which is
    what the Reader and every check do too."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(Path(path).absolute()))


def create_engine_for(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(
        sqlite_url(path),
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)

    def _on_error(context: ExceptionContext) -> None:
        exc = context.original_exception
        if isinstance(exc, sqlite3.Error):
            better = integrity.translate(exc, path)
            if better is not None:
                raise better from exc

    event.listen(engine, "handle_error", _on_error)
    return engine


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stored in the file (None for a new or empty file).

    Raises DamagedDatabaseError when the file is not a SQLite database (or is damaged where
    this reads), StorageError when it cannot be read for another reason.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        con = integrity.connect_ro(path, timeout=BUSY_TIMEOUT_S)
        try:
            row = con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if row is None:
                return None
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return rev[0] if rev else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if integrity.is_damage(exc) or not integrity.has_sqlite_header(path):
            raise DamagedDatabaseError(f"{path.name} is damaged or not a database ({exc})",
                                       path=str(path)) from None
        raise (integrity.translate(exc, path) or exc) from None


def check_revision(rev: str | None, path: Path) -> bool:
    """True when a migration is needed; raises for a database from a newer app."""
    if rev is None:
        return True
    if rev not in SCHEMA_REVISIONS:
        raise NewerDatabaseError(
            f"{path} was written by a newer version of MLOps Career Tracker "
            f"(schema {rev}); update the app to open it. The file was not changed.")
    return rev != SCHEMA_HEAD


def run_migrations(engine: Engine) -> None:
    """Upgrade to head on one connection with foreign keys off, then check them."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as conn:
        # PRAGMA foreign_keys is a no-op inside a transaction: set it on the raw connection
        # (autocommit mode) before Alembic begins its transaction.
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection always has its sqlite3 one
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        finally:
            if conn.in_transaction():
                conn.rollback()
            raw.execute("PRAGMA foreign_keys = ON")
