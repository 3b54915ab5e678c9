"""Child process for the SIGKILL test: start the app, tag a word with real key presses,
print a line once the window shows the edit as saved, then keep running until killed.

Usage: python -m tests.ui.edit_then_wait DATABASE START END
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from annotator.store import open_store
from annotator.ui.app import application
from annotator.ui.session import open_window


def main() -> None:
    database, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = application()
    window = open_window(open_store(database), "alice")
    window.show()
    window.activateWindow()
    view = window.text_view

    def edit() -> None:
        view.setFocus()
        cursor = view.textCursor()
        cursor.setPosition(start)
        view.setTextCursor(cursor)
        for _ in range(end - start):
            QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        QTest.keyClick(view, Qt.Key.Key_1)
        if window.statusBar().saved.text() == "✓ Saved":
            print("saved", flush=True)

    QTimer.singleShot(200, edit)
    app.exec()


if __name__ == "__main__":
    main()
