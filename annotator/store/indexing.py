"""Indexing the texts a big import left for later, in steps after it commits.

The import's last transaction stays short because its texts are not tokenized in it; they
are indexed here, a few hundred at a time, each step a short write transaction that leaves
room for the app's edits (``pacing``). Until a text is indexed, searches scan it, so they
stay exact. A process that stops before the end leaves the rest pending, scanned by
searches, and the next import goes on from there once it has committed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Engine

from annotator.store.engine import reading, writing
from annotator.store.pacing import Pace
from annotator.store.text_index import index_some, left_for_later


def index_later_steps(engine: Engine) -> Iterator[None]:
    """Index every text left for later, one step per item (nothing is written when none
    is left)."""
    with reading(engine) as connection:
        if not left_for_later(connection):
            return
    pace = Pace(size=100, least=10)
    while True:
        count = pace.start()
        with writing(engine) as connection:
            indexed = index_some(connection, count)
        if indexed < count:
            return
        pace.done(indexed)
        yield
