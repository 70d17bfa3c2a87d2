"""Errors the app raises with a message fit to show a user as it is.

They live outside `tracker.db` so that every layer (the top-level helpers, db, exchange,
the CLI and the GUI) can raise and catch them without an import cycle;
`tracker.db.errors` re-exports them for older imports."""

from __future__ import annotations


class TrackerError(Exception):
    """Base: ``str(exc)`` is one line a user can read."""


class InputError(TrackerError):
    """Bad input (a form field, a CLI argument, a file): nothing was changed."""


class DatabaseError(TrackerError):
    """The database cannot be used as it is."""


class NewerDatabaseError(DatabaseError):
    """The file was written by a newer version of the app; it is left untouched."""


class DamagedDatabaseError(DatabaseError):
    """The file is damaged or not a database. ``moved_to`` is where it was put aside."""

    def __init__(self, message: str, path: str = "", moved_to: str = "",
                 newest_backup: str = ""):
        super().__init__(message)
        self.path = path
        self.moved_to = moved_to
        self.newest_backup = newest_backup


class DamagedContentError(DatabaseError):
    """A stored value this app never writes: damage ``quick_check`` cannot see (a flipped
    byte in a text column, an unknown state or level, broken JSON in a column). The file is
    left where it is; ``str(exc)`` says what is wrong and how to restore the newest good
    backup (``newest_backup``, empty when there is none). ``problem`` is the short part."""

    def __init__(self, message: str, path: str = "", problem: str = "",
                 newest_backup: str = ""):
        super().__init__(message)
        self.path = path
        self.problem = problem
        self.newest_backup = newest_backup
