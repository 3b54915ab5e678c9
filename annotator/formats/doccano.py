"""The ``doccano`` formats: doccano's sequence-labelling JSONL in all the layouts it writes.

Read: ``{"text", "label": [[start, end, "label"], ...]}`` (also under ``"labels"``, as
doccano's own test data and common doccano utilities write it); the relation layout
``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [...]}``
whose relations ``{"id", "from_id", "to_id", "type"}`` link two entities; and the older
download layout
``{"text", "annotations": [{"label": <label id>, "start_offset", "end_offset", "user"}]}``,
whose numeric label ids need names (``--map 1=actor,...``) and whose users become annotators
``doccano-<user>`` unless an annotator is named. Offsets are code points unless the file
counts UTF-16 units (``--offsets utf16``; doccano issue 2290). Any other field that looks
like annotations is refused rather than ignored.

Written as ``{"id", "text", "label": [[start, end, "label"], ...], "meta"}`` (``doccano``) or
in the relation layout (``doccano-entities``: entities numbered from 1, and the links between
them as relations).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.formats.exporting import distinct_spans, whose
from annotator.formats.jsonl import (
    annotator_problem,
    filled,
    label_problem,
    object_problem,
    offsets_problem,
    records_of,
    text_and_meta,
    unread_annotations,
)
from annotator.formats.links import distinct_links, read_links
from annotator.formats.offsets import converted, utf16_converter
from annotator.formats.records import ReadOptions, ReadRelation, ReadSpan, Record, Skipped
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.formats.spans import document_of
from annotator.store.exporting import ExportItem

LAYOUTS = ("label", "labels", "entities", "annotations")
SINGULAR = {"label": "label", "labels": "label", "entities": "entity", "annotations": "annotation"}
OBJECT_FIELDS = ("start_offset", "end_offset", "label")


def _layout(obj: dict[str, Any], source: str, line: int) -> tuple[str, list] | Problem | None:
    """The field holding the line's spans and its items (``None``: no spans)."""
    layouts = [name for name in LAYOUTS if filled(obj.get(name))]
    if len(layouts) > 1:
        return Problem(
            f"fields {' and '.join(map(repr, layouts))} both hold spans; keep one of them",
            source,
            line,
        )
    if not layouts:
        return None
    name = layouts[0]
    items = obj[name]
    if not isinstance(items, list):
        return Problem(f"field {name!r} must be a list, got {type(items).__name__}", source, line)
    return name, items


def _shape_problem(name: str, item: Any, where: str, source: str, line: int) -> Problem | None:
    if name in ("label", "labels"):
        if isinstance(item, list) and len(item) == 3:
            return None
        return Problem(
            f"{where} must be [start, end, label], got {orjson.dumps(item).decode()} "
            "(text-classification files are not span annotations)",
            source,
            line,
        )
    return object_problem(item, OBJECT_FIELDS, where, source, line)


def _spans(
    name: str, items: list, text: str, options: ReadOptions, source: str, line: int
) -> list[ReadSpan] | Problem:
    """The spans of a line's span field, checked against its text.

    The common case (code-point offsets inside the text, a label name) takes one pass of
    plain tests: a big import reads hundreds of thousands of spans."""
    triples = name in ("label", "labels")
    convert = utf16_converter(text) if options.utf16_offsets else None
    size = len(text)
    names: dict[str, str] = {}
    mapped = {normalise_label(old) for old in options.label_map}
    spans = []
    for index, item in enumerate(items):
        if triples and type(item) is list and len(item) == 3:
            start, end, label = item
            user = None
        elif not triples and type(item) is dict and item.keys() >= set(OBJECT_FIELDS):
            start, end, label = item["start_offset"], item["end_offset"], item["label"]
            user = item.get("user")
        else:
            return _shape_problem(name, item, f"{SINGULAR[name]} {index}", source, line) or (
                Problem(f"{SINGULAR[name]} {index}", source, line)
            )
        if convert is not None:
            pair = converted(convert, start, end, f"{SINGULAR[name]} {index}", source, line)
            if isinstance(pair, Problem):
                return pair
            start, end = pair
        who = None if user is None else _annotator(user, options)
        problem = annotator_problem(who, f"{SINGULAR[name]} {index}", source, line)
        if problem:
            return problem
        if type(start) is int and type(end) is int and 0 <= start < end <= size:
            known = names.get(label) if type(label) is str else None
            if known is None and type(label) is str:
                known = names[label] = normalise_label(label)
            if known:
                spans.append(ReadSpan(start, end, known, who))
                continue
        where = f"{SINGULAR[name]} {index}"
        problem = offsets_problem(text, start, end, None, where, source, line)
        named = problem or _label(label, mapped, where, source, line)
        if isinstance(named, Problem):
            return named
        spans.append(ReadSpan(start, end, named, who))
    return spans


def _label(label: Any, mapped: set[str], where: str, source: str, line: int) -> str | Problem:
    """The label's name; a numeric label id (the older layout) must be named by the map."""
    if type(label) is int:
        if str(label) in mapped:
            return str(label)
        return Problem(
            f"{where}: label {label} is a doccano label id, not a name; name the ids with "
            f"--map, e.g. --map {label}=actor",
            source,
            line,
        )
    return label_problem(label, where, source, line) or normalise_label(label)


def _annotator(user: Any, options: ReadOptions) -> str | None:
    if options.annotator or user is None or isinstance(user, bool):
        return None
    return f"doccano-{user}"


def doccano_items(
    obj: dict[str, Any], path: Path, line: int, options: ReadOptions
) -> Iterator[Record | Problem | Skipped]:
    """The document and spans one doccano line holds, and what of it is not read."""
    source = str(path)
    got = text_and_meta(obj, source, line)
    if isinstance(got, Problem):
        yield got
        return
    layout = _layout(obj, source, line)
    if isinstance(layout, Problem):
        yield layout
        return
    problem = unread_annotations(obj, {*LAYOUTS, "relations"}, "doccano", source, line)
    if problem is not None:
        yield problem
        return
    text, meta = got
    relations = obj.get("relations")
    if relations and not isinstance(relations, list):
        yield Problem("field 'relations' must be a list", source, line)
        return
    spans = _spans(*layout, text, options, source, line) if layout else []
    if isinstance(spans, Problem):
        yield spans
        return
    links = _relations(relations or [], layout, spans, source, line)
    if isinstance(links, Problem):
        yield links
        return
    document = document_of(obj, text, meta, path, line)
    annotated = any(name in obj for name in LAYOUTS)
    yield Record(
        document=document,
        source=source,
        line=line,
        spans=sorted(spans),
        annotated=annotated,
        relations=links,
    )


def _relations(
    relations: list,
    layout: tuple[str, list] | None,
    spans: list[ReadSpan],
    source: str,
    line: int,
) -> list[ReadRelation] | Problem:
    """The links of a line: relations name the ids of its entities."""
    if not relations:
        return []
    if layout is None or layout[0] != "entities":
        return Problem("field 'relations' needs 'entities' with ids to link", source, line)
    ids = {
        item.get("id"): (span.start, span.end, span.label)
        for item, span in zip(layout[1], spans, strict=True)
    }
    found = []
    for index, item in enumerate(relations):
        problem = object_problem(
            item, ("from_id", "to_id", "type"), f"relation {index}", source, line
        )
        if problem:
            return problem
        found.append((ids.get(item["from_id"]), ids.get(item["to_id"]), item["type"]))
    return read_links(found, spans, source, line)


def looks_like_doccano(obj: dict[str, Any]) -> bool:
    """A line with text and a field of one of doccano's layouts (Label Studio's JSON-MIN
    also has ``text`` and ``label``, holding objects with ``start`` and ``labels``)."""
    if "text" not in obj:
        return False
    for name in LAYOUTS:
        items = obj.get(name)
        if isinstance(items, list):
            first = items[0] if items else None
            if not isinstance(first, dict) or "start_offset" in first:
                return True
    return False


@register_reader(
    "doccano",
    "doccano sequence labelling JSONL (label/labels lists, entities, older annotations)",
    (".jsonl", ".json"),
    sniff=looks_like_doccano,
)
def read_doccano(path: Path, options: ReadOptions) -> Iterator[Record | Problem | Skipped]:
    return records_of(path, partial(doccano_items, options=options))


def _doccano_line(item: ExportItem, tally: Tally, entities: bool) -> bytes:
    document = item.document
    spans = distinct_spans(item.spans, tally)
    tally.wrote(label for _, _, label in spans)
    layout: dict[str, Any] = {"id": document.id, **whose(item), "text": document.text}
    if entities:
        layout["entities"] = [
            {"id": index, "label": label, "start_offset": start, "end_offset": end}
            for index, (start, end, label) in enumerate(spans, start=1)
        ]
        ids = {span: index for index, span in enumerate(spans, start=1)}
        layout["relations"] = [
            {"id": index, "from_id": ids[head], "to_id": ids[child], "type": label}
            for index, (head, child, label) in enumerate(distinct_links(item), start=1)
        ]
    else:
        layout["label"] = [list(span) for span in spans]
    layout["meta"] = document.meta
    return orjson.dumps(layout, option=orjson.OPT_APPEND_NEWLINE)


@register_writer("doccano", "doccano: sequence labelling", carries_annotator=True)
def encode_doccano(item: ExportItem, tally: Tally) -> bytes:
    return _doccano_line(item, tally, entities=False)


@register_writer(
    "doccano-entities",
    "doccano: sequence labelling with relations (entities)",
    carries_annotator=True,
)
def encode_doccano_entities(item: ExportItem, tally: Tally) -> bytes:
    return _doccano_line(item, tally, entities=True)
