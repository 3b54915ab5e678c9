"""The ``doccano`` format: doccano's sequence-labelling JSONL.

Written as ``{"id", "text", "label": [[start, end, "label"], ...], "meta": {...}}`` (doccano
keeps unknown fields as metadata). Read in that layout and in doccano's relation layout,
``{"text", "entities": [{"start_offset", "end_offset", "label"}], ...}`` (relations are not
kept: the store has none).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
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
from annotator.formats.spans import document_of
from annotator.store.exporting import ExportItem


def _triples(obj: dict[str, Any], source: str, line: int) -> list[tuple] | Problem:
    """``(start, end, label, where)`` for each span of either doccano layout."""
    if "entities" in obj:
        entities = obj["entities"]
        if not isinstance(entities, list):
            return Problem("field 'entities' must be a list", source, line)
        out = []
        for index, entity in enumerate(entities):
            where = f"entity {index}"
            names = ("start_offset", "end_offset", "label")
            problem = object_problem(entity, names, where, source, line)
            if problem:
                return problem
            out.append((entity["start_offset"], entity["end_offset"], entity["label"], where))
        return out
    labels = obj.get("label", [])
    if not isinstance(labels, list):
        return Problem("field 'label' must be a list of [start, end, label]", source, line)
    out = []
    for index, item in enumerate(labels):
        where = f"label {index}"
        if not isinstance(item, list) or len(item) != 3:
            return Problem(
                f"{where} must be [start, end, label], got {orjson.dumps(item).decode()} "
                "(text-classification files are not span annotations)",
                source,
                line,
            )
        out.append((*item, where))
    return out


def record_from_doccano(obj: dict[str, Any], path: Path, line: int) -> Record | Problem:
    source = str(path)
    got = text_and_meta(obj, source, line)
    if isinstance(got, Problem):
        return got
    text, meta = got
    triples = _triples(obj, source, line)
    if isinstance(triples, Problem):
        return triples
    spans = []
    for start, end, label, where in triples:
        problem = offsets_problem(text, start, end, None, where, source, line)
        problem = problem or label_problem(label, where, source, line)
        if problem:
            return problem
        spans.append(ReadSpan(start, end, normalise_label(label)))
    document = document_of(obj, text, meta, path, line)
    annotated = "label" in obj or "entities" in obj
    return Record(
        document=document, source=source, line=line, spans=sorted(spans), annotated=annotated
    )


@register_reader(
    "doccano",
    "doccano sequence labelling JSONL ([start, end, label] lists)",
    (".jsonl", ".json"),
    sniff=lambda obj: "text" in obj and ("label" in obj or "entities" in obj),
)
def read_doccano(path: Path, options: ReadOptions) -> Iterator[Record | Problem]:
    return records_of(path, record_from_doccano)


@register_writer("doccano", "doccano: sequence labelling", carries_annotator=True)
def encode_doccano(item: ExportItem, tally: ExportSummary) -> bytes:
    document = item.document
    spans = distinct_spans(item.spans, tally)
    tally.wrote(label for _, _, label in spans)
    return orjson.dumps(
        {
            "id": document.id,
            **whose(item),
            "text": document.text,
            "label": [list(span) for span in spans],
            "meta": document.meta,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )
