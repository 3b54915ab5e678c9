"""Text view benchmarks: opening a big annotated article, and one added span reaching the screen."""

from __future__ import annotations

import dataclasses
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from annotator.core.spans import Span
from annotator.ui.text import AnnotatedTextView
from tests.benchmarks.corpus import LABELS, make_article, make_spans
from tests.benchmarks.harness import benchmark, scaled, timed

COLORS = {"actor": "#e8833a", "agency": "#3d8fd6", "location": "#3aa655", "figure": "#b35fd1",
          "quote": "#d4a017"}  # fmt: skip
SIZE = (1000, 800)


def _app() -> QApplication:
    return QApplication.instance() or QApplication([])


def _article(scale: float, seed: int = 5) -> tuple[str, list[Span]]:
    rng = random.Random(seed)
    text = make_article(rng, chars=scaled(1_000_000, scale, minimum=3000))
    spans = make_spans(rng, text, scaled(10_000, scale, minimum=20))
    return text, [dataclasses.replace(s, id=i + 1) for i, s in enumerate(spans)]


def _shown(widget: QWidget) -> QWidget:
    widget.resize(*SIZE)
    widget.show()
    QApplication.processEvents()
    return widget


@benchmark("textview.open_article")
def open_article(scale: float) -> dict[str, float | int]:
    """set_document + first paint vs a bare QPlainTextEdit.setPlainText + first paint."""
    app = _app()
    text, spans = _article(scale)
    bare_times, view_times = [], []
    for _ in range(3):
        bare = _shown(QPlainTextEdit())
        start = time.perf_counter()
        bare.setPlainText(text)
        bare.repaint()
        bare_times.append(time.perf_counter() - start)
        bare.deleteLater()

        view = _shown(AnnotatedTextView())
        start = time.perf_counter()
        view.set_document(text, spans, COLORS)
        view.repaint()
        view_times.append(time.perf_counter() - start)
        view.deleteLater()
        app.processEvents()
    bare_s, view_s = statistics.median(bare_times), statistics.median(view_times)
    return {
        "chars": len(text),
        "spans": len(spans),
        "bare_ms": bare_s * 1000,
        "view_ms": view_s * 1000,
        "ratio": view_s / bare_s,
    }


@benchmark("textview.add_span_to_paint")
def add_span_to_paint(scale: float) -> dict[str, float | int]:
    """update_spans(added=[span]) until the viewport has repainted, ~50 adds on screen.

    ``bare_repaint_ms`` is one repaint of a bare QPlainTextEdit of the same text and size:
    the floor that Qt's own text drawing sets on this machine.
    """
    _app()
    text, spans = _article(scale, seed=6)
    view = _shown(AnnotatedTextView())
    view.set_document(text, spans, COLORS)
    view.repaint()
    rng = random.Random(8)
    visible = text[: min(len(text), 2500)]
    candidates = make_spans(rng, visible, 200, LABELS)
    adds = scaled(50, max(scale, 1.0), minimum=50)
    times = []
    for i in range(adds):
        span = dataclasses.replace(candidates[i % len(candidates)], id=len(spans) + 1 + i)
        start = time.perf_counter()
        view.update_spans(added=[span])
        view.viewport().repaint()
        times.append(time.perf_counter() - start)
    view.deleteLater()
    bare = _shown(QPlainTextEdit())
    bare.setPlainText(text)
    bare.repaint()
    repaint_s = timed(bare.viewport().repaint, repeat=20)
    bare.deleteLater()
    times.sort()
    return {
        "spans": len(spans),
        "adds": adds,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "bare_repaint_ms": repaint_s * 1000,
    }


@benchmark("textview.hotkey_to_paint")
def hotkey_to_paint(scale: float) -> dict[str, float | int]:
    """A label key pressed in the app's window on a selected word, until the article view has
    repainted with the new span: session, undo stack, store commit (synced to disk), the
    views' refresh. One document with 10,000 spans (at scale 1) in a fresh database.

    ``store_add_ms`` is the store's ``add_span`` alone on the same database: the commit's
    floor under every edit. ``cpu_median_ms`` is this process's CPU time per press, which
    a loaded machine inflates less than the wall-clock figures.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.store import open_store
    from annotator.store.spans import add_span
    from annotator.ui.session import open_window
    from tests.benchmarks.corpus import generate_corpus

    app = _app()
    spans = scaled(10_000, scale, minimum=20)
    with tempfile.TemporaryDirectory() as folder:
        saved_config = os.environ.get("XDG_CONFIG_HOME")
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")
        engine = open_store(Path(folder) / "hotkey.db")
        generate_corpus(engine, 1, spans, annotators=1, chars=scaled(1_000_000, scale, 3000))
        window = open_window(engine, "annotator-1")
        assert window is not None
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        view = window.text_view
        words = [m.span() for m in re.finditer(r"[A-Za-z]{4,}", view.text()[:2500])]
        times, cpu = [], []
        for start, end in words[:40]:
            view.select_range(start, end)
            app.processEvents()
            begin, begin_cpu = time.perf_counter(), time.process_time()
            QTest.keyClick(view, Qt.Key.Key_4)
            view.viewport().repaint()
            times.append(time.perf_counter() - begin)
            cpu.append(time.process_time() - begin_cpu)
        shown = len(window.workspace.spans)
        document = window.workspace.document.id
        window.close()
        window.deleteLater()
        app.processEvents()
        start = time.perf_counter()
        for i, (first, last) in enumerate(words[40:60]):
            add_span(engine, document, "annotator-1", Span(first, last, LABELS[i % len(LABELS)]))
        store_add = (time.perf_counter() - start) / max(1, len(words[40:60]))
        engine.dispose()
        if saved_config is None:
            os.environ.pop("XDG_CONFIG_HOME")
        else:
            os.environ["XDG_CONFIG_HOME"] = saved_config
    times.sort()
    return {
        "spans": shown,
        "presses": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "store_add_ms": store_add * 1000,
    }
