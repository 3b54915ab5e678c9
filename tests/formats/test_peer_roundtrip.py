"""Round trips of the peer-tool formats: export -> import into a new database -> export is
byte-identical, and UTF-16 offsets (a JavaScript tool's) read back to the same spans."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.importing import import_paths
from annotator.formats.records import ReadOptions
from annotator.store import open_store
from tests.formats.helpers import Doc, round_trip
from tests.formats.peer import stored, utf16
from tests.formats.test_roundtrip import LABELS, TEXT, documents, one_annotator

READ = {"labelstudio": ReadOptions(predictions=True), "doccano-entities": ReadOptions()}


@pytest.mark.parametrize("fmt", sorted(READ))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(documents(), min_size=1, max_size=5))
def test_export_import_export_is_byte_identical(fmt: str, docs: list[Doc]) -> None:
    """Label Studio keeps every annotator's layer apart in a task; doccano holds one."""
    if fmt != "labelstudio":
        docs = [one_annotator(doc) for doc in docs]
    first, second = round_trip(docs, fmt, READ[fmt])
    assert second == first


@st.composite
def texts_with_spans(draw) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(TEXT.filter(bool))
    spans = set()
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.add((start, end, draw(st.sampled_from(LABELS))))
    return text, sorted(spans)


def utf16_file(folder: Path, fmt: str, text: str, spans: list) -> Path:
    def u(n: int) -> int:
        return utf16(n, text)

    if fmt == "doccano":
        rows = [{"text": text, "label": [[u(s), u(e), label] for s, e, label in spans]}]
    else:
        result = [
            {"type": "labels", "value": {"start": u(s), "end": u(e), "labels": [label]}}
            for s, e, label in spans
        ]
        rows = [{"data": {"text": text}, "annotations": [{"completed_by": 1, "result": result}]}]
    path = folder / f"{fmt}.json"
    path.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=texts_with_spans())
def test_utf16_offsets_read_back_to_the_same_spans(fmt: str, case: tuple) -> None:
    text, spans = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = open_store(folder / "u.db")
        path = utf16_file(folder, fmt, text, spans)
        options = ReadOptions(utf16_offsets=True, annotator="a")
        import_paths(engine, [path], "a", format_name=fmt, options=options)
        assert stored(engine) == sorted(
            (text[s:e], label, "a", "imported") for s, e, label in spans
        )
        engine.dispose()
