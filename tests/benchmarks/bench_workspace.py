"""Workspace benchmarks: (c) the document list over 100,000 documents; (d) cold start of the
main window against a bare PySide6 window, both as fresh processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QTableView

from annotator.formats.seeds import seed_once
from annotator.store import open_store
from annotator.store.document_list import DocumentQuery, neighbour
from annotator.ui.document_list import DocumentListModel
from annotator.ui.events import Events
from annotator.ui.tables import setup_list_table
from tests.benchmarks.corpus import generate_corpus
from tests.benchmarks.harness import benchmark, scaled

ROOT = Path(__file__).resolve().parents[2]


def _rss_mb() -> float:
    """Resident memory now (not the peak), in MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


@benchmark("workspace.document_list")
def document_list(scale: float) -> dict[str, float | int]:
    """First paint of the list and a jump to its end over N documents (100,000 at scale 1)."""
    app = QApplication.instance() or QApplication([])
    documents = scaled(100_000, scale, minimum=100)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(Path(folder) / "list.db")
        generate_corpus(engine, documents, spans_per_document=6, annotators=3, chars=600)
        app.processEvents()
        before = _rss_mb()

        start = time.perf_counter()
        events = Events()
        table = QTableView()
        setup_list_table(table, row_height=26)
        table.setModel(DocumentListModel(engine, events, DocumentQuery("annotator-1"), table))
        table.resize(420, 900)
        table.show()
        app.processEvents()
        table.viewport().repaint()
        first_paint = _ms(start)

        start = time.perf_counter()
        table.scrollToBottom()
        table.viewport().repaint()
        jump_to_end = _ms(start)
        last = table.model().index(table.model().rowCount() - 1, 0).data()

        start = time.perf_counter()
        table.model().set_query(DocumentQuery("annotator-1", unfinished=True))
        table.viewport().repaint()
        filter_unfinished = _ms(start)

        start = time.perf_counter()
        neighbour(engine, DocumentQuery("annotator-1", unfinished=True), documents // 2, 1, True)
        next_unfinished = _ms(start)
        growth = _rss_mb() - before
        table.close()
        table.deleteLater()
        events.deleteLater()
        app.processEvents()
        engine.dispose()
    return {
        "documents": documents,
        "first_paint_ms": first_paint,
        "jump_to_end_ms": jump_to_end,
        "filter_unfinished_ms": filter_unfinished,
        "next_unfinished_ms": next_unfinished,
        "memory_growth_mb": growth,
        "last_row": str(last),
    }


PROBE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


class Probe(QObject):
    \"\"\"Prints at the first paint of any widget, then at the first paint of the article
    (for the app: the article view showing text).\"\"\"

    seen = set()

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            if "painted" not in self.seen:
                self.seen.add("painted")
                print("painted", flush=True)
            if FILLED(obj.parent()) and "filled" not in self.seen:
                self.seen.add("filled")
                print("filled", flush=True)
                QApplication.instance().quit()
        return False


app = QApplication([])
probe = Probe()
app.installEventFilter(probe)
"""

BARE = (
    PROBE.replace("FILLED", "lambda shown: type(shown).__name__ == 'QMainWindow'")
    + """
from PySide6.QtWidgets import QMainWindow, QWidget
window = QMainWindow()
window.setCentralWidget(QWidget(window))
window.resize(1440, 900)
window.show()
sys.exit(app.exec())
"""
)

APP = (
    PROBE.replace(
        "FILLED",
        "lambda shown: type(shown).__name__ == 'AnnotatedTextView' and shown.toPlainText()",
    )
    + """
from annotator.cli import main
sys.exit(main(["gui", "--db", sys.argv[1], "--annotator", "bench"]))
"""
)


def _time_child(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from starting ``code`` in a fresh Python until each line it prints."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    moments = {}
    for line in child.stdout:
        moments.setdefault(line.strip(), time.perf_counter() - start)
    child.wait(120)
    return moments


@benchmark("workspace.cold_start")
def cold_start(scale: float) -> dict[str, float | int]:
    """Process start to the first painted main window and to the article painted in it, on
    the seed corpus, started as ``annotator gui`` is; vs a bare ``QMainWindow``."""
    runs = 7 if scale >= 0.1 else 1
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "seed.db"
        engine = open_store(database)
        seed_once(engine)
        engine.dispose()
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(Path(folder) / "config"),
        }
        bare, painted, filled = [], [], []
        for _ in range(runs):
            bare.append(_time_child(BARE, env=env)["painted"])
            app = _time_child(APP, str(database), env=env)
            painted.append(app["painted"])
            filled.append(app["filled"])
    bare_s = statistics.median(bare)
    painted_s, filled_s = statistics.median(painted), statistics.median(filled)
    return {
        "runs": runs,
        "bare_window_ms": bare_s * 1000,
        "app_window_ms": painted_s * 1000,
        "app_article_ms": filled_s * 1000,
        "window_ratio": painted_s / bare_s,
        "article_ratio": filled_s / bare_s,
    }
