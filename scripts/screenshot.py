"""Save the README's screenshots into resources/, one function per shot:

- screenshot.png: the workspace on the seed article, a few spans of every label (an actor
  and an agency nested in quotes), one span selected;
- main-900x600.png: the same window at 900x600;
- crossing.png: the article's top at a larger zoom, where a figure span crosses an actor
  span inside a quote;
- review.png: the review window for sam and ben mid-review, two disagreements decided;
- agreement.png: the agreement view for sam and a second annotator, ben.

Run it with ``make screenshot`` (under Xvfb, so it works without a display). A new shot is a
function taking the ``Shot`` (the app, the database, the seed document) and returning the
widget to grab, added to ``SHOTS``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"

SPANS = [
    ("agency", "US Immigration and Customs Enforcement", 0),
    ("figure", "at least 44 people", 0),
    ("location", "downtown Los Angeles", 0),
    ("location", "Los Angeles, California", 0),
    ("agency", "Border Patrol", 0),
    ("location", "Paramount", 0),
    ("actor", "bystanders", 0),
    ("agency", "ICE", 0),
    ("location", "Paramount", 1),
    ("actor", "a woman", 0),
    ("quote", "You are not welcome here.", 0),
    ("quote", "No Human Being is Illegal.", 0),
    ("agency", "US Border Patrol", 0),
    ("figure", "at least 44 people", 1),
    ("agency", "The American Civil Liberties Union", 0),
    ("agency", "ACLU", 0),
    ("actor", "our elected officials", 0),
]
QUOTE_WITH_NESTED = "ICE [Immigration and Customs Enforcement] out of Paramount. We see you for"
SELECTED = "a woman"
# ben's layer: agrees on most of sam's spans, misses some, labels Paramount an agency and
# marks "44 people" short of sam's "at least 44 people".
BEN_SKIPS = {("actor", "bystanders", 0), ("quote", "No Human Being is Illegal.", 0)}
BEN_EXTRA = [("agency", "Paramount", 0), ("figure", "44 people", 0), ("actor", "Karen Bass", 0)]


def _find(text: str, phrase: str, nth: int) -> int:
    at = -1
    for _ in range(nth + 1):
        at = text.index(phrase, at + 1)
    return at


@dataclass
class Shot:
    """What every shot starts from: the app and a database with the seed article."""

    app: Any
    engine: Any
    document: Any
    window: Any = None

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()


def _spans_for(text: str, items: list[tuple[str, str, int]]) -> list[Any]:
    from annotator.core.spans import Span

    spans = []
    for label, phrase, nth in items:
        start = _find(text, phrase, nth)
        spans.append(Span(start, start + len(phrase), label))
    return spans


def _add_layers(shot: Shot) -> None:
    """sam's spans (one quote with nested spans inside its marks, and a span crossing one of
    them) and ben's second layer."""
    from annotator.core.spans import Span
    from annotator.store.spans import add_span

    document = shot.document
    text = document.text
    for span in _spans_for(text, SPANS):
        add_span(shot.engine, document.id, "sam", span)
    quote_start = text.index(QUOTE_WITH_NESTED)
    quote_end = text.index("are,”", quote_start) + len("are")  # inside the marks, no comma
    add_span(shot.engine, document.id, "sam", Span(quote_start, quote_end, "quote"))
    customs = text.index("Customs Enforcement]", quote_start)
    add_span(
        shot.engine,
        document.id,
        "sam",
        Span(customs, customs + len("Customs Enforcement"), "actor"),
    )
    crossing = text.index("Enforcement]", quote_start)
    paramount = text.index("Paramount", crossing) + len("Paramount")
    add_span(shot.engine, document.id, "sam", Span(crossing, paramount, "figure"))
    ben = [item for item in SPANS if item not in BEN_SKIPS] + BEN_EXTRA
    for span in _spans_for(text, ben):
        add_span(shot.engine, document.id, "ben", span)


def main_window(shot: Shot) -> Any:
    """The workspace at 1480x920, the last span tagged through the keyboard path (so the
    status bar shows "Saved"), one span selected."""
    from annotator.ui.session import open_window

    text = shot.document.text
    window = open_window(shot.engine, "sam")
    shot.window = window
    window.resize(1480, 920)
    window.show()
    shot.app.processEvents()
    start = text.index("Karen Bass")
    window.text_view.select_range(start, start + len("Karen Bass"))
    window.apply_label("actor")
    selected = next(s for s in window.workspace.spans.values() if text[s.start : s.end] == SELECTED)
    window.workspace.set_current_span(selected.id)
    window.text_view.verticalScrollBar().setValue(0)
    shot.settle()
    return window


def main_window_small(shot: Shot) -> Any:
    """The same window at 900x600, the panes split as a new window at that size splits them."""
    from annotator.ui.main_window import pane_sizes

    window = shot.window
    window.resize(900, 600)
    window.splitter.setSizes(pane_sizes(900))
    window.text_view.verticalScrollBar().setValue(0)
    shot.settle()
    return window


def crossing(shot: Shot) -> Any:
    """The quote of the second paragraph, where a figure crosses an actor, zoomed in."""
    window = shot.window
    window.resize(1300, 460)
    window.splitter.setSizes([250, 800, 250])
    view = window.text_view
    view.set_zoom(2)
    block = view.document().findBlock(shot.document.text.index(QUOTE_WITH_NESTED))
    view.verticalScrollBar().setValue(block.firstLineNumber())
    shot.settle()
    return view


def review_window(shot: Shot) -> Any:
    """The review window at 1280x800, sam's and ben's layers side by side, the first two
    disagreements decided (one accepted, one rejected)."""
    from annotator.ui.review.window import ReviewWindow

    window = ReviewWindow(shot.engine, "rev")
    window.open_document(shot.document.id)
    window.resize(1280, 800)
    window.show()
    shot.settle()
    window.accept(0)
    window.reject()
    shot.settle()
    return window


def agreement_view(shot: Shot) -> Any:
    """The agreement view for sam and ben on the seed article."""
    from annotator.ui.review.agreement_view import AgreementView

    view = AgreementView(shot.engine, ["ben", "sam"], shot.document.id)
    view.resize(720, 620)
    view.show()
    shot.settle()
    return view


SHOTS: list[tuple[str, Callable[[Shot], Any]]] = [
    ("screenshot.png", main_window),
    ("main-900x600.png", main_window_small),
    ("agreement.png", agreement_view),
    ("crossing.png", crossing),
    ("review.png", review_window),
]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="annotator-shot-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from annotator.store.documents import document_summaries, get_document
    from annotator.ui.app import application
    from annotator.ui.session import open_database

    app = application()
    engine = open_database(folder / "screenshot.db")
    shot = Shot(app, engine, get_document(engine, document_summaries(engine)[0].id))
    _add_layers(shot)
    RESOURCES.mkdir(exist_ok=True)
    for name, take in SHOTS:
        widget = take(shot)
        widget.grab().save(str(RESOURCES / name))
        print(f"saved {(RESOURCES / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
