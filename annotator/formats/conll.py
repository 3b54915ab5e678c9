"""CoNLL NER files (CoNLL-2002/2003 layout): one token per line, its tag in the last column.

Columns are separated by tabs, or by spaces when a line has no tab; the first column is the
token, the last its tag, any columns between (part of speech, chunk) are not annotations.
A blank line ends a sentence and a ``-DOCSTART-`` line starts a new document (a file without
one is one document). The text is rebuilt as the tokens joined by one space, sentences by a
newline, and the spans' offsets follow from that.

Tags: ``O``, or a prefix and a label (``B-PER``). The schemes are told apart by their
prefixes. A document using ``E-``/``S-`` (BIOES) or ``L-``/``U-`` (BILOU) is read strictly:
``I-`` and ``E-``/``L-`` must continue a span begun by ``B-`` with the same label. Otherwise
it is IOB: ``B-`` starts a span and ``I-`` continues the open span of its label or, after
``O`` or another label, starts one, which is how IOB1 marks the start of a span and reads
IOB2 unchanged. Any other tag is refused with file and line.

Written as IOB2 with CoNLL-2003's ``-DOCSTART- -X- -X- O`` line before each document and
one ``TOKEN TAG`` line per token, tokens from ``annotator.formats.tokenize``. A sentence ends
at each line break of the text that no span crosses. CoNLL tags whole tokens in one layer,
so a span whose edges are not token edges, or that nests in or crosses a span kept (outermost
wins, as in ``tokens``), is left out and counted by reason in the export summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.formats.exporting import distinct_spans
from annotator.formats.plaintext import read_utf8
from annotator.formats.records import ReadOptions, ReadSpan, Record
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.formats.tokenize import tokenize
from annotator.formats.tokens import outermost
from annotator.store.exporting import ExportItem

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- -X- O\n\n"
NOT_ON_TOKENS = "not starting and ending at token edges (CoNLL tags whole tokens)"
_TAG = re.compile(r"([BIESLU])-(.+)")
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")

Row = tuple[int, str, str]
"""``(line number, token, tag)``; a token of ``""`` ends a sentence."""


def _rows(path: Path) -> Iterator[Row | Problem | None]:
    """Each line as a row, ``None`` at ``-DOCSTART-``, or the problem with it."""
    source = str(path)
    text = read_utf8(path)
    if isinstance(text, Problem):
        yield text
        return
    for number, line in enumerate(text.split("\n"), start=1):
        columns = line.split("\t") if "\t" in line else line.split()
        columns = [c.strip() for c in columns]
        if not any(columns):
            yield number, "", ""
        elif columns[0] == DOCSTART:
            yield None
        elif len(columns) < 2 or not columns[0] or not columns[-1]:
            yield Problem(
                f"expected a token and its tag in the last column, got {line.strip()!r}",
                source,
                number,
            )
        else:
            yield number, columns[0], columns[-1]


def _documents(path: Path) -> Iterator[list[Row] | Problem]:
    """The rows of each document, split at ``-DOCSTART-``."""
    rows: list[Row] = []
    for row in _rows(path):
        if isinstance(row, Problem):
            yield row
        elif row is None:
            if any(token for _, token, _ in rows):
                yield rows
            rows = []
        else:
            rows.append(row)
    if any(token for _, token, _ in rows):
        yield rows


def _tag_problem(tag: str, why: str, source: str, line: int) -> Problem:
    return Problem(f"tag {tag!r} {why}", source, line)


class _Spans:
    """The spans of one document as its tags open, continue and close them."""

    def __init__(self, strict: bool, source: str) -> None:
        self.strict = strict
        self.source = source
        self.spans: list[ReadSpan] = []
        self.open: list | None = None  # [start, end, label, line, tag]

    def close(self, line: int, tag: str, ending: bool = False) -> Problem | None:
        """Close the open span; in BIOES/BILOU only an ``E-``/``L-`` tag (``ending``) may."""
        if self.open is None:
            return None
        if self.strict and not ending:
            start_tag, start_line = self.open[4], self.open[3]
            return _tag_problem(
                start_tag, "begins a span that no E- or L- tag ends", self.source, start_line
            )
        self.spans.append(ReadSpan(*self.open[:3]))
        self.open = None
        return None

    def tag(
        self, start: int, end: int, prefix: str, label: str, line: int, tag: str
    ) -> Problem | None:
        opened = self.open
        if prefix in "IEL" and opened is not None and opened[2] == label:
            opened[1] = end
        elif self.strict and prefix in "IEL":
            return _tag_problem(
                tag, "does not continue a span begun by B- with its label", self.source, line
            )
        else:
            problem = self.close(line, tag)
            if problem:
                return problem
            self.open = [start, end, label, line, tag]
        return self.close(line, tag, ending=True) if prefix in "ESLU" else None


def _decode(rows: list[Row], source: str) -> tuple[str, list[ReadSpan]] | Problem:
    """The document's text and spans, from its rows."""
    strict = any(tag[:2] in ("E-", "S-", "L-", "U-") for _, token, tag in rows if token)
    spans = _Spans(strict, source)
    pieces: list[str] = []
    labels: dict[str, str] = {}
    position = 0
    for line, token, tag in rows:
        if not token or tag == "O":
            problem = spans.close(line, tag)
            if problem:
                return problem
        if not token:
            if pieces and pieces[-1] != "\n":
                pieces.append("\n")
                position += 1
            continue
        if pieces and pieces[-1] != "\n":
            pieces.append(" ")
            position += 1
        start = position
        pieces.append(token)
        position += len(token)
        if tag == "O":
            continue
        match = _TAG.fullmatch(tag)
        if match is None:
            return _tag_problem(tag, "is not O or B-, I-, E-, S-, L-, U- and a label", source, line)
        prefix, raw = match.groups()
        label = labels.get(raw)
        if label is None:
            label = labels[raw] = normalise_label(raw)
        problem = spans.tag(start, position, prefix, label, line, tag)
        if problem:
            return problem
    problem = spans.close(rows[-1][0], "")
    if problem:
        return problem
    if pieces and pieces[-1] == "\n":
        pieces.pop()
    return "".join(pieces), spans.spans


@register_reader(
    "conll", "CoNLL NER: a token per line, IOB/BIOES tag last", (".conll", ".iob", ".bio")
)
def read_conll(path: Path, options: ReadOptions) -> Iterator[Record | Problem]:
    source = str(path)
    for rows in _documents(path):
        if isinstance(rows, Problem):
            yield rows
            continue
        decoded = _decode(rows, source)
        if isinstance(decoded, Problem):
            yield decoded
            continue
        text, spans = decoded
        line = next(number for number, token, _ in rows if token)
        document = Document(text=text, title=title_from_text(text), source=f"{path.name}:{line}")
        yield Record(
            document=document, source=source, line=line, spans=sorted(spans), annotated=True
        )


def _on_tokens(
    spans: list[tuple[int, int, str]], starts: set[int], ends: set[int], tally: Tally
) -> list[tuple[int, int, str]]:
    """The spans whose edges are token edges; the others are counted."""
    kept = []
    for span in spans:
        if span[0] in starts and span[1] in ends:
            kept.append(span)
        else:
            tally.skipped(NOT_ON_TOKENS)
    return kept


@register_writer("conll", "CoNLL: IOB2 tags, a token per line", extension=".conll")
def encode_conll(item: ExportItem, tally: Tally) -> bytes:
    text = item.document.text
    tokens = [t for t in tokenize(text) if not t.is_space(text)]
    starts = {token.start for token in tokens}
    ends = {token.end for token in tokens}
    spans = outermost(_on_tokens(distinct_spans(item.spans, tally), starts, ends, tally), tally)
    tally.wrote(label for _, _, label in spans)
    index_of = {token.start: index for index, token in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    inside: set[int] = set()
    for start, end, label in spans:
        index = index_of[start]
        tags[index] = f"B-{label.upper()}"
        index += 1
        while index < len(tokens) and tokens[index].start < end:
            tags[index] = f"I-{label.upper()}"
            inside.add(index)
            index += 1
    lines = [DOCSTART_LINE]
    for index, token in enumerate(tokens):
        if (
            index
            and index not in inside
            and _LINE_BREAK.search(text, tokens[index - 1].end, token.start)
        ):
            lines.append("\n")
        lines.append(f"{text[token.start : token.end]} {tags[index]}\n")
    if tokens:
        lines.append("\n")
    return "".join(lines).encode("utf-8")
