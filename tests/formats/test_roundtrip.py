"""Export -> import into a new database -> export again gives byte-identical files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.importing import import_paths
from annotator.store import open_store
from tests.formats.helpers import Doc, export_to, fill, round_trip

LABELS = ["actor", "agency", "location", "figure", "quote"]
PEOPLE = ["ana", "bo", "model 1"]
ORIGINS = ["manual", "imported", "suggested"]
STATUSES = ["new", "in_progress", "done", "skipped"]
PIECES = st.sampled_from(
    [
        "ICE",
        " ",
        "  ",
        "\n\n",
        "Karen Bass",
        ",",
        "“quoted”",
        "👍🏽",
        "👨‍👩‍👧",
        "e\u0301",
        "Ça",
        "\t",
        "44",
    ]
)
TEXT = st.lists(
    st.one_of(PIECES, st.text(st.characters(exclude_categories=("Cs",)), max_size=4)), max_size=12
).map("".join)


@st.composite
def documents(draw) -> Doc:
    text = draw(TEXT)
    spans: set[tuple] = set()
    n = len(text)
    if n:
        for _ in range(draw(st.integers(0, 6))):
            start = draw(st.integers(0, n - 1))
            end = draw(st.integers(start + 1, n))
            label, who = draw(st.sampled_from(LABELS)), draw(st.sampled_from(PEOPLE))
            spans.add((start, end, label, who, draw(st.sampled_from(ORIGINS))))
            shape = draw(st.sampled_from(["nested", "adjacent", "same range", "none"]))
            if shape == "nested" and end - start > 1:
                spans.add((start + 1, end, draw(st.sampled_from(LABELS)), who, "manual"))
            elif shape == "adjacent" and end < n:
                spans.add((end, n, label, who, "manual"))
            elif shape == "same range":
                spans.add((start, end, draw(st.sampled_from(LABELS)), "bo", "manual"))
    unique = {s[:4]: s for s in spans}
    statuses = draw(st.dictionaries(st.sampled_from(PEOPLE), st.sampled_from(STATUSES)))
    meta = draw(st.dictionaries(st.sampled_from(["date", "url", "ünï"]), TEXT, max_size=2))
    return Doc(text, sorted(unique.values()), statuses, meta)


def one_annotator(doc: Doc) -> Doc:
    """``doc`` as one annotator's finished or started work (a document with no spans is
    then a negative example), so a training format carries all of it."""
    spans = {s[:3]: (*s[:3], "ana", s[4]) for s in doc.spans}
    status = ("in_progress", "done", "skipped")[len(doc.text) % 3]
    return Doc(doc.text, sorted(spans.values()), {"ana": status}, doc.meta)


@pytest.mark.parametrize("fmt", ["spans", "doccano", "native"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(documents(), min_size=1, max_size=5))
def test_export_import_export_is_byte_identical(fmt: str, docs: list[Doc]) -> None:
    """Every document comes back: spans formats hold one annotator, so the corpus is one
    annotator's; ``native`` keeps everyone's layers."""
    if fmt != "native":
        docs = [one_annotator(doc) for doc in docs]
    first, second = round_trip(docs, fmt)
    assert second == first


def test_native_keeps_annotators_statuses_origins_and_schema(tmp_path: Path) -> None:
    from annotator.core.labels import Label
    from annotator.store.annotators import ensure_annotator, list_annotators
    from annotator.store.labels import get_schema, save_label
    from annotator.store.spans import document_spans
    from annotator.store.status import get_status

    source = open_store(tmp_path / "a.db")
    save_label(source, Label("weapon", "#123456", "9", "Arms of any kind."))
    ensure_annotator(source, "idle reviewer")
    doc = Doc(
        "ICE seized a rifle.",
        [(0, 3, "agency", "ana", "manual"), (13, 18, "weapon", "model 1", "suggested")],
        {"ana": "done", "model 1": "new"},
    )
    (doc_id,) = fill(source, [doc])
    export_to(source, tmp_path / "backup.jsonl", "native")
    target = open_store(tmp_path / "b.db")
    import_paths(target, [tmp_path / "backup.jsonl"], annotator="ignored")
    assert get_schema(target)["weapon"] == Label("weapon", "#123456", "9", "Arms of any kind.")
    assert list_annotators(target) == ["ana", "idle reviewer", "model 1"]
    spans = [(s.start, s.end, s.label, s.annotator, s.origin) for s in document_spans(target, 1)]
    assert spans == [(0, 3, "agency", "ana", "manual"), (13, 18, "weapon", "model 1", "suggested")]
    assert get_status(target, doc_id, "ana") == "done"
    assert get_status(target, doc_id, "model 1") == "new"
