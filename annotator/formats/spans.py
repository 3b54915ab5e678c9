"""The ``spans`` format: one document per line with its labelled character spans.

``{"id", "text", "spans": [{"start", "end", "label", "text"}], "meta": {...}}``, offsets in
code points, end exclusive: the layout spaCy's ``Doc.char_span`` and Prodigy read. A line
with only ``text`` imports as a document without spans.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import Problem
from annotator.core.spans import Origin, Span
from annotator.formats.jsonl import field, json_lines
from annotator.formats.records import Record
from annotator.formats.registry import register_reader


def _spans(value: Any, text: str, source: str, line: int) -> list[Span] | Problem:
    if not isinstance(value, list):
        return Problem(f"field 'spans' must be a list, got {type(value).__name__}", source, line)
    spans = []
    for index, item in enumerate(value):
        where = f"span {index}"
        if not isinstance(item, dict):
            return Problem(f"{where} must be an object", source, line)
        parts = {}
        for name, kind in (("start", int), ("end", int), ("label", str)):
            got = field(item, name, kind, source, line)
            if isinstance(got, Problem):
                return Problem(f"{where}: {got.reason}", source, line)
            parts[name] = got
        start, end = parts["start"], parts["end"]
        if not 0 <= start < end <= len(text):
            return Problem(
                f"{where}: offsets [{start}, {end}) are outside the text (length {len(text)}) "
                "or empty",
                source,
                line,
            )
        quoted = item.get("text")
        if quoted is not None and quoted != text[start:end]:
            return Problem(
                f"{where}: its text {quoted!r} differs from the text at [{start}, {end}): "
                f"{text[start:end]!r}",
                source,
                line,
            )
        spans.append(Span(start, end, parts["label"].strip().lower(), origin=Origin.IMPORTED))
    return spans


def record_from_object(obj: dict[str, Any], path: Path, line: int) -> Record | Problem:
    """A document and its spans from one parsed line of a ``spans`` file."""
    source = str(path)
    text = field(obj, "text", str, source, line)
    if isinstance(text, Problem):
        return text
    if not text.strip():
        return Problem("field 'text' is empty", source, line)
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        return Problem("field 'meta' must be an object", source, line)
    spans = _spans(obj.get("spans", []), text, source, line)
    if isinstance(spans, Problem):
        return spans
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    document = Document(text=text, title=title, meta=meta, source=f"{path.name}:{line}")
    return Record(document=document, source=source, line=line, spans=spans)


@register_reader(
    "spans",
    "JSON Lines, one document per line with character spans",
    (".jsonl", ".json"),
    sniff=lambda obj: "text" in obj and "label" not in obj and "entities" not in obj,
)
def read_spans(path: Path) -> Iterator[Record | Problem]:
    for line, obj in json_lines(path):
        yield obj if isinstance(obj, Problem) else record_from_object(obj, path, line)
