"""brat standoff: ``NAME.txt`` holds the text, ``NAME.ann`` its annotations, one per line.

``T1<TAB>Label START END<TAB>text`` marks a span (offsets count the characters of the
``.txt`` exactly, final newline included); ``#1<TAB>AnnotatorNotes T1<TAB>note`` is a note on
it. The text is read byte-exact (no stripping, no date marker, CRLF kept).

brat's lines cannot hold a line break, so brat stores a span that crosses lines as fragments
split at the line breaks (``0 3;4 7``, its text joined by a space). Fragments separated only
by line breaks are read as the one span they are, and written that way. ``R1<TAB>speaker
Arg1:T3 Arg2:T5`` links two spans (Arg1 the head: the quote; Arg2 the child: its speaker).
Any other discontinuous span, and ``E`` (events), ``A``/``M`` (attributes), ``N``
(normalisations) and ``*`` (equivalences) lines, are refused with file and line, or counted as
not read with ``--skip-unsupported``: the store holds spans, links and notes only.

Offsets are counted in the text as stored. When they only fit the text with each CRLF counted
as one character (brat itself reads with universal newlines), they are read that way and
placed on the byte-exact text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import InvalidSpan, Problem
from annotator.core.labels import normalise_label
from annotator.core.review import clean_note
from annotator.formats.exporting import distinct_spans
from annotator.formats.jsonl import offsets_problem
from annotator.formats.links import distinct_links
from annotator.formats.plaintext import read_utf8
from annotator.formats.records import (
    ReadNote,
    ReadOptions,
    ReadRelation,
    ReadReview,
    ReadSpan,
    Record,
    Skipped,
)
from annotator.formats.registry import Tally, register_folder_writer, register_reader
from annotator.store.exporting import ExportContext, ExportItem

TEXT_SUFFIX, ANN_SUFFIX = ".txt", ".ann"
NOTE_TYPE = "AnnotatorNotes"
UNSUPPORTED = {
    "E": "brat events (E lines)",
    "A": "brat attributes (A lines)",
    "M": "brat attributes (M lines)",
    "N": "brat normalisations (N lines)",
    "*": "brat equivalences (* lines)",
}
DISCONTINUOUS = "brat discontinuous spans (T lines with fragments)"
OTHER_NOTES = "brat notes not on a kept span (# lines)"
OTHER_LINKS = "brat relations not between kept spans (R lines)"
_ARGUMENTS = re.compile(r"(\S+) Arg1:(\S+) Arg2:(\S+)")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_NUMBER = re.compile(r"[0-9]+")


@dataclass(slots=True)
class _Bound:
    """A ``T`` line as written: its line number, id, label, fragments and quoted text."""

    line: int
    ident: str
    label: str
    fragments: list[tuple[int, int]]
    quoted: str | None


def pair_of(path: Path) -> tuple[Path, Path]:
    """The ``.txt`` and ``.ann`` files of the pair ``path`` belongs to."""
    return path.with_suffix(TEXT_SUFFIX), path.with_suffix(ANN_SUFFIX)


def has_annotations(path: Path) -> bool:
    """True when ``path`` is a ``.txt`` file with a brat ``.ann`` file beside it."""
    return path.suffix.lower() == TEXT_SUFFIX and path.with_suffix(ANN_SUFFIX).is_file()


def _unsupported(reason: str, options: ReadOptions, source: str, line: int) -> Skipped | Problem:
    if options.skip_unsupported:
        return Skipped(reason)
    return Problem(
        f"{reason} cannot be imported (the store holds spans and notes only); "
        "use --skip-unsupported (in the app: 'Count what cannot be stored') to import the "
        "rest and count these",
        source,
        line,
    )


def _bound(ident: str, data: str, tail: str | None, source: str, line: int) -> _Bound | Problem:
    label, _, offsets = data.partition(" ")
    fragments = []
    for piece in offsets.split(";"):
        numbers = piece.split()
        if len(numbers) != 2 or not all(_NUMBER.fullmatch(n) for n in numbers):
            return Problem(
                f"{ident}: expected 'Label START END' (fragments separated by ';'), got {data!r}",
                source,
                line,
            )
        fragments.append((int(numbers[0]), int(numbers[1])))
    if not label.strip():
        return Problem(f"{ident}: the label is empty", source, line)
    return _Bound(line, ident, normalise_label(label), fragments, tail)


def _universal_offsets(text: str) -> list[int]:
    """For each offset in ``text`` with every CRLF read as one character, the offset in
    ``text`` itself."""
    out = []
    index = 0
    while index < len(text):
        out.append(index)
        index += 2 if text.startswith("\r\n", index) else 1
    out.append(len(text))
    return out


def _place(bound: _Bound, text: str, source: str) -> tuple[int, int] | Problem | None:
    """The span ``bound`` marks in ``text``; ``None`` when it is truly discontinuous."""
    where = bound.ident
    for start, end in bound.fragments:
        problem = offsets_problem(text, start, end, None, where, source, bound.line)
        if problem:
            return problem
    pieces = [text[start:end] for start, end in bound.fragments]
    joined = " ".join(pieces)
    if bound.quoted is not None and bound.quoted != joined:
        return Problem(
            f"{where}: its text {bound.quoted!r} differs from the text at "
            f"{';'.join(f'{s} {e}' for s, e in bound.fragments)}: {joined!r}",
            source,
            bound.line,
        )
    first, last = bound.fragments[0][0], bound.fragments[-1][1]
    gaps = zip(bound.fragments, bound.fragments[1:], strict=False)
    if all(_LINE_BREAKS.fullmatch(text[a[1] : b[0]]) for a, b in gaps):
        return first, last
    return None


def _placed(bounds: list[_Bound], text: str, source: str) -> list[tuple[int, int] | Problem | None]:
    """Each bound placed in ``text``, counting offsets byte-exact, or with CRLF as one
    character when only that reading fits every span (see the module notes)."""
    exact = [_place(bound, text, source) for bound in bounds]
    if "\r\n" not in text or not any(isinstance(p, Problem) for p in exact):
        return exact
    universal = text.replace("\r\n", "\n")
    placed = [_place(bound, universal, source) for bound in bounds]
    fitted = [p for p in placed if not isinstance(p, Problem)]
    if len(fitted) < len(placed):
        return exact
    mapping = _universal_offsets(text)
    return [p if p is None else (mapping[p[0]], mapping[p[1]]) for p in fitted]


def _lines(ann: str) -> Iterator[tuple[int, str, str, str | None]]:
    """``(line number, id, data, tail or None)`` of each non-blank line."""
    for number, raw in enumerate(ann.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        data, tab, tail = rest.partition("\t")
        yield number, ident, data, tail if tab else None


def read_pair(path: Path, options: ReadOptions) -> Iterator[Record | Problem | Skipped]:
    """The document of one brat pair, named by either of its files."""
    text_path, ann_path = pair_of(path)
    ann_source = str(ann_path)
    if not text_path.is_file() or not ann_path.is_file():
        missing = text_path if not text_path.is_file() else ann_path
        yield Problem(f"brat files come in pairs: {missing.name} is missing", str(path))
        return
    text, ann = read_utf8(text_path), read_utf8(ann_path)
    if isinstance(text, Problem):
        yield text
        return
    if isinstance(ann, Problem):
        yield ann
        return
    bounds: list[_Bound] = []
    defined: set[str] = set()
    notes: list[tuple[int, str, str, str]] = []
    relations: list[tuple[int, str, str, str, str]] = []
    out: list[Problem | Skipped] = []
    for line, ident, data, tail in _lines(ann):
        kind = ident[:1]
        if kind == "T":
            bound = _bound(ident, data, tail, ann_source, line)
            if ident in defined:
                bound = Problem(f"{ident} is defined twice", ann_source, line)
            if isinstance(bound, Problem):
                out.append(bound)
            else:
                bounds.append(bound)
            defined.add(ident)
        elif kind == "#":
            parts = data.split()
            if len(parts) != 2 or parts[0] != NOTE_TYPE:
                reason = f"brat comments other than {NOTE_TYPE} (# lines)"
                out.append(_unsupported(reason, options, ann_source, line))
            else:
                notes.append((line, ident, parts[1], tail or ""))
        elif kind == "R":
            match = _ARGUMENTS.fullmatch(data.strip())
            if match is None:
                reason = f"{ident}: a relation is 'TYPE Arg1:T1 Arg2:T2', got {data!r}"
                out.append(Problem(reason, ann_source, line))
            else:
                name, head, child = match.groups()
                relations.append((line, ident, name, head, child))
        elif kind in UNSUPPORTED:
            out.append(_unsupported(UNSUPPORTED[kind], options, ann_source, line))
        else:
            reason = f"{ident!r} is not a brat annotation id (T, R, E, A, M, N, # or *)"
            out.append(Problem(reason, ann_source, line))
    spans: dict[str, ReadSpan] = {}
    for bound, placed in zip(bounds, _placed(bounds, text, ann_source), strict=True):
        if isinstance(placed, Problem):
            out.append(placed)
        elif placed is None:
            out.append(_unsupported(DISCONTINUOUS, options, ann_source, bound.line))
        else:
            spans[bound.ident] = ReadSpan(*placed, bound.label)
    read_notes: list[ReadNote] = []
    for line, ident, target, note in notes:
        span = spans.get(target)
        if span is None and target.startswith("T") and target not in defined:
            out.append(Problem(f"{ident}: {target} is not defined in this file", ann_source, line))
        elif span is None:
            out.append(_unsupported(OTHER_NOTES, options, ann_source, line))
        elif note.strip():
            try:
                cleaned = clean_note(note)
            except InvalidSpan as exc:
                out.append(Problem(f"{ident}: {exc}", ann_source, line))
                continue
            read_notes.append((None, cleaned, (span.start, span.end, span.label, None), None))
    links = []
    for line, ident, name, head, child in relations:
        head_span, child_span = spans.get(head), spans.get(child)
        undefined = [end for end in (head, child) if end not in defined]
        if undefined:
            out.append(
                Problem(f"{ident}: {undefined[0]} is not defined in this file", ann_source, line)
            )
        elif head_span is None or child_span is None:
            out.append(_unsupported(OTHER_LINKS, options, ann_source, line))
        else:
            links.append(ReadRelation(head_span[:3], child_span[:3], normalise_label(name)))
    yield from out
    if any(isinstance(item, Problem) for item in out):
        return
    document = Document(text=text, title=title_from_text(text), source=text_path.name)
    yield Record(
        document=document,
        source=ann_source,
        spans=sorted(set(spans.values())),
        review=ReadReview(notes=read_notes) if read_notes else None,
        annotated=True,
        relations=links,
    )


@register_reader("brat", "brat standoff: NAME.txt with NAME.ann beside it", (ANN_SUFFIX,))
def read_brat(path: Path, options: ReadOptions) -> Iterator[Record | Problem | Skipped]:
    return read_pair(path, options)


LINE_EDGE = "starting or ending with a line break (brat lines cannot hold it)"
DOCUMENT_NOTES = "notes on a whole document (brat notes belong to a span)"
NOTES_ELSEWHERE = "notes on spans not in this export"
LINKS_ELSEWHERE = "links to spans not in this export"
NOTE_LINES = "line breaks in notes (written as spaces: a brat note is one line)"
_UNSAFE = re.compile(r"[^\w.-]+")


def fragments_of(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """``[start, end)`` split at its line breaks, as brat stores a span across lines;
    ``None`` when the span starts or ends with a line break."""
    if text[start] in "\r\n" or text[end - 1] in "\r\n":
        return None
    fragments = []
    for match in _LINE_BREAKS.finditer(text, start, end):
        fragments.append((start, match.start()))
        start = match.end()
    fragments.append((start, end))
    return fragments


def _file_stem(document: Document, taken: set[str]) -> str:
    """A name for the document's pair: its own brat name when it came from a ``.txt`` file,
    else ``document-ID``; the id is added when the name is already taken (compared without
    case, as on macOS and Windows file systems)."""
    source = document.source.rsplit("/", 1)[-1]
    stem = _UNSAFE.sub("_", source[: -len(TEXT_SUFFIX)]) if source.endswith(TEXT_SUFFIX) else ""
    stem = stem.strip("._") or f"document-{document.id}"
    if stem.casefold() in taken:
        stem = f"{stem}-{document.id}"
    taken.add(stem.casefold())
    return stem


def encode_configuration(context: ExportContext) -> list[tuple[str, bytes]]:
    """brat's ``annotation.conf`` (the labels as entity types, the relation types with the
    labels they join; overlapping and nested spans allowed) and ``visual.conf`` (their
    colours), so brat opens the folder as it is."""
    names = [label.name for label in context.labels]
    relations = "".join(
        f"{r.name}\tArg1:{'|'.join(r.heads)}, Arg2:{'|'.join(r.children)}\n"
        for r in context.relations
    )
    annotation = (
        "[entities]\n"
        + "".join(f"{name}\n" for name in names)
        + "\n[relations]\n"
        + relations
        + "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"
        + "\n[events]\n\n[attributes]\n"
    )
    visual = "[labels]\n\n[drawing]\n" + "".join(
        f"{label.name}\tbgColor:{label.color}\n" for label in context.labels
    )
    return [("annotation.conf", annotation.encode()), ("visual.conf", visual.encode())]


@register_folder_writer(
    "brat", "brat: standoff folder, NAME.txt and NAME.ann per document", encode_configuration
)
def encode_brat(item: ExportItem, tally: Tally, taken: set[str]) -> list[tuple[str, bytes]]:
    text = item.document.text
    lines = []
    ids: dict[tuple[int, int, str], str] = {}
    for start, end, label in distinct_spans(item.spans, tally):
        fragments = fragments_of(text, start, end)
        if fragments is None:
            tally.skipped(LINE_EDGE)
            continue
        ident = ids[(start, end, label)] = f"T{len(ids) + 1}"
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        quoted = " ".join(text[s:e] for s, e in fragments)
        lines.append(f"{ident}\t{label} {offsets}\t{quoted}\n")
    tally.wrote(label for _, _, label in ids)
    for number, (head, child, label) in enumerate(distinct_links(item), start=1):
        if head not in ids or child not in ids:
            tally.skipped(LINKS_ELSEWHERE)
            continue
        lines.append(f"R{number}\t{label} Arg1:{ids[head]} Arg2:{ids[child]}\n")
    written = 0
    for note, span in item.notes:
        target = ids.get(span[:3]) if span else None
        if target is None:
            tally.skipped(NOTES_ELSEWHERE if span else DOCUMENT_NOTES)
            continue
        written += 1
        one_line = _LINE_BREAKS.sub(" ", note.text)
        if one_line != note.text:
            tally.skipped(NOTE_LINES)
        lines.append(f"#{written}\t{NOTE_TYPE} {target}\t{one_line}\n")
    stem = _file_stem(item.document, taken)
    return [
        (stem + TEXT_SUFFIX, text.encode("utf-8")),
        (stem + ANN_SUFFIX, "".join(lines).encode("utf-8")),
    ]
