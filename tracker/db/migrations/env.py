"""Alembic environment: run on the app's own connection (cookbook recipe), batch mode for
SQLite table rebuilds. The caller turns foreign keys off before and checks them after."""

from alembic import context
from sqlalchemy import Connection

from tracker.db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("alembic: pass a connection or set sqlalchemy.url")
        engine = create_engine(url)
        with engine.connect() as conn:
            _configure(conn)
        return
    _configure(connection)


def _configure(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()
        # Inside the transaction, so a migration that breaks a reference is rolled back.
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign key check failed after migration: {broken[:5]}")


run()
