"""Links in files: the record's links as writers give them, and links read back, checked
against the line's spans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.formats.records import ReadRelation, ReadSpan
from annotator.store.exporting import ExportItem

SpanKey = tuple[int, int, str]


def distinct_links(item: ExportItem) -> list[tuple[SpanKey, SpanKey, str]]:
    """``(head, child, relation)`` of the record's links, each once whoever made it."""
    return sorted({(head, child, label) for head, child, label, _ in item.links})


def read_links(
    found: Iterable[tuple[Any, Any, Any]], spans: list[ReadSpan], source: str, line: int
) -> list[ReadRelation] | Problem:
    """Links given as ``(head, child, relation)`` with each end a ``(start, end, label)``
    (``None`` where the file names no span), checked: both ends are spans of the line and
    the relation is named."""
    keys = {(span.start, span.end, span.label): span.annotator for span in spans}
    links = []
    for index, (head, child, label) in enumerate(found):
        if type(label) is not str or not normalise_label(label):
            return Problem(
                f"relation {index}: its type must be a name, got {label!r}", source, line
            )
        for end, key in (("head", head), ("child", child)):
            if key not in keys:
                return Problem(
                    f"relation {index}: its {end} {list(key) if key else key} is not one of the "
                    "line's spans",
                    source,
                    line,
                )
        links.append(ReadRelation(head, child, normalise_label(label), keys[head]))
    return links


def span_key(value: Any) -> SpanKey | None:
    """``(start, end, label)`` of a ``{"start", "end", "label"}`` object with integer offsets,
    else ``None``."""
    if type(value) is not dict or type(value.get("label")) is not str:
        return None
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        return None
    return (start, end, normalise_label(value["label"]))


def link_end(key: SpanKey) -> dict[str, Any]:
    """A link's end as written: ``{"start", "end", "label"}``."""
    return {"start": key[0], "end": key[1], "label": key[2]}
