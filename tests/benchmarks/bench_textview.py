"""Text view benchmarks: opening a big annotated article, and one added span reaching the screen."""

from __future__ import annotations

import dataclasses
import random
import statistics
import time

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
