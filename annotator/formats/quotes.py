"""The ``quotes`` formats: one row per quote and speaker, what a quote extractor trains on and
what a newsroom reads, as JSON Lines (``quotes``) or CSV (``quotes-csv``).

Each row: the document's id and date, the quote's text and offsets, its speaker's text,
offsets and label (empty for a quote nobody has attributed yet) and whose layer it is (an
annotator's name, or ``gold``). A quote with two speakers gives two rows. Offsets are code
points, end exclusive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import orjson

from annotator.core.relations import SPEAKER
from annotator.formats.registry import Tally, register_writer
from annotator.store.exporting import ExportContext, ExportItem

QUOTE = "quote"
COLUMNS = (
    "document_id",
    "date",
    "quote",
    "quote_start",
    "quote_end",
    "speaker",
    "speaker_start",
    "speaker_end",
    "speaker_label",
    "annotator",
)


def quote_rows(item: ExportItem, tally: Tally) -> Iterator[dict[str, Any]]:
    """The rows of one record: its quotes in span order, each with each of its speakers."""
    text, document = item.document.text, item.document
    speakers: dict[tuple, list[tuple[int, int, str]]] = {}
    for head, child, label, annotator in item.links:
        if label == SPEAKER:
            speakers.setdefault((head, annotator), []).append(child)
    for start, end, label, annotator, _ in item.spans:
        if label != QUOTE:
            continue
        row = {
            "document_id": document.id,
            "date": document.date,
            "quote": text[start:end],
            "quote_start": start,
            "quote_end": end,
        }
        said = speakers.get(((start, end, label), annotator), [])
        found: list[tuple[int, int, str] | None] = [*said] if said else [None]
        for speaker in found:
            tally.wrote([QUOTE] if speaker is None else [QUOTE, speaker[2]])
            yield {
                **row,
                "speaker": None if speaker is None else text[speaker[0] : speaker[1]],
                "speaker_start": None if speaker is None else speaker[0],
                "speaker_end": None if speaker is None else speaker[1],
                "speaker_label": None if speaker is None else speaker[2],
                "annotator": annotator,
            }


@register_writer(
    "quotes", "quotes: one row per quote and speaker (JSON Lines)", carries_annotator=True
)
def encode_quotes(item: ExportItem, tally: Tally) -> bytes:
    return b"".join(
        orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in quote_rows(item, tally)
    )


def _csv(rows: list[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _csv_header(context: ExportContext) -> bytes:
    return _csv([COLUMNS])


@register_writer(
    "quotes-csv",
    "quotes: one row per quote and speaker (CSV)",
    extension=".csv",
    header=_csv_header,
    carries_annotator=True,
)
def encode_quotes_csv(item: ExportItem, tally: Tally) -> bytes:
    return _csv([[row[c] for c in COLUMNS] for row in quote_rows(item, tally)])
