"""The ``prodigy-rel`` format: Prodigy's ``rel.manual`` examples, for training relation
extraction (a quote's speaker) with spaCy.

One accepted example per document: ``{"id", "title", "text", "tokens": [{"text", "start",
"end", "id", "ws"}], "spans": [{"start", "end", "token_start", "token_end", "label",
"text"}], "relations": [{"head", "child", "head_span", "child_span", "label"}], "answer":
"accept", "meta"}``. Tokens cover the whole text and are cut at every span edge
(``annotator.formats.tokenize``), so ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` rebuilds every span; ``token_end`` is inclusive, and a relation's
``head`` and ``child`` are the last tokens of its spans, as Prodigy writes them. The ``spans``
reader reads these files back, relations included (by their ``head_span`` and
``child_span``).
"""

from __future__ import annotations

from typing import Any

import orjson

from annotator.formats.exporting import distinct_spans
from annotator.formats.links import distinct_links
from annotator.formats.registry import Tally, register_writer
from annotator.formats.tokenize import tokenize
from annotator.store.exporting import ExportItem


@register_writer(
    "prodigy-rel",
    "Prodigy rel.manual: tokens, spans and relations (spaCy relation extraction)",
    carries_annotator=True,
)
def encode_prodigy_rel(item: ExportItem, tally: Tally) -> bytes:
    document = item.document
    text = document.text
    spans = distinct_spans(item.spans, tally)
    tally.wrote(label for _, _, label in spans)
    tokens = tokenize(text, [span[:2] for span in spans])
    first = {token.start: index for index, token in enumerate(tokens)}
    last = {token.end: index for index, token in enumerate(tokens)}
    written: dict[tuple[int, int, str], dict[str, Any]] = {
        (start, end, label): {
            "start": start,
            "end": end,
            "token_start": first[start],
            "token_end": last[end],
            "label": label,
            "text": text[start:end],
        }
        for start, end, label in spans
    }
    relations = [
        {
            "head": written[head]["token_end"],
            "child": written[child]["token_end"],
            "head_span": written[head],
            "child_span": written[child],
            "label": label,
        }
        for head, child, label in distinct_links(item)
        if head in written and child in written
    ]
    record: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "text": text,
        "tokens": [
            {"text": text[t.start : t.end], "start": t.start, "end": t.end, "id": n, "ws": t.ws}
            for n, t in enumerate(tokens)
        ],
        "spans": list(written.values()),
        "relations": relations,
        "answer": "accept",
        # the answer is the record's own: a document imported from Prodigy keeps it in meta
        "meta": {key: value for key, value in document.meta.items() if key != "answer"},
    }
    if item.annotator is not None:
        record["_annotator_id"] = item.annotator
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
