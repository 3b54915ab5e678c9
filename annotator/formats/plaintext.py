"""Plain-text articles: one ``.txt`` file, one document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.documents import document_from_article
from annotator.core.errors import Problem
from annotator.formats.records import ReadOptions, Record
from annotator.formats.registry import register_reader


def decode_utf8(data: bytes, source: str, line: int | None = None) -> str | Problem:
    """UTF-8 text (a byte-order mark is dropped), or a problem naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 and import it again",
            source,
            line,
        )


def read_utf8(path: Path) -> str | Problem:
    """The whole file as UTF-8 text, or the problem reading it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Problem(f"cannot read the file ({exc.strerror})", str(path))
    return decode_utf8(data, str(path))


@register_reader("txt", "plain-text article, one per file", (".txt",))
def read_text_file(path: Path, options: ReadOptions) -> Iterator[Record | Problem]:
    source = str(path)
    text = read_utf8(path)
    if isinstance(text, Problem):
        yield text
        return
    document = document_from_article(text, source=path.name)
    if not document.text.strip():
        yield Problem("the file is empty", source)
        return
    yield Record(document=document, source=source)
