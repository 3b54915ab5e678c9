"""Shared pieces for the peer-tool format tests: an article with emoji before its spans,
non-ASCII names and a CRLF line break, and where its spans are."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.store.documents import document_summaries, get_document
from annotator.store.spans import document_spans

TEXT = (
    "🚨👩‍👩‍👧 Los Ángeles: ICE detuvo a 44 personas en Paramount.\r\n"
    "Karen Bass 👍🏽 dijo: “No lo aceptaremos”."
)
SPANS = [
    ("Los Ángeles", "location"),
    ("ICE", "agency"),
    ("44 personas", "figure"),
    ("Paramount", "location"),
    ("Karen Bass", "actor"),
    ("“No lo aceptaremos”", "quote"),
]


def at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    """Code-point offsets of ``phrase`` in ``text``."""
    start = text.index(phrase)
    return start, start + len(phrase)


def utf16(offset: int, text: str = TEXT) -> int:
    """The UTF-16 offset of code point ``offset`` (what a JavaScript tool writes)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def write_lines(path: Path, *lines: object, newline: str = "\n") -> Path:
    body = "".join(json.dumps(line, ensure_ascii=False) + newline for line in lines)
    path.write_bytes(body.encode("utf-8"))
    return path


def stored(engine: Engine) -> list[tuple[str, str, str, str]]:
    """Every stored span as (its text, label, annotator, origin), in document order."""
    out = []
    for summary in sorted(document_summaries(engine), key=lambda s: s.id):
        text = get_document(engine, summary.id).text
        for span in document_spans(engine, summary.id):
            out.append((text[span.start : span.end], span.label, span.annotator, span.origin))
    return sorted(out)


def expected(annotator: str, origin: str = "imported", spans=SPANS) -> list[tuple]:
    return sorted((phrase, label, annotator, origin) for phrase, label in spans)
