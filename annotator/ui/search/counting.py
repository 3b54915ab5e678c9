"""What the counting process runs (no Qt here: the fork server imports it and nothing of the
window): count the hits on an engine of its own and send the total, or the words of the
failure, through a pipe."""

from __future__ import annotations

from multiprocessing.connection import Connection as Pipe

from sqlalchemy import create_engine

from annotator.core.errors import AnnotatorError
from annotator.core.search import TextQuery
from annotator.store import sqlite
from annotator.store.search import SearchFilter, count_hits


def count_into_pipe(url: str, query: TextQuery, filters: SearchFilter, pipe: Pipe) -> None:
    engine = create_engine(url)
    sqlite.configure(engine)
    try:
        pipe.send(("total", count_hits(engine, query, filters)))
    except AnnotatorError as exc:
        pipe.send(("error", str(exc)))
    except Exception as exc:  # the window shows it in words; the process ends either way
        pipe.send(("error", f"the search failed: {exc}"))
    finally:
        pipe.close()
        engine.dispose()
