"""The quotes export: one row per quote and speaker, per annotator, as JSON Lines and CSV."""

from __future__ import annotations

import csv
import json

from annotator.core.relations import SPEAKER, Link
from annotator.store.exporting import Selection, SpanSource
from annotator.store.relations import add_link
from annotator.store.spans import document_spans
from tests.formats.helpers import Doc, export_to, fill

TEXT = "“Nos quedamos,” dijo Zoë Núñez 👍🏽 de la ACLU.\n“Fuera,” gritó un agente de ICE."


def _at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def _stored(engine) -> None:
    spans = [
        (*_at("Nos quedamos,"), "quote"),
        (*_at("Zoë Núñez"), "actor"),
        (*_at("ACLU"), "agency"),
        (*_at("Fuera,"), "quote"),
        (*_at("ICE"), "agency"),
    ]
    doc = Doc(
        TEXT,
        [(*s, who, "manual") for who in ("ana", "ben") for s in spans],
        meta={"date": "2025-06-07"},
    )
    fill(engine, [doc])
    for who, links in (("ana", [(0, 1), (0, 2)]), ("ben", [(3, 4)])):
        ids = {s.key: s.id for s in document_spans(engine, 1, who)}
        for quote, speaker in links:
            add_link(engine, 1, who, Link(ids[spans[quote]], ids[spans[speaker]], SPEAKER))


def test_quotes_rows_per_annotator_in_jsonl_and_csv(engine, tmp_path) -> None:
    _stored(engine)
    each = Selection(source=SpanSource.EACH)
    export_to(engine, tmp_path / "q.jsonl", "quotes", selection=each)
    rows = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text("utf-8").splitlines()]
    brief = [(r["annotator"], r["quote"], r["speaker"], r["speaker_label"]) for r in rows]
    assert brief == [
        ("ana", "Nos quedamos,", "Zoë Núñez", "actor"),
        ("ana", "Nos quedamos,", "ACLU", "agency"),
        ("ana", "Fuera,", None, None),
        ("ben", "Nos quedamos,", None, None),
        ("ben", "Fuera,", "ICE", "agency"),
    ]
    first = rows[0]
    assert (first["document_id"], first["date"]) == (1, "2025-06-07")
    assert TEXT[first["quote_start"] : first["quote_end"]] == first["quote"]
    assert TEXT[first["speaker_start"] : first["speaker_end"]] == "Zoë Núñez"
    export_to(engine, tmp_path / "q.csv", "quotes-csv", selection=each)
    with (tmp_path / "q.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["annotator"], r["quote"], r["speaker"]) for r in table] == [
        (a, q, s or "") for a, q, s, _ in brief
    ]
    assert table[4]["speaker_start"] == str(TEXT.index("ICE"))
