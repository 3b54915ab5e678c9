"""The SQLite store (SQLModel tables, engine, queries). Everything returns core types.

The names below load the engine (and so SQLAlchemy) on first use, not when a submodule such
as ``annotator.store.glance`` is imported: the app paints before SQLAlchemy is loaded.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.store.changes import Change
    from annotator.store.engine import changed_elsewhere, open_store, reading, writing

__all__ = ["Change", "changed_elsewhere", "open_store", "reading", "writing"]
_HOMES = {"Change": "annotator.store.changes"} | dict.fromkeys(
    ("changed_elsewhere", "open_store", "reading", "writing"), "annotator.store.engine"
)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'annotator.store' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
