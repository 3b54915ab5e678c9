"""The format registry: each format module registers its reader and writer once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import Problem
from annotator.formats.records import Record

Reader = Callable[[Path], Iterator[Record | Problem]]
Sniffer = Callable[[dict], bool]


@dataclass(slots=True)
class Format:
    name: str
    description: str
    suffixes: tuple[str, ...]
    reader: Reader | None = None
    sniff: Sniffer | None = None


FORMATS: dict[str, Format] = {}


def register_reader(
    name: str, description: str, suffixes: tuple[str, ...], sniff: Sniffer | None = None
) -> Callable[[Reader], Reader]:
    """Register ``reader`` as the way to read format ``name``."""

    def decorate(reader: Reader) -> Reader:
        entry = FORMATS.setdefault(name, Format(name, description, suffixes))
        entry.reader, entry.sniff = reader, sniff
        return reader

    return decorate


def readable_suffixes() -> set[str]:
    _load_builtin_formats()
    return {suffix for fmt in FORMATS.values() if fmt.reader for suffix in fmt.suffixes}


def get_format(name: str) -> Format:
    _load_builtin_formats()
    if name not in FORMATS:
        raise KeyError(name)
    return FORMATS[name]


def formats_for_suffix(suffix: str) -> list[Format]:
    _load_builtin_formats()
    return [fmt for fmt in FORMATS.values() if fmt.reader and suffix in fmt.suffixes]


def _load_builtin_formats() -> None:
    from annotator.formats import plaintext, spans  # noqa: F401  (modules register themselves)
