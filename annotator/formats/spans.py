"""The ``spans`` format: one document per line with its labelled character spans.

``{"id", "title", "text", "spans": [{"start", "end", "label", "text"}], "meta": {...}}``,
offsets in code points, end exclusive, spans sorted by (start, end, label): the layout spaCy's
``Doc.char_span`` and Prodigy's span recipes read. Nested and overlapping spans are kept (they
belong in spaCy's ``doc.spans[key]``). A line with only ``text`` imports as a document without
spans.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.core.spans import range_problem
from annotator.formats.exporting import ExportSummary, distinct_spans, whose
from annotator.formats.jsonl import (
    label_problem,
    object_problem,
    offsets_problem,
    records_of,
    text_and_meta,
)
from annotator.formats.records import ReadOptions, ReadSpan, Record
from annotator.formats.registry import register_reader, register_writer
from annotator.store.exporting import ExportItem


def _spans(value: Any, text: str, source: str, line: int) -> list[ReadSpan] | Problem:
    if not isinstance(value, list):
        return Problem(f"field 'spans' must be a list, got {type(value).__name__}", source, line)
    spans = []
    size = len(text)
    labels: dict[str, str] = {}
    for index, item in enumerate(value):
        if type(item) is dict:
            start, end, label = item.get("start"), item.get("end"), item.get("label")
            quoted = item.get("text")
            if (
                range_problem(start, end, size) is None
                and type(label) is str
                and (quoted is None or quoted == text[start:end])
            ):
                name = labels.get(label)
                if name is None:
                    name = labels[label] = normalise_label(label)
                if name:
                    spans.append(ReadSpan(start, end, name))
                    continue
        where = f"span {index}"
        problem = object_problem(item, ("start", "end", "label"), where, source, line)
        if problem:
            return problem
        start, end, label = item["start"], item["end"], item["label"]
        problem = offsets_problem(text, start, end, item.get("text"), where, source, line)
        return problem or label_problem(label, where, source, line) or Problem(where, source, line)
    return spans


def document_of(obj: dict[str, Any], text: str, meta: dict, path: Path, line: int) -> Document:
    """The document a line describes; a missing title is taken from the text."""
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    return Document(text=text, title=title, meta=meta, source=f"{path.name}:{line}")


def record_from_object(obj: dict[str, Any], path: Path, line: int) -> Record | Problem:
    """A document and its spans from one parsed line of a ``spans`` file."""
    source = str(path)
    got = text_and_meta(obj, source, line)
    if isinstance(got, Problem):
        return got
    text, meta = got
    spans = _spans(obj.get("spans", []), text, source, line)
    if isinstance(spans, Problem):
        return spans
    document = document_of(obj, text, meta, path, line)
    return Record(
        document=document, source=source, line=line, spans=spans, annotated="spans" in obj
    )


@register_reader(
    "spans",
    "JSON Lines, one document per line with character spans (spaCy, Prodigy)",
    (".jsonl", ".json"),
    sniff=lambda obj: "text" in obj and not {"label", "entities", "type", "ner_tags"} & obj.keys(),
)
def read_spans(path: Path, options: ReadOptions) -> Iterator[Record | Problem]:
    return records_of(path, record_from_object)


@register_writer("spans", "spans: character offsets (spaCy, Prodigy)", carries_annotator=True)
def encode_spans(item: ExportItem, tally: ExportSummary) -> bytes:
    document = item.document
    text = document.text
    spans = distinct_spans(item.spans, tally)
    tally.wrote(label for _, _, label in spans)
    return orjson.dumps(
        {
            "id": document.id,
            **whose(item),
            "title": document.title,
            "text": text,
            "spans": [
                {"start": start, "end": end, "label": label, "text": text[start:end]}
                for start, end, label in spans
            ],
            "meta": document.meta,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )
