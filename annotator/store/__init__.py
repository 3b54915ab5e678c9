"""The SQLite store (SQLModel tables, engine, queries). Everything returns core types."""

from annotator.store.changes import Change
from annotator.store.engine import changed_elsewhere, open_store, reading, writing

__all__ = ["Change", "changed_elsewhere", "open_store", "reading", "writing"]
