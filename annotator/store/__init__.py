"""The SQLite store (SQLModel tables, engine, queries). Everything returns core types."""

from annotator.store.changes import Change
from annotator.store.engine import open_store, reading, writing

__all__ = ["Change", "open_store", "reading", "writing"]
