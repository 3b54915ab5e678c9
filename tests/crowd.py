"""A document three annotators worked on: nested, overlapping and crossing spans, accents,
emoji and a flag, agreements of all three, of two, and spans one annotator alone has."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from annotator.core.documents import Document
from annotator.core.spans import Span
from annotator.store.documents import add_documents
from annotator.store.spans import add_span

TEXT = (
    "Karen Bass 🇺🇸, maire de Los Ángeles, dijo que ICE y la Border Patrol detuvieron "
    "a 44 personas en Paramount 😡 el lunes; «no es justo», añadió Bass. "
    "Según el LAPD, 12 agentes de ICE rodearon el mercado de Paramount."
)


def words(text: str, phrase: str, label: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``phrase`` in ``text`` (code points)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(phrase, at + 1)
    return Span(at, at + len(phrase), label)


def _spans(*items: tuple) -> list[Span]:
    return [words(TEXT, *item) for item in items]


EVERYONE = _spans(
    ("Karen Bass", "actor"), ("Los Ángeles", "location"), ("ICE", "agency"), ("LAPD", "agency")
)
ANA_BEN = _spans(("Border Patrol", "agency"), ("44 personas", "figure"))
ANA_CY = _spans(("Paramount", "location"), ("12 agentes de ICE", "actor"))
LAYERS: dict[str, list[Span]] = {
    "ana": [
        *EVERYONE,
        *ANA_BEN,
        *ANA_CY,
        *_spans(("maire de Los Ángeles", "actor"), ("«no es justo»", "quote")),
        *_spans(("ICE", "agency", 1), ("mercado de Paramount", "location")),
    ],
    "ben": [
        *EVERYONE,
        *ANA_BEN,
        *_spans(("la Border Patrol", "agency"), ("Paramount", "agency"), ("Bass", "actor", 1)),
        *_spans(("12 agentes", "figure"), ("Paramount", "location", 1)),
    ],
    "cy": [
        *EVERYONE,
        *ANA_CY,
        *_spans(("a 44 personas", "figure"), ("Bass 🇺🇸, maire", "actor")),
        *_spans(("no es justo", "quote"), ("ICE", "agency", 1), ("Paramount", "location", 1)),
    ],
}


def add_crowd(engine: Engine, layers: dict[str, list[Span]] = LAYERS, tail: str = "") -> int:
    """Store the document (``tail`` appended: another document) with ``layers``; its id."""
    document = Document(text=TEXT + tail, title="Redada en Paramount")
    doc = add_documents(engine, [document]).ids[0]
    for name, spans in layers.items():
        for span in spans:
            add_span(engine, doc, name, span)
    return doc
