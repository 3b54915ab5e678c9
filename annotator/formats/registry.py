"""The format registry: each format module registers its reader and writer once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annotator.core.errors import Problem
from annotator.formats.records import Declaration, ReadOptions, Record, Skipped
from annotator.store.exporting import ExportContext, ExportItem

Reader = Callable[[Path, ReadOptions], Iterator[Record | Declaration | Problem | Skipped]]
Sniffer = Callable[[dict], bool]
Encoder = Callable[[ExportItem, "Tally"], bytes]
Header = Callable[[ExportContext], bytes]
FileEncoder = Callable[[ExportItem, "Tally", set[str]], list[tuple[str, bytes]]]
FolderHeader = Callable[[ExportContext], list[tuple[str, bytes]]]


class Tally(Protocol):
    """Where an encoder counts what it wrote and what it could not carry."""

    def wrote(self, labels: Iterable[str]) -> None: ...

    def skipped(self, reason: str, count: int = 1) -> None: ...


@dataclass(slots=True)
class Writer:
    """How to write format ``name``: ``encode`` turns one document into its line(s), with the
    newline; ``header`` (optional) starts the file. ``carries_annotator``: each record can
    name whose spans it holds (``ExportItem.annotator``, set in one-record-per-annotator
    exports); exports of one record per annotator refuse a writer that cannot.
    A JSON document (Label Studio's array of tasks) puts ``separator`` between documents
    and ends with ``footer``."""

    label: str
    extension: str
    encode: Encoder
    header: Header | None = None
    carries_annotator: bool = False
    separator: bytes = b""
    footer: bytes = b""


@dataclass(slots=True)
class FolderWriter:
    """How to write format ``name`` as a folder of files (brat): ``encode`` turns one
    document into ``(relative name, content)`` pairs, choosing names not in ``taken`` (the
    names already written), which it extends; ``header`` (optional) gives the files that
    start the folder (brat's configuration)."""

    label: str
    encode: FileEncoder
    header: FolderHeader | None = None
    extension: str = ""
    carries_annotator: bool = False


@dataclass(slots=True)
class Format:
    name: str
    description: str
    suffixes: tuple[str, ...]
    reader: Reader | None = None
    sniff: Sniffer | None = None
    writer: Writer | FolderWriter | None = None


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


def register_writer(
    name: str,
    label: str,
    extension: str = ".jsonl",
    header: Header | None = None,
    carries_annotator: bool = False,
    separator: bytes = b"",
    footer: bytes = b"",
) -> Callable[[Encoder], Encoder]:
    """Register ``encode`` as the way to write format ``name`` (``label`` is shown to people;
    ``carries_annotator``: see ``Writer``)."""

    def decorate(encode: Encoder) -> Encoder:
        entry = FORMATS.setdefault(name, Format(name, label, (extension,)))
        entry.writer = Writer(
            label, extension, encode, header, carries_annotator, separator, footer
        )
        return encode

    return decorate


def register_folder_writer(
    name: str, label: str, header: FolderHeader | None = None
) -> Callable[[FileEncoder], FileEncoder]:
    """Register ``encode`` as the way to write format ``name`` as a folder of files."""

    def decorate(encode: FileEncoder) -> FileEncoder:
        entry = FORMATS.setdefault(name, Format(name, label, ()))
        entry.writer = FolderWriter(label, encode, header)
        return encode

    return decorate


def writable_formats() -> list[Format]:
    """Formats that can be written, the default (``spans``) first."""
    _load_builtin_formats()
    return sorted((fmt for fmt in FORMATS.values() if fmt.writer), key=lambda f: f.name != "spans")


def readable_formats() -> list[Format]:
    _load_builtin_formats()
    return [fmt for fmt in FORMATS.values() if fmt.reader]


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
    from annotator.formats import (  # noqa: F401  (modules register themselves)
        brat,
        conll,
        doccano,
        labelstudio,
        native,
        plaintext,
        prodigy,
        quotes,
        spans,
        tokens,
    )
