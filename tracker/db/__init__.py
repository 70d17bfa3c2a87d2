"""Storage: SQLAlchemy models, the Store, migrations, backups. Qt-free.

Kept import-light: ``from tracker.db.store import Store`` pulls in SQLAlchemy, this package
itself does not.
"""
