"""On PostgreSQL the open document follows another person's commit as the server announces
it (LISTEN/NOTIFY), without waiting for a poll."""

from __future__ import annotations

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.spans import add_span
from annotator.ui.elsewhere import ElsewhereWatcher
from annotator.ui.session import open_window
from tests import team_pg


def test_another_persons_commit_reloads_the_open_document(qtbot) -> None:
    with team_pg.fresh_database() as url:
        mine, elsewhere = open_store(url), open_store(url)
        doc = add_documents(mine, [Document(text="Zoë 🙂 met ICE in Zürich.", title="Zoë")]).ids[0]
        window = open_window(mine, "ana")
        assert window is not None
        qtbot.addWidget(window)
        watcher = window.workspace.findChild(ElsewhereWatcher)
        assert watcher is not None and watcher.listener is not None
        assert not watcher.timer.isActive()  # no polling: the server says when
        assert watcher.listener.listening.wait(10)
        assert window.workspace.document.id == doc
        add_span(elsewhere, doc, "ana", Span(0, 3, "actor"))  # ana's second window
        qtbot.waitUntil(lambda: len(window.workspace.spans) == 1, timeout=5000)
        assert "changed elsewhere" in window.statusBar().currentMessage()
        window.close()
        watcher.listener.stop()
        mine.dispose()
        elsewhere.dispose()
