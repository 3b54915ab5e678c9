"""The ``tokens`` format: token-level BIO tags for Hugging Face token classification.

``{"id", "text", "tokens": [...], "ner_tags": ["B-ACTOR", "I-ACTOR", "O", ...]}``, loaded as
is by ``datasets.load_dataset("json", data_files=...)``. Tokens come from
``annotator.formats.tokenize``, cut at every span edge, so no span splits a token; white space
is left out of ``tokens``.

Nesting policy, outermost wins: BIO holds one layer, so spans are taken longest-first from
left to right and a span that overlaps one already taken is left out. The export summary
counts the spans left out, by reason (nested inside a longer span, crossing another span,
same range as a span with another label, only white space).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.documents import Document, title_from_text
from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.formats.exporting import distinct_spans, whose
from annotator.formats.jsonl import field, records_of, unread_annotations
from annotator.formats.records import ReadOptions, ReadSpan, Record
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.formats.tokenize import tokenize
from annotator.store.exporting import ExportItem

NESTED = "nested inside a longer span (BIO holds one layer)"
CROSSING = "crossing another span (BIO holds one layer)"
SAME_RANGE = "same range as a span with another label (BIO holds one layer)"
BLANK = "only white space (no token to tag)"


def outermost(spans: list[tuple[int, int, str]], tally: Tally) -> list[tuple]:
    """The spans one BIO layer keeps (see the module notes); the rest are counted."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        last = kept[-1] if kept else None
        if last is None or span[0] >= last[1]:
            kept.append(span)
        elif span[:2] == last[:2]:
            tally.skipped(SAME_RANGE)
        elif span[1] <= last[1]:
            tally.skipped(NESTED)
        else:
            tally.skipped(CROSSING)
    return kept


@register_writer(
    "tokens", "tokens: BIO tags (Hugging Face token classification)", carries_annotator=True
)
def encode_tokens(item: ExportItem, tally: Tally) -> bytes:
    text = item.document.text
    spans = distinct_spans(item.spans, tally)
    tokens = [t for t in tokenize(text, [s[:2] for s in spans]) if not t.is_space(text)]
    tags = ["O"] * len(tokens)
    starts = {token.start: index for index, token in enumerate(tokens)}
    index_of_end = {token.end: index for index, token in enumerate(tokens)}
    written = []
    for start, end, label in outermost(spans, tally):
        first = next((starts[p] for p in range(start, end) if p in starts), None)
        last = next((index_of_end[p] for p in range(end, start, -1) if p in index_of_end), None)
        if first is None or last is None or last < first:
            tally.skipped(BLANK)
            continue
        tag = label.upper()
        tags[first] = f"B-{tag}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{tag}"
        written.append(label)
    tally.wrote(written)
    return orjson.dumps(
        {
            "id": item.document.id,
            **whose(item),
            "text": text,
            "tokens": [text[t.start : t.end] for t in tokens],
            "ner_tags": tags,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


def _offsets(tokens: list[str], text: str | None) -> tuple[str, list[tuple[int, int]]] | str:
    """The text and each token's offsets in it; a reason when a token is not found there."""
    if text is None:
        text = " ".join(tokens)
    offsets = []
    position = 0
    for index, token in enumerate(tokens):
        while (
            position < len(text)
            and text[position].isspace()
            and not token.startswith(text[position])
        ):
            position += 1
        if not token or not text.startswith(token, position):
            return f"token {index} {token!r} is not the text at offset {position}"
        offsets.append((position, position + len(token)))
        position += len(token)
    return text, offsets


def record_from_tokens(obj: dict[str, Any], path: Path, line: int) -> Record | Problem:
    source = str(path)
    tokens = field(obj, "tokens", list, source, line)
    tags = field(obj, "ner_tags", list, source, line)
    unread = unread_annotations(obj, set(), "tokens", source, line)
    for value in (unread, tokens, tags):
        if isinstance(value, Problem):
            return value
    if len(tokens) != len(tags):
        return Problem(
            f"{len(tokens)} tokens but {len(tags)} ner_tags; they must pair up", source, line
        )
    if not all(isinstance(t, str) for t in tokens):
        return Problem("every token must be a string", source, line)
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        return Problem("field 'text' must be a string", source, line)
    aligned = _offsets(tokens, text)
    if isinstance(aligned, str):
        return Problem(aligned, source, line)
    text, offsets = aligned
    spans: list[ReadSpan] = []
    open_span: list | None = None
    for index, tag in enumerate(tags):
        if not isinstance(tag, str) or not (tag == "O" or (tag[:2] in ("B-", "I-") and tag[2:])):
            return Problem(
                f"ner_tag {index} {tag!r} is not O, B-LABEL or I-LABEL "
                "(numeric tags need their names)",
                source,
                line,
            )
        label = normalise_label(tag[2:])
        if tag.startswith("I-") and open_span and open_span[2] == label:
            open_span[1] = offsets[index][1]
            continue
        if open_span:
            spans.append(ReadSpan(*open_span))
        open_span = [*offsets[index], label] if tag != "O" else None
    if open_span:
        spans.append(ReadSpan(*open_span))
    document = Document(text=text, title=title_from_text(text), source=f"{path.name}:{line}")
    return Record(document=document, source=source, line=line, spans=sorted(spans), annotated=True)


@register_reader(
    "tokens",
    "JSON Lines with tokens and BIO ner_tags (Hugging Face)",
    (".jsonl", ".json"),
    sniff=lambda obj: "tokens" in obj and "ner_tags" in obj,
)
def read_tokens(path: Path, options: ReadOptions) -> Iterator[Record | Problem]:
    return records_of(path, lambda obj, where, line: [record_from_tokens(obj, where, line)])
