"""Files holding one JSON document (a Label Studio export, a pretty-printed object) rather
than JSON Lines: told apart by the first non-blank line, located by line.

A top-level array written one element per line or pretty-printed (a Label Studio export)
is parsed one element at a time, each by orjson from its own slice of the bytes, so reading
it takes about its own size in memory, not the several times its size that the whole
document as Python objects would. Any other document is parsed in one piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.formats.plaintext import decode_utf8

BOM = b"\xef\xbb\xbf"
HEAD = 1 << 20
_STRINGS = re.compile(rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_FIRST = re.compile(rb"\[\s*?\n([ \t]*)\{")
_BRACKETS = re.compile(rb"[\[\]{}]")


def _first_line(data: bytes) -> bytes:
    position = len(BOM) if data.startswith(BOM) else 0
    while position < len(data):
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end + 1
        if data[position:end].strip():
            return data[position:end]
        position = end
    return b""


def is_json_lines(data: bytes) -> bool:
    """True if the first non-blank line is a JSON object by itself (or the file is blank)."""
    first = _first_line(data).strip()
    if not first:
        return True
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_bytes(path: Path) -> bytes | Problem:
    try:
        return path.read_bytes()
    except OSError as exc:
        return Problem(f"cannot read the file ({exc.strerror})", str(path))


def parse_document(data: bytes, source: str) -> Any | Problem:
    """The whole file as one JSON value, or the problem with it (with the line). Parsed from
    the bytes: a decoded copy of a big file would take up to four times its size."""
    try:
        return orjson.loads(data[3:] if data.startswith(BOM) else data)
    except orjson.JSONDecodeError as exc:
        text = decode_utf8(data, source)
        if isinstance(text, Problem):
            return text
        return Problem(f"not valid JSON: {exc.msg}", source, exc.lineno)


def is_array(data: bytes) -> bool:
    """The document is a JSON array (its first non-blank character opens one)."""
    return data.removeprefix(BOM).lstrip().startswith(b"[")


def element_starts(data: bytes) -> list[int] | None:
    """Where each element of the top-level array in ``data`` starts, when the file is
    written one element per line or pretty-printed: every element then starts a line at one
    indentation, deeper levels being indented further. ``None`` for another layout."""
    first = _FIRST.match(data.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if first is None:
        return None
    opening = b"\n" + first.group(1) + b"{"
    return [m.start() + 1 for m in re.finditer(re.escape(opening), data)]


def _pieces(data: bytes, starts: list[int]) -> Iterator[bytes | None]:
    """The bytes of each element starting at ``starts``; ``None`` where the layout does not
    hold up (no comma after an element, no bracket closing the array)."""
    body = data.rstrip()
    ends = [*starts[1:], len(body) - 1]
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        piece = data[start:end].rstrip()
        if number == len(starts):
            yield piece if body.endswith(b"]") else None
        else:
            yield piece[:-1] if piece.endswith(b",") else None


def _parsed(piece: bytes | None) -> Any:
    if piece is None:
        return _UNREAD
    try:
        return orjson.loads(piece)
    except orjson.JSONDecodeError:
        return _UNREAD


_UNREAD = object()


def array_elements(data: bytes, source: str) -> Iterator[Any]:
    """The elements of the JSON array ``data`` holds, one at a time: each parsed from its
    own slice when the layout says where elements start, so the whole document is never
    held as objects. A slice that does not parse (the layout misled, or the document is not
    valid JSON) leaves the rest to a parse of the whole document, which ends the elements
    with the problem orjson names, with its line, when there is one."""
    starts = element_starts(data)
    done = 0
    if starts and data[: starts[0]].removeprefix(BOM).strip() == b"[":
        for piece in _pieces(data, starts):
            element = _parsed(piece)
            if element is _UNREAD:
                break
            yield element
            done += 1
        else:
            return
    whole = parse_document(data, source)
    if isinstance(whole, Problem) or not isinstance(whole, list):
        yield whole
        return
    yield from whole[done:]


def describe(value: Any, data: bytes) -> str:
    """``an array of 4 objects``, ``one object over 12 lines``: what a JSON document holds."""
    if isinstance(value, list):
        kinds = {type(item) for item in value}
        noun = "object" if kinds == {dict} else "value"
        return f"an array of {len(value)} {noun}{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        lines = data.count(b"\n") + 1
        return f"one object over {lines} lines"
    return f"a single {type(value).__name__}"


def json_document_problem(path: Path) -> Problem | None:
    """When ``path`` is one whole JSON document rather than JSON Lines, the problem saying
    so (one line, instead of one "not valid JSON" per line); otherwise ``None``."""
    data = read_bytes(path)
    if isinstance(data, Problem) or is_json_lines(data):
        return None
    value = parse_document(data, str(path))
    if isinstance(value, Problem):
        return None
    return Problem(
        f"this is a JSON document ({describe(value, data)}), not JSON Lines; import a Label "
        "Studio export with --format labelstudio, or save one JSON object per line",
        str(path),
        1,
    )


def first_element(path: Path) -> dict | None:
    """The first object a JSON document holds (itself, or its array's first element), read
    from the start of the file when it fits there, so a big export is not parsed to sniff."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return None
    body = head.removeprefix(BOM).lstrip()
    if body.startswith(b"["):
        blanked = _STRINGS.sub(lambda m: b'"' + b" " * (len(m.group()) - 2) + b'"', body)
        depth = 0
        for match in _BRACKETS.finditer(blanked):
            opening = match.group() in b"[{"
            depth += 1 if opening else -1
            if depth == 2 and opening:
                begin = match.start()
            elif depth == 1 and not opening:
                try:
                    value = orjson.loads(body[begin : match.end()])
                except orjson.JSONDecodeError:
                    return None
                return value if isinstance(value, dict) else None
    if len(head) < HEAD and not body.startswith(b"["):
        data: bytes | Problem = head
    else:
        data = read_bytes(path)
    if isinstance(data, Problem):
        return None
    value = parse_document(data, str(path))
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


class ElementLines:
    """The line each element of a top-level JSON array (of ``count`` objects, when known)
    starts on, worked out when first asked.

    Files written one element per line, or pretty-printed (Label Studio's export), start
    every element on a line of its own at one indentation, deeper levels being indented
    further: those lines are found with one search. Any other layout is scanned whole."""

    def __init__(self, data: bytes, count: int | None = None) -> None:
        self._data = data
        self._count = count
        self._lines: list[int] | None = None

    def __getitem__(self, index: int) -> int | None:
        if self._lines is None:
            self._lines = self._by_indentation() or self._scan()
        return self._lines[index] if index < len(self._lines) else None

    def _numbered(self, data: bytes, starts: list[int]) -> list[int]:
        lines, line, counted = [], 1, 0
        for start in starts:
            line += data.count(b"\n", counted, start)
            counted = start
            lines.append(line)
        return lines

    def _by_indentation(self) -> list[int] | None:
        starts = element_starts(self._data)
        if starts is None or (self._count is not None and len(starts) != self._count):
            return None
        return self._numbered(self._data, starts)

    def _scan(self) -> list[int]:
        """Lines of the objects and arrays one level down (strings blanked out first, so
        brackets inside them do not count)."""
        data = _STRINGS.sub(b'""', self._data)
        starts: list[int] = []
        depth = 0
        for match in _BRACKETS.finditer(data):
            if match.group() in b"[{":
                if depth == 1:
                    starts.append(match.start())
                depth += 1
            else:
                depth -= 1
        return self._numbered(data, starts)
