"""Shared line reading for JSON Lines formats: decoding, parsing, and field checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InvalidSpan, Problem
from annotator.core.review import GOLD
from annotator.core.spans import range_problem
from annotator.formats.jsondoc import json_document_problem
from annotator.formats.plaintext import decode_utf8
from annotator.store.annotators import clean_name

MAX_DEPTH = 64


def nested_too_deeply(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True if ``value`` nests objects and lists more than ``limit`` levels deep.

    Such a line could be parsed but not stored: encoding it again would exhaust the stack.
    """
    level = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """Each non-blank line of ``path`` with its number: a JSON object, or the problem with it.

    A file that is one JSON document (an array, a pretty-printed object) gets one problem
    saying so, not one per line."""
    source = str(path)
    first = True
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield 0, Problem(f"cannot read the file ({exc.strerror})", source)
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            text = decode_utf8(raw, source, number)
            if isinstance(text, Problem):
                yield number, text
                continue
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                value = exc
            if first and not isinstance(value, dict):
                document = json_document_problem(path)
                if document:
                    yield number, document
                    return
            first = False
            if isinstance(value, orjson.JSONDecodeError):
                ending = "" if raw.endswith(b"\n") else " (the line is cut off)"
                yield number, Problem(f"not valid JSON: {value}{ending}", source, number)
                continue
            if not isinstance(value, dict):
                yield (
                    number,
                    Problem(f"expected a JSON object, got {type(value).__name__}", source, number),
                )
                continue
            if nested_too_deeply(value):
                yield (
                    number,
                    Problem(f"nested more than {MAX_DEPTH} levels deep", source, number),
                )
                continue
            yield number, value


def field(
    record: dict[str, Any], name: str, kind: type | tuple[type, ...], source: str, line: int
) -> Any:
    """``record[name]`` if it has the expected type; otherwise a ``Problem``."""
    if name not in record:
        return Problem(f"missing field {name!r}", source, line)
    value = record[name]
    if (isinstance(value, bool) and kind is int) or not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        return Problem(
            f"field {name!r} must be {expected}, got {type(value).__name__}", source, line
        )
    return value


def offsets_problem(
    text: str, start: Any, end: Any, quoted: Any, where: str, source: str, line: int
) -> Problem | None:
    """What is wrong with a span at ``[start, end)`` quoting ``quoted`` (None: no quote)."""
    reason = range_problem(start, end, len(text))
    if reason:
        return Problem(f"{where}: {reason}", source, line)
    if quoted is not None and quoted != text[start:end]:
        return Problem(
            f"{where}: its text {quoted!r} differs from the text at [{start}, {end}): "
            f"{text[start:end]!r}",
            source,
            line,
        )
    return None


def object_problem(
    item: Any, names: tuple[str, ...], where: str, source: str, line: int
) -> Problem | None:
    """What is wrong with a span's JSON object: not an object, or a field missing."""
    if not isinstance(item, dict):
        return Problem(f"{where} must be an object", source, line)
    for name in names:
        if name not in item:
            return Problem(f"{where}: missing field {name!r}", source, line)
    return None


def label_problem(label: Any, where: str, source: str, line: int) -> Problem | None:
    if not isinstance(label, str) or not label.strip():
        return Problem(
            f"{where}: the label must be a non-empty string, got {label!r}", source, line
        )
    return None


def text_and_meta(obj: dict[str, Any], source: str, line: int) -> tuple[str, dict] | Problem:
    """The ``text`` (may be empty) and ``meta`` (default ``{}``) fields of a line."""
    text = field(obj, "text", str, source, line)
    if isinstance(text, Problem):
        return text
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        return Problem("field 'meta' must be an object", source, line)
    return text, meta


def records_of(
    path: Path, parse: Callable[[dict[str, Any], Path, int], Iterable[Any]]
) -> Iterator[Any]:
    """What ``parse`` reads from each JSON line of ``path`` (it may yield several items, say
    a record and a count of what it left out); problems pass through."""
    for line, obj in json_lines(path):
        if isinstance(obj, Problem):
            yield obj
        else:
            yield from parse(obj, path, line)


ANNOTATION_FIELDS = ("label", "labels", "entities", "annotations", "relations", "result", "spans")
"""Top-level fields that carry annotations in one tool's layout or another."""


def filled(value: Any) -> bool:
    """True unless ``value`` is missing or empty: an empty list carries no annotations."""
    return value not in (None, [], {}, "")


def holds_ranges(value: Any) -> bool:
    """True if ``value`` is a list of objects with offsets (how spans look in most tools)."""
    if not isinstance(value, list) or not value or not isinstance(value[0], dict):
        return False
    return {"start", "end"} <= value[0].keys() or {"start_offset", "end_offset"} <= value[0].keys()


def unread_annotations(
    obj: dict[str, Any], read: set[str], fmt: str, source: str, line: int
) -> Problem | None:
    """The problem of a field that looks like annotations (by its name, or by holding
    objects with offsets) but that format ``fmt`` does not read: refused, never ignored."""
    for name, value in obj.items():
        if name in read or not filled(value):
            continue
        if name in ANNOTATION_FIELDS or holds_ranges(value):
            return Problem(
                f"field {name!r} looks like annotations, which the {fmt} format does not read "
                "(the format is detected from the file's first line; choose another with "
                "--format, or leave the field out)",
                source,
                line,
            )
    return None


def annotator_problem(name: str | None, where: str, source: str, line: int) -> Problem | None:
    """What keeps ``name``, an annotator a file names, from being stored (if anything)."""
    if name is None:
        return None
    try:
        cleaned = clean_name(name)
    except InvalidSpan as exc:
        return Problem(f"{where}: {exc}", source, line)
    if cleaned == GOLD:
        return Problem(f"{where}: {GOLD!r} is the reviewed layer, not an annotator", source, line)
    return None
