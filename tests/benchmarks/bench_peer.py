"""Reading other tools' files: Label Studio's JSON export (10,000 tasks, 400,000 spans, parsed
one task at a time) and doccano JSONL of the same spans, against a bare ``orjson`` loop over
the same file that pulls out the same offsets and labels (no checks; it parses the export
whole). Reading only: the write half is the same for every format. Also the traced memory
peak of reading the Label Studio file, against its size."""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

import orjson

from annotator.formats.importing import read_records
from annotator.formats.records import ReadOptions
from tests.benchmarks.harness import benchmark, scaled, timed

SENTENCE = "🚨 ICE detuvo a 44 personas en Paramount, dijo Karen Bass. "
PHRASES = [("ICE", "agency"), ("44 personas", "figure"), ("Paramount", "location")]


def _spans(text: str, per_document: int) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    step = len(SENTENCE)
    for index in range(per_document):
        phrase, label = PHRASES[index % len(PHRASES)]
        start = (index // len(PHRASES)) * step + SENTENCE.index(phrase)
        out.append((start, start + len(phrase), label))
    return out


def _write(folder: Path, documents: int, per_document: int) -> tuple[Path, Path]:
    sentences = -(-per_document // len(PHRASES))
    tasks, lines = [], []
    for number in range(documents):
        text = SENTENCE * sentences + f"({number})"
        spans = _spans(text, per_document)
        result = [
            {
                "id": f"r{i}",
                "type": "labels",
                "from_name": "label",
                "to_name": "text",
                "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
            }
            for i, (s, e, label) in enumerate(spans)
        ]
        tasks.append(
            {
                "id": number,
                "data": {"text": text},
                "annotations": [{"completed_by": 1, "result": result}],
            }
        )
        lines.append(orjson.dumps({"text": text, "label": [list(s) for s in spans]}))
    studio = folder / "export.json"
    studio.write_bytes(orjson.dumps(tasks, option=orjson.OPT_INDENT_2))
    doccano = folder / "doccano.jsonl"
    doccano.write_bytes(b"\n".join(lines) + b"\n")
    return studio, doccano


def _bare_studio(path: Path) -> int:
    count = 0
    for task in orjson.loads(path.read_bytes()):
        for annotation in task["annotations"]:
            for item in annotation["result"]:
                value = item["value"]
                count += len((value["start"], value["end"], value["labels"][0]))
    return count


def _bare_doccano(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for raw in handle:
            count += len(orjson.loads(raw)["label"])
    return count


def _read(path: Path) -> int:
    return sum(1 for _ in read_records([path], options=ReadOptions(annotator="bench")))


def _traced_peak_mb(path: Path) -> float:
    tracemalloc.start()
    _read(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


@benchmark("formats.read_peer_files")
def read_peer_files(scale: float) -> dict[str, float | int]:
    documents = scaled(10_000, scale, minimum=4)
    per_document = 40
    with tempfile.TemporaryDirectory() as tmp:
        studio, doccano = _write(Path(tmp), documents, per_document)
        bare_studio = timed(lambda: _bare_studio(studio))
        ours_studio = timed(lambda: _read(studio))
        bare_doccano = timed(lambda: _bare_doccano(doccano))
        ours_doccano = timed(lambda: _read(doccano))
        return {
            "documents": documents,
            "spans": documents * per_document,
            "labelstudio_mb": studio.stat().st_size / 2**20,
            "labelstudio_bare_s": bare_studio,
            "labelstudio_s": ours_studio,
            "labelstudio_ratio": ours_studio / bare_studio,
            "labelstudio_traced_peak_mb": _traced_peak_mb(studio),
            "doccano_bare_s": bare_doccano,
            "doccano_s": ours_doccano,
            "doccano_ratio": ours_doccano / bare_doccano,
        }
