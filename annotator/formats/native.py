"""The ``native`` format: everything the store holds, lossless, for backups and merging.

Every line is a JSON object with a ``"type"``. The first is the header::

    {"type": "header", "format": "annotator-native", "version": 2,
     "labels": [{"name", "color", "hotkey", "guideline"}],
     "relations": [{"name", "from": [label, ...], "to": [label, ...], "guideline"}],
     "annotators": [...]}

then one line per document::

    {"type": "document", "id", "sha256", "title", "text", "source", "meta",
     "statuses": {"annotator": "done"},
     "spans": [{"start", "end", "label", "annotator", "origin"}],
     "relations": [{"head": {"start", "end", "label"}, "child": {...}, "label", "annotator"}],
     "gold": [{"start", "end", "label", "sources": [annotator, ...]}], "reviewed": bool,
     "notes": [{"annotator", "text", "created", "span": {"start", "end", "label",
                "annotator"} or null}],
     "decisions": [{"start", "end"} or {"start", "end", "label", "relation"}]}

``decisions`` are the reviewer's: span groups (their range) and quotes' links (the quote
and the relation type) decided, so one rejected outright stays rejected (older files have
none; older readers skip them, losing only that).

New kinds of line (say, the review layer's gold spans and comments) get a new ``type`` and a
reader in ``LINE_READERS``; a change that older readers cannot skip safely bumps ``VERSION``,
and a reader refuses files newer than it understands rather than half-reading them (version 2
added links between spans: ``relations``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from annotator.core.documents import Document, text_sha256
from annotator.core.errors import Problem
from annotator.core.labels import Label, RelationType
from annotator.core.review import GOLD, Gold
from annotator.core.spans import Origin, Span
from annotator.formats.jsonl import (
    field,
    json_lines,
    label_problem,
    object_problem,
    offsets_problem,
    text_and_meta,
    unread_annotations,
)
from annotator.formats.links import link_end, read_links, span_key
from annotator.formats.records import (
    Declaration,
    ReadNote,
    ReadOptions,
    ReadRelation,
    ReadReview,
    ReadSpan,
    Record,
)
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.store.decisions import Decision
from annotator.store.exporting import ExportContext, ExportItem
from annotator.store.status import Status

FORMAT = "annotator-native"
VERSION = 2
ORIGINS = {origin.value for origin in Origin}
STATUSES = {status.value for status in Status}

LineReader = Callable[[dict[str, Any], Path, int], Record | Declaration | Problem]


def encode_header(context: ExportContext) -> bytes:
    return orjson.dumps(
        {
            "type": "header",
            "format": FORMAT,
            "version": VERSION,
            "labels": [
                {
                    "name": lab.name,
                    "color": lab.color,
                    "hotkey": lab.hotkey,
                    "guideline": lab.guideline,
                }
                for lab in context.labels
            ],
            "relations": [
                {
                    "name": relation.name,
                    "from": list(relation.heads),
                    "to": list(relation.children),
                    "guideline": relation.guideline,
                }
                for relation in context.relations
            ],
            "annotators": context.annotators,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


@register_writer("native", "native: everything, lossless (backup, merging)", header=encode_header)
def encode_native(item: ExportItem, tally: Tally) -> bytes:
    document = item.document
    tally.wrote(span[2] for span in item.spans)
    return orjson.dumps(
        {
            "type": "document",
            "id": document.id,
            "sha256": item.sha256,
            "title": document.title,
            "text": document.text,
            "source": document.source,
            "meta": document.meta,
            "statuses": item.statuses,
            "spans": [
                {"start": s, "end": e, "label": label, "annotator": who, "origin": origin}
                for s, e, label, who, origin in item.spans
            ],
            "relations": [
                {"head": link_end(head), "child": link_end(child), "label": label, "annotator": who}
                for head, child, label, who in item.links
            ],
            "gold": [
                {
                    "start": g.span.start,
                    "end": g.span.end,
                    "label": g.span.label,
                    "sources": list(g.sources or ()),
                }
                for g in item.gold
            ],
            "reviewed": item.reviewed,
            "notes": [
                {
                    "annotator": note.annotator,
                    "text": note.text,
                    "created": note.created.isoformat(),
                    "span": None
                    if span is None
                    else dict(zip(("start", "end", "label", "annotator"), span, strict=True)),
                }
                for note, span in item.notes
            ],
            "decisions": [
                {"start": start, "end": end}
                if label is None
                else {"start": start, "end": end, "label": label, "relation": relation}
                for start, end, label, relation in item.decisions
            ],
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


def _header(obj: dict[str, Any], path: Path, line: int) -> Declaration | Problem:
    source = str(path)
    unread = unread_annotations(obj, {"labels", "relations"}, "native", source, line)
    if unread:
        return unread
    version = obj.get("version")
    if obj.get("format") != FORMAT or type(version) is not int:
        return Problem(f"not an {FORMAT} header", source, line)
    if version > VERSION:
        return Problem(
            f"written by a newer annotator (native version {version}; this one reads up to "
            f"{VERSION}); update annotator to import it",
            source,
            line,
        )
    labels = []
    for entry in obj.get("labels", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            return Problem(f"header: label {entry!r} has no name", source, line)
        labels.append(
            Label(
                name=entry["name"],
                color=str(entry.get("color", "#888888")),
                hotkey=str(entry.get("hotkey", "")),
                guideline=str(entry.get("guideline", "")),
            )
        )
    annotators = obj.get("annotators", [])
    if not isinstance(annotators, list) or not all(isinstance(a, str) for a in annotators):
        return Problem("header: 'annotators' must be a list of names", source, line)
    relations = []
    for entry in obj.get("relations", []):
        relation = _relation_type(entry)
        if relation is None:
            return Problem(
                f"header: relation {entry!r} needs a name, 'from' and 'to'", source, line
            )
        relations.append(relation)
    return Declaration(
        labels=labels, annotators=annotators, source=source, line=line, relations=relations
    )


def _names(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return None
    return tuple(value)


def _relation_type(entry: Any) -> RelationType | None:
    """A relation type of the header, or ``None`` if a part is missing or of the wrong kind."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return None
    heads, children = _names(entry.get("from")), _names(entry.get("to"))
    if heads is None or children is None:
        return None
    return RelationType(entry["name"], heads, children, str(entry.get("guideline", "")))


def _document(obj: dict[str, Any], path: Path, line: int) -> Record | Problem:
    source = str(path)
    unread = unread_annotations(
        obj, {"spans", "gold", "notes", "relations", "decisions"}, "native", source, line
    )
    if unread:
        return unread
    got = text_and_meta(obj, source, line)
    if isinstance(got, Problem):
        return got
    text, meta = got
    sha = obj.get("sha256")
    if sha is not None and sha != text_sha256(text):
        return Problem("the text does not match its sha256 (was the file edited?)", source, line)
    title = field(obj, "title", str, source, line)
    statuses = obj.get("statuses", {})
    spans_in = obj.get("spans", [])
    if isinstance(title, Problem):
        return title
    if not isinstance(statuses, dict) or not all(
        isinstance(k, str) and v in STATUSES for k, v in statuses.items()
    ):
        return Problem(
            f"'statuses' must map annotator names to one of {sorted(STATUSES)}", source, line
        )
    if not isinstance(spans_in, list):
        return Problem("field 'spans' must be a list", source, line)
    spans = []
    for index, item in enumerate(spans_in):
        where = f"span {index}"
        names = ("start", "end", "label", "annotator")
        problem = object_problem(item, names, where, source, line)
        if problem:
            return problem
        problem = offsets_problem(text, item["start"], item["end"], None, where, source, line)
        problem = problem or label_problem(item["label"], where, source, line)
        if problem:
            return problem
        origin = item.get("origin", Origin.IMPORTED)
        if origin not in ORIGINS or not isinstance(item["annotator"], str):
            return Problem(f"{where}: bad origin {origin!r} or annotator", source, line)
        if item["annotator"] == GOLD:
            return Problem(
                f"{where}: {GOLD!r} is the reviewed layer, not an annotator", source, line
            )
        spans.append(ReadSpan(item["start"], item["end"], item["label"], item["annotator"], origin))
    review = _review(obj, text, source, line)
    if isinstance(review, Problem):
        return review
    links = _links(obj.get("relations", []), spans, source, line)
    if isinstance(links, Problem):
        return links
    document = Document(
        text=text, title=title, meta=meta, source=str(obj.get("source", f"{path.name}:{line}"))
    )
    return Record(
        document=document,
        source=source,
        line=line,
        spans=spans,
        statuses=dict(statuses),
        review=review,
        relations=links,
    )


def _links(
    value: Any, spans: list[ReadSpan], source: str, line: int
) -> list[ReadRelation] | Problem:
    """Each annotator's links, their ends among that annotator's spans."""
    if not isinstance(value, list):
        return Problem("field 'relations' must be a list", source, line)
    by_annotator: dict[Any, list] = {}
    for index, item in enumerate(value):
        problem = object_problem(
            item, ("head", "child", "label", "annotator"), f"relation {index}", source, line
        )
        if problem:
            return problem
        found = (span_key(item["head"]), span_key(item["child"]), item["label"])
        by_annotator.setdefault(item["annotator"], []).append(found)
    links = []
    for who, given in by_annotator.items():
        mine = [span for span in spans if span.annotator == who]
        read = read_links(given, mine, source, line)
        if isinstance(read, Problem):
            return read
        links.extend(read)
    return links


def _review(obj: dict[str, Any], text: str, source: str, line: int) -> ReadReview | Problem:
    """The document's gold spans (with provenance), notes and review status, if any."""
    gold_in, notes_in = obj.get("gold", []), obj.get("notes", [])
    if not isinstance(gold_in, list) or not isinstance(notes_in, list):
        return Problem("fields 'gold' and 'notes' must be lists", source, line)
    gold = []
    for index, item in enumerate(gold_in):
        where = f"gold span {index}"
        problem = object_problem(item, ("start", "end", "label"), where, source, line)
        problem = problem or offsets_problem(
            text, item["start"], item["end"], None, where, source, line
        )
        problem = problem or label_problem(item["label"], where, source, line)
        if problem:
            return problem
        sources = item.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(n, str) for n in sources):
            return Problem(f"{where}: 'sources' must be a list of names", source, line)
        gold.append(Gold(Span(item["start"], item["end"], item["label"]), tuple(sources)))
    notes: list[ReadNote] = []
    for index, item in enumerate(notes_in):
        where = f"note {index}"
        problem = object_problem(item, ("annotator", "text"), where, source, line)
        if problem:
            return problem
        span = item.get("span")
        if span is not None:
            names = ("start", "end", "label", "annotator")
            problem = object_problem(span, names, f"{where}: span", source, line)
            if problem:
                return problem
            span = tuple(span[name] for name in names)
        try:
            created = datetime.fromisoformat(item["created"]) if "created" in item else None
        except (TypeError, ValueError):
            return Problem(f"{where}: 'created' is not an ISO date and time", source, line)
        notes.append((str(item["annotator"]), str(item["text"]), span, created))
    decisions = _decisions(obj.get("decisions", []), text, source, line)
    if isinstance(decisions, Problem):
        return decisions
    return ReadReview(gold, notes, obj.get("reviewed") is True, decisions)


def _decisions(found: Any, text: str, source: str, line: int) -> list[Decision] | Problem:
    """The reviewer's decisions: a span group's range, or a quote's and a relation type."""
    if not isinstance(found, list):
        return Problem("field 'decisions' must be a list", source, line)
    decisions: list[Decision] = []
    for index, item in enumerate(found):
        where = f"decision {index}"
        problem = object_problem(item, ("start", "end"), where, source, line)
        problem = problem or offsets_problem(
            text, item["start"], item["end"], None, where, source, line
        )
        if problem:
            return problem
        if "relation" not in item:
            decisions.append((item["start"], item["end"]))
            continue
        problem = object_problem(item, ("label", "relation"), where, source, line)
        problem = problem or label_problem(item["label"], where, source, line)
        if problem:
            return problem
        decisions.append(((item["start"], item["end"], item["label"]), str(item["relation"])))
    return decisions


LINE_READERS: dict[str, LineReader] = {"header": _header, "document": _document}


@register_reader(
    "native",
    "annotator native JSONL (lossless backup)",
    (".jsonl", ".json"),
    sniff=lambda obj: obj.get("type") == "header" and obj.get("format") == FORMAT,
)
def read_native(path: Path, options: ReadOptions) -> Iterator[Record | Declaration | Problem]:
    source = str(path)
    if options.utf16_offsets:
        yield Problem(
            "native files count offsets in code points; leave out --offsets utf16", source
        )
        return
    seen_header = False
    for line, obj in json_lines(path):
        if isinstance(obj, Problem):
            yield obj
            continue
        kind = obj.get("type")
        if not seen_header and kind != "header":
            yield Problem(f"the first line must be the {FORMAT} header", source, line)
            return
        reader = LINE_READERS.get(kind) if isinstance(kind, str) else None
        if reader is None:
            known = ", ".join(LINE_READERS)
            yield Problem(f"unknown line type {kind!r} (known: {known})", source, line)
            continue
        seen_header = True
        yield reader(obj, path, line)
