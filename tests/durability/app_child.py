"""The desktop app in a child process, tagging and deleting words with real key presses until
it is killed. Same protocol as ``tests.durability.child``: ``ready`` once the window shows the
document, ``intent {json}`` before each edit and ``ack {json}`` once the window shows the edit
as saved.

Usage: python -m tests.durability.app_child DATABASE SEED
"""

from __future__ import annotations

import random
import re
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from annotator.store import open_store
from annotator.ui.app import application
from annotator.ui.session import open_window
from tests.durability.child import LABELS, say

KEYS = {label: getattr(Qt.Key, f"Key_{n}") for n, label in enumerate(LABELS, start=1)}


def main() -> None:
    database, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    app = application()
    window = open_window(open_store(database), "alice")
    window.show()
    view = window.text_view
    workspace = window.workspace
    words = [m.span() for m in re.finditer(r"\w+", workspace.document.text)]
    saved = window.statusBar().saved

    def edit() -> None:
        view.setFocus()
        if workspace.spans and rng.random() < 0.3:
            span_id = rng.choice(sorted(workspace.spans))
            workspace.set_current_span(span_id)
            say("intent", {"op": "delete", "id": span_id})
            saved.clear()
            QTest.keyClick(view, Qt.Key.Key_Delete)
            if saved.text() == "✓ Saved" and span_id not in workspace.spans:
                say("ack", {"op": "delete", "id": span_id})
        else:
            start, end = rng.choice(words)
            label = rng.choice(LABELS)
            say("intent", {"op": "add", "start": start, "end": end, "label": label})
            workspace.set_current_span(None)
            cursor = view.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
            before = set(workspace.spans)
            saved.clear()
            QTest.keyClick(view, KEYS[label])
            added = set(workspace.spans) - before
            if saved.text() == "✓ Saved" and added:
                span = workspace.spans[added.pop()]
                say(
                    "ack",
                    {
                        "op": "add",
                        "id": span.id,
                        **dict(zip(("start", "end", "label"), span.key, strict=True)),
                    },
                )
            else:
                say("refused", {"op": "add"})
        QTimer.singleShot(0, edit)

    say("ready")
    QTimer.singleShot(0, edit)
    app.exec()


if __name__ == "__main__":
    main()
