"""Indexing the texts a big import left for later, in steps after it commits.

The import's last transaction stays short because its texts are not tokenized in it; they
are indexed here, a few hundred at a time, each step a short write transaction that leaves
room for the app's edits (``pacing``). Until a text is indexed, searches scan it, so they
stay exact. A process that stops before the end leaves the rest pending, scanned by
searches, and the next big import's steps go on from there.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Engine

from annotator.store.engine import writing
from annotator.store.pacing import Pace
from annotator.store.text_index import index_some


def index_later_steps(engine: Engine) -> Iterator[None]:
    """Index every text left for later, one step per item."""
    pace = Pace(size=100, least=10)
    while True:
        count = pace.start()
        with writing(engine) as connection:
            indexed = index_some(connection, count)
        if indexed < count:
            return
        pace.done(indexed)
        yield
