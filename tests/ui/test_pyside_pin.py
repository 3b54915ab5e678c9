"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a Qt method that
returns nothing and aborts the interpreter after a few thousand calls. We pin below 6.12; this
test makes 100,000 such calls in a child process so lifting the pin is safe only when it passes."""

from __future__ import annotations

import subprocess
import sys

CALLS = 100_000

SCRIPT = f"""
import sys
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument, QTextCharFormat
app = QGuiApplication([])
document = QTextDocument("x" * 100)
cursor = QTextCursor(document)
fmt = QTextCharFormat()
for i in range({CALLS} // 2):
    cursor.setPosition(i % 100)
    cursor.mergeCharFormat(fmt)
print("survived", sys.getrefcount(None) > 0)
"""


def test_a_hundred_thousand_void_qt_calls_do_not_abort_the_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived True" in result.stdout
