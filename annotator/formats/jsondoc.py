"""Files holding one JSON document (a Label Studio export, a pretty-printed object) rather
than JSON Lines: told apart by the first non-blank line, parsed whole, located by line.

A JSON document is parsed in one piece, so a file takes several times its size in memory
while it is read (Label Studio itself caps an import at 50 MB).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.formats.plaintext import decode_utf8

_TOKENS = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]|true|false|null|[-+.\deE]+')


def _first_line(data: bytes) -> bytes:
    for raw in data.lstrip(b"\xef\xbb\xbf").splitlines():
        if raw.strip():
            return raw
    return b""


def is_json_lines(data: bytes) -> bool:
    """True if the first non-blank line is a JSON object by itself (or the file is blank)."""
    first = _first_line(data)
    if not first:
        return True
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
    """The whole file as one JSON value, or the problem with it (with the line)."""
    text = decode_utf8(data, source)
    if isinstance(text, Problem):
        return text
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return Problem(f"not valid JSON: {exc.msg}", source, exc.lineno)


def describe(value: Any, data: bytes) -> str:
    """``an array of 4 objects``, ``one object over 12 lines``: what a JSON document holds."""
    if isinstance(value, list):
        kinds = {type(item) for item in value}
        noun = "objects" if kinds == {dict} else "values"
        return f"an array of {len(value)} {noun}"
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
    """The first object a JSON document holds (itself, or its array's first element)."""
    data = read_bytes(path)
    if isinstance(data, Problem):
        return None
    value = parse_document(data, str(path))
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


class ElementLines:
    """The line each element of a top-level JSON array starts on, worked out only when a
    problem needs it (a scan of the whole file)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[int] | None = None

    def __getitem__(self, index: int) -> int | None:
        if self._lines is None:
            self._lines = self._scan()
        return self._lines[index] if index < len(self._lines) else None

    def _scan(self) -> list[int]:
        lines: list[int] = []
        depth, line = 0, 1
        for match in _TOKENS.finditer(self._data):
            token = match.group()
            if token == b"\n":
                line += 1
            elif token in (b"[", b"{"):
                if depth == 1:
                    lines.append(line)
                depth += 1
            elif token in (b"]", b"}"):
                depth -= 1
            elif depth == 1:
                lines.append(line)
        return lines
