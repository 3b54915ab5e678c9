"""Save resources/screenshot.png: the workspace on the seed article, a few spans of every
label (an actor and an agency nested in quotes), one span selected.

Run it with ``make screenshot`` (under Xvfb, so it works without a display).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "resources" / "screenshot.png"

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


def _find(text: str, phrase: str, nth: int) -> int:
    at = -1
    for _ in range(nth + 1):
        at = text.index(phrase, at + 1)
    return at


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="annotator-shot-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from annotator.core.spans import Span
    from annotator.store.documents import document_summaries, get_document
    from annotator.store.spans import add_span
    from annotator.ui.app import application
    from annotator.ui.session import open_database, open_window

    app = application()
    engine = open_database(folder / "screenshot.db")
    document = get_document(engine, document_summaries(engine)[0].id)
    text = document.text
    for label, phrase, nth in SPANS:
        start = _find(text, phrase, nth)
        add_span(engine, document.id, "sam", Span(start, start + len(phrase), label))
    quote_start = text.index(QUOTE_WITH_NESTED)
    quote_end = text.index("are,”", quote_start) + len("are")  # inside the marks, no comma
    add_span(engine, document.id, "sam", Span(quote_start, quote_end, "quote"))

    window = open_window(engine, "sam")
    window.resize(1480, 920)
    window.splitter.setSizes([380, 780, 320])
    window.show()
    app.processEvents()
    # The last span goes in through the keyboard path, so the status bar shows "Saved".
    start = text.index("Karen Bass")
    window.text_view.select_range(start, start + len("Karen Bass"))
    window.apply_label("actor")
    selected = next(s for s in window.workspace.spans.values() if text[s.start : s.end] == SELECTED)
    window.workspace.set_current_span(selected.id)
    window.text_view.verticalScrollBar().setValue(0)
    for _ in range(5):
        app.processEvents()
    OUTPUT.parent.mkdir(exist_ok=True)
    window.grab().save(str(OUTPUT))
    print(f"saved {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
