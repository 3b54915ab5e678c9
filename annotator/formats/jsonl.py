"""Shared line reading for JSON Lines formats: decoding, parsing, and field checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.formats.plaintext import decode_utf8


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """Each non-blank line of ``path`` with its number: a JSON object, or the problem with it."""
    source = str(path)
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
                ending = "" if raw.endswith(b"\n") else " (the line is cut off)"
                yield number, Problem(f"not valid JSON: {exc}{ending}", source, number)
                continue
            if not isinstance(value, dict):
                yield (
                    number,
                    Problem(f"expected a JSON object, got {type(value).__name__}", source, number),
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
