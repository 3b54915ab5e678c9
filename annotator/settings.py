"""Where things live: the default database and the user's settings folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "annotator"
SUGGESTION_THRESHOLD = 0.5
"""The held-out F1 a suggester must reach before its suggestions are offered (default)."""


def default_database() -> str | Path:
    """``ANNOTATOR_DB`` if set (a file path, or a URL such as ``postgresql://host/db``),
    otherwise ``annotator.db`` in the user's data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return env if "://" in env else Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "annotator.db"


def exports_folder() -> Path:
    """Where exports go unless told: ``exports/`` in the current folder when there is one (a
    clone of the project), otherwise ``exports/`` in the user's data folder; never inside the
    installed package."""
    here = Path.cwd() / "exports"
    if here.is_dir():
        return here
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "exports"


def settings_file() -> Path:
    """The app's settings (window layout, identity, preferences) in the user's config folder."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "annotator.ini"
