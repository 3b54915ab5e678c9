"""LISTEN/NOTIFY: another person's commit is heard, with the document it changed."""

from __future__ import annotations

import queue

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.listening import ChangeListener, can_listen
from annotator.store.spans import add_span, delete_span
from annotator.store.status import Status, set_status
from tests import team_pg


def test_commits_on_postgres_are_heard_with_their_document() -> None:
    with team_pg.fresh_database() as url:
        mine, theirs = open_store(url), open_store(url)
        heard: queue.Queue[int | None] = queue.Queue()
        listener = ChangeListener(mine, heard.put)
        try:
            docs = add_documents(theirs, [Document(text="Zoë 🙂 spoke in Zürich.", title="Z")]).ids
            assert can_listen(mine)
            listener.start()
            assert listener.listening.wait(10)
            span, _ = add_span(theirs, docs[0], "ben", Span(0, 3, "actor"))
            assert heard.get(timeout=10) == docs[0]
            set_status(theirs, docs[0], "ben", Status.DONE)
            delete_span(theirs, span.id, "ben")
            assert [heard.get(timeout=10), heard.get(timeout=10)] == [docs[0], docs[0]]
        finally:
            listener.stop()
            mine.dispose()
            theirs.dispose()
