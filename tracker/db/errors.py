"""The storage layer's errors, re-exported from :mod:`tracker.errors` (where they live, so
that the top-level helpers ``paths``, ``validation`` and ``atomicio`` can raise them without
importing ``tracker.db``). Import from either module: the classes are the same objects."""

from __future__ import annotations

from tracker.errors import DamagedContentError as DamagedContentError
from tracker.errors import DamagedDatabaseError as DamagedDatabaseError
from tracker.errors import DatabaseError as DatabaseError
from tracker.errors import InputError as InputError
from tracker.errors import NewerDatabaseError as NewerDatabaseError
from tracker.errors import TrackerError as TrackerError

__all__ = ["DamagedContentError", "DamagedDatabaseError", "DatabaseError", "InputError",
           "NewerDatabaseError", "TrackerError"]
