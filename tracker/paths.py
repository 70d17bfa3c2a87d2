"""Every path the app uses, resolved in one place.

The data folder comes from ``--data-dir``, then ``MLOPS_TRACKER_DATA_DIR``, then
platformdirs' user data folder for ``mlops-tracker``. Resources (curriculum packs, schemas,
icons) come from the source tree when running from a checkout, else from the installed
``tracker.resources`` package.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "mlops-tracker"
DB_FILE_NAME = "tracker.sqlite3"
ENV_DATA_DIR = "MLOPS_TRACKER_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder (not created here). An explicitly empty ``override`` is refused
    (it must never fall back to the real data); an empty environment variable is unset."""
    if override is not None:
        if os.fspath(override) == "":
            from tracker.db.errors import InputError

            raise InputError("--data-dir must not be empty")
        return Path(override).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs  # lazy: only needed for the default location

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def db_path(folder: Path) -> Path:
    return folder / DB_FILE_NAME


def backups_dir(folder: Path) -> Path:
    return folder / "backups"


def installed_pack_path(folder: Path) -> Path:
    """Where `curriculum use FILE` copies a custom pack."""
    return folder / "curriculum" / "active.toml"


def resources_dir() -> Path:
    """The resources folder: the checkout's ``resources/`` or the installed package data."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "resources"
    if (checkout / "curriculum").is_dir():
        return checkout
    from importlib.resources import files

    return Path(str(files("tracker.resources")))


def default_pack_path() -> Path:
    return resources_dir() / "curriculum" / "mlops.toml"
