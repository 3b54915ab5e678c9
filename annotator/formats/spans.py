"""The ``spans`` format: one document per line with its labelled character spans.

``{"id", "title", "text", "spans": [{"start", "end", "label", "text"}], "relations": [{"head",
"child", "label"}], "meta": {...}}``, each link's head and child a ``{"start", "end", "label"}``
of one of the spans,
offsets in code points, end exclusive, spans sorted by (start, end, label): the layout spaCy's
``Doc.char_span`` and Prodigy's span recipes read. Nested and overlapping spans are kept (they
belong in spaCy's ``doc.spans[key]``). A line with only ``text`` imports as a document without
spans.

Prodigy's examples are read too: only ``"answer": "accept"`` gives spans; the spans of
rejected and ignored examples are counted as not read and the answer is kept in the
document's ``meta``; ``_annotator_id`` names the annotator (unless one is named on import);
Prodigy's relations are read by their ``head_span`` and ``child_span`` (those naming only
tokens are counted as not read), and choice answers are counted as not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.formats.exporting import distinct_spans, whose
from annotator.formats.jsonl import (
    ANNOTATION_FIELDS,
    annotator_problem,
    filled,
    holds_ranges,
    label_problem,
    object_problem,
    offsets_problem,
    records_of,
    text_and_meta,
    unread_annotations,
)
from annotator.formats.links import distinct_links, link_end, read_links, span_key
from annotator.formats.offsets import Converter, converted, utf16_converter
from annotator.formats.records import ReadOptions, ReadRelation, ReadSpan, Record, Skipped
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.store.exporting import ExportItem


def _spans(
    value: Any, text: str, source: str, line: int, convert: Converter | None = None
) -> list[ReadSpan] | Problem:
    """The spans of a line; ``convert`` turns the file's offsets into code points when they
    are not (UTF-16 files)."""
    if not isinstance(value, list):
        return Problem(f"field 'spans' must be a list, got {type(value).__name__}", source, line)
    spans = []
    size = len(text)
    labels: dict[str, str] = {}
    for index, item in enumerate(value):
        if type(item) is dict:
            start, end, label = item.get("start"), item.get("end"), item.get("label")
            if convert is not None:
                pair = converted(convert, start, end, f"span {index}", source, line)
                if isinstance(pair, Problem):
                    return pair
                start, end = pair
            quoted = item.get("text")
            if (
                type(start) is int
                and type(end) is int
                and 0 <= start < end <= size
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
        label = item["label"]
        problem = offsets_problem(text, start, end, item.get("text"), where, source, line)
        return problem or label_problem(label, where, source, line) or Problem(where, source, line)
    return spans


def document_of(obj: dict[str, Any], text: str, meta: dict, path: Path, line: int) -> Document:
    """The document a line describes; a missing title is taken from the text."""
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    return Document(text=text, title=title, meta=meta, source=f"{path.name}:{line}")


ANSWERS = ("accept", "reject", "ignore")
READ = {"spans", "tokens", "relations"}


def _answered(
    obj: dict[str, Any], spans: list[ReadSpan], source: str, line: int
) -> tuple[list[ReadSpan], list[Skipped]] | Problem:
    """Prodigy's ``answer``: only accepted examples give spans; the others are counted.
    Relations and choice answers are counted too (the store holds neither)."""
    skipped = []
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        return Problem(
            f"field 'answer' must be one of {', '.join(ANSWERS)}, got {answer!r}", source, line
        )
    if answer in ("reject", "ignore") and spans:
        reason = f"spans of Prodigy examples answered {answer!r} (the answer is kept in meta)"
        skipped.append(Skipped(reason, len(spans)))
        spans = []
    relations = obj.get("relations")
    if isinstance(relations, list) and relations and not _readable(relations):
        skipped.append(
            Skipped("Prodigy relations without head_span and child_span", len(relations))
        )
    if filled(obj.get("accept")):
        skipped.append(Skipped("Prodigy choice answers ('accept'; text classification)"))
    return spans, skipped


def _ends(item: Any) -> tuple[Any, Any] | None:
    """A relation's head and child as span objects: the ``spans`` writer's (``head`` and
    ``child`` are spans), or Prodigy's (``head_span`` and ``child_span``; its ``head`` and
    ``child`` are token indexes); ``None`` for a relation that names neither."""
    if type(item) is not dict:
        return None
    if type(item.get("head")) is dict:
        return item["head"], item.get("child")
    if type(item.get("head_span")) is dict:
        return item["head_span"], item.get("child_span")
    return None


def _readable(relations: list) -> bool:
    return all(_ends(item) is not None for item in relations)


def _relations(
    obj: dict[str, Any], spans: list[ReadSpan], source: str, line: int
) -> list[ReadRelation] | Problem:
    relations = obj.get("relations")
    if not filled(relations):
        return []
    if not isinstance(relations, list):
        return Problem("field 'relations' must be a list", source, line)
    if obj.get("answer") in ("reject", "ignore") or not _readable(relations):
        return []
    found = []
    for item in relations:
        ends = _ends(item)
        assert ends is not None, "every relation was found readable"
        found.append((span_key(ends[0]), span_key(ends[1]), item.get("label")))
    return read_links(found, spans, source, line)


def spans_items(
    obj: dict[str, Any], path: Path, line: int, options: ReadOptions
) -> Iterator[Record | Problem | Skipped]:
    """A document and its spans from one parsed line of a ``spans`` (or Prodigy) file."""
    source = str(path)
    got = text_and_meta(obj, source, line)
    if isinstance(got, Problem):
        yield got
        return
    text, meta = got
    convert = utf16_converter(text) if options.utf16_offsets else None
    spans = unread_annotations(obj, READ, "spans", source, line) or _spans(
        obj.get("spans", []), text, source, line, convert
    )
    answered = spans if isinstance(spans, Problem) else _answered(obj, spans, source, line)
    if isinstance(answered, Problem):
        yield answered
        return
    spans, skipped = answered
    links = _relations(obj, spans, source, line)
    if isinstance(links, Problem):
        yield links
        return
    yield from skipped
    if "answer" in obj:
        meta = {**meta, "answer": obj["answer"]}
    who = obj.get("_annotator_id")
    annotator = who if isinstance(who, str) and who.strip() and not options.annotator else None
    problem = annotator_problem(annotator, "field '_annotator_id'", source, line)
    if problem:
        yield problem
        return
    document = document_of(obj, text, meta, path, line)
    yield Record(
        document=document,
        source=source,
        line=line,
        spans=spans,
        annotator=annotator,
        annotated="spans" in obj,
        relations=links,
    )


def looks_like_spans(obj: dict[str, Any]) -> bool:
    """A line with text and no field of another layout (doccano, tokens, native, Label
    Studio's JSON-MIN)."""
    others = {*ANNOTATION_FIELDS, "type", "ner_tags"} - READ
    if "text" not in obj or others & obj.keys():
        return False
    return not any(holds_ranges(value) for name, value in obj.items() if name not in READ)


@register_reader(
    "spans",
    "JSON Lines, one document per line with character spans (spaCy, Prodigy answers)",
    (".jsonl", ".json"),
    sniff=looks_like_spans,
)
def read_spans(path: Path, options: ReadOptions) -> Iterator[Record | Problem | Skipped]:
    return records_of(path, partial(spans_items, options=options))


@register_writer("spans", "spans: character offsets (spaCy, Prodigy)", carries_annotator=True)
def encode_spans(item: ExportItem, tally: Tally) -> bytes:
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
            "relations": [
                {"head": link_end(head), "child": link_end(child), "label": label}
                for head, child, label in distinct_links(item)
            ],
            "meta": document.meta,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )
