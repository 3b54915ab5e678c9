"""The stdlib-only first look at a database shows what the store will open, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.documents import Document
from annotator.store.documents import add_documents, get_document
from annotator.store.glance import glance
from annotator.store.labels import get_schema
from annotator.store.spans import add_span, document_spans
from tests.crowded import SPANS, TEXT


@pytest.mark.sqlite_only
def test_a_glance_sees_what_the_store_opens(engine, db_path: Path) -> None:
    first, second = add_documents(
        engine, [Document(text="Zoë 🙂 spoke.", title="One"), Document(text=TEXT, title="Two")]
    ).ids
    for span in SPANS:
        add_span(engine, second, "ana", span)
    add_span(engine, second, "bo", SPANS[0])
    seen = glance(db_path, "  ana ", second)
    assert seen is not None
    assert (seen.document_id, seen.title, seen.text) == (
        second,
        "Two",
        get_document(engine, second).text,
    )
    assert seen.spans == document_spans(engine, second, "ana")
    assert [s.id for s in seen.spans] == [s.id for s in document_spans(engine, second, "ana")]
    assert seen.colors == {label.name: label.color for label in get_schema(engine)}
    assert glance(f"sqlite:///{db_path}", "ana", None).document_id == first
    assert glance(db_path, "ana", 999).document_id == first


def test_no_glance_where_there_is_nothing_sure_to_see(tmp_path: Path) -> None:
    assert glance(tmp_path / "missing.db", "ana", None) is None
    assert glance("postgresql://host/db", "ana", None) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert glance(junk, "ana", None) is None
    assert glance(tmp_path, "ana", None) is None
