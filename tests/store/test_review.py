"""The v2 schema (notes, gold provenance) and the review commands."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.errors import InvalidSpan
from annotator.core.review import GOLD, Gold
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.annotators import list_annotators
from annotator.store.document_list import DocumentQuery, count_matching
from annotator.store.documents import add_documents
from annotator.store.migrations import SCHEMA_VERSION
from annotator.store.notes import add_note, delete_note, document_notes, edit_note
from annotator.store.review import (
    ReviewFilter,
    accept_agreed,
    accept_version,
    add_gold,
    disagreement_documents,
    edit_gold,
    gold_layer,
    mark_reviewed,
    reject_all,
    reviewed_documents,
    swap_gold,
)
from annotator.store.spans import add_span, delete_span, document_spans, update_span
from annotator.store.status import Status, set_status

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.sql"
WHEN = "2025-06-07 10:00:00.000000"


def _v1_database(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.executescript(FIXTURE.read_text(encoding="utf-8"))
    raw.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    raw.executemany(
        "INSERT INTO label (id, name, color, hotkey, guideline, position) VALUES (?,?,?,?,?,?)",
        [(1, "actor", "#e8833a", "1", "", 0), (2, "location", "#3aa655", "3", "", 1)],
    )
    raw.execute(
        "INSERT INTO document VALUES (1, 'Raid', 'ICE raid in Paramount', 21, '4f5e', '', '{}', ?)",
        (WHEN,),
    )
    raw.executemany("INSERT INTO annotator VALUES (?, ?, ?)", [(1, "ana", WHEN), (2, "gold", WHEN)])
    raw.executemany(
        "INSERT INTO span VALUES (?, 1, ?, ?, ?, ?, 'manual', ?, ?)",
        [(1, 1, 2, 13, 21, WHEN, WHEN), (2, 2, 1, 0, 3, WHEN, WHEN)],
    )
    raw.execute("INSERT INTO document_status VALUES (1, 1, 'done', ?)", (WHEN,))
    raw.commit()
    raw.close()


def test_a_v1_database_is_backed_up_migrated_and_keeps_its_data(tmp_path) -> None:
    path = tmp_path / "team.db"
    _v1_database(path)
    engine = open_store(path)
    spans = document_spans(engine, 1)
    assert [(s.start, s.end, s.label, s.annotator) for s in spans] == [
        (0, 3, "actor", "gold (annotator)"),
        (13, 21, "location", "ana"),
    ]
    # the person who was called "gold" keeps their spans under a new name; the name now
    # marks the reviewed layer, which starts empty.
    assert gold_layer(engine, 1) == []
    assert list_annotators(engine) == ["ana", "gold (annotator)"]
    note, _ = add_note(engine, 1, "ana", "Paramount is a city, not a district", span_id=1)
    assert document_notes(engine, 1) == [note]
    engine.dispose()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    assert raw.execute("SELECT status FROM document_status").fetchall() == [("done",)]
    raw.close()
    backups = list(tmp_path.glob("team.db.v1-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT name FROM annotator ORDER BY id").fetchall() == [
        ("ana",),
        ("gold",),
    ]
    copy.close()


@pytest.fixture
def doc(engine, seed_document) -> int:
    doc_id = add_documents(engine, [seed_document]).ids[0]
    for span in (Span(0, 4, "agency"), Span(10, 20, "actor"), Span(30, 40, "location")):
        add_span(engine, doc_id, "ana", span)
    for span in (Span(0, 4, "agency"), Span(10, 25, "actor"), Span(50, 60, "figure")):
        add_span(engine, doc_id, "ben", span)
    return doc_id


def _keys(engine, doc_id) -> list[tuple]:
    return [(g.span.key, g.sources) for g in gold_layer(engine, doc_id)]


def test_accept_agreed_then_a_version_then_reject(engine, doc) -> None:
    edit = accept_agreed(engine, doc)
    assert _keys(engine, doc) == [((0, 4, "agency"), ("ana", "ben"))]
    assert edit.change.documents == {doc}
    accept_version(engine, doc, 10, 25, "ben")
    reject_all(engine, doc, 30, 40)
    accept_version(engine, doc, 50, 60, "ben")
    assert _keys(engine, doc) == [
        ((0, 4, "agency"), ("ana", "ben")),
        ((10, 25, "actor"), ("ben",)),
        ((50, 60, "figure"), ("ben",)),
    ]
    # choosing ana's version of the actor replaces ben's there
    accept_version(engine, doc, 10, 25, "ana")
    assert ((10, 20, "actor"), ("ana",)) in _keys(engine, doc)
    assert ((10, 25, "actor"), ("ben",)) not in _keys(engine, doc)


def test_edit_keeps_provenance_honest_and_every_edit_undoes_by_swapping_back(engine, doc) -> None:
    accept_version(engine, doc, 10, 25, "ana")
    before = gold_layer(engine, doc)
    edit = edit_gold(engine, before[0].span.id, end=25)
    assert _keys(engine, doc) == [((10, 25, "actor"), ("ben",))]
    back = swap_gold(engine, doc, [g.span.key for g in edit.added], edit.removed)
    assert _keys(engine, doc) == [((10, 20, "actor"), ("ana",))]
    edit = edit_gold(engine, back.added[0].span.id, label="agency")
    assert _keys(engine, doc) == [((10, 20, "agency"), ())]
    mine = add_gold(engine, doc, Span(70, 80, "quote"))
    assert mine.added[0].sources == ()
    swap_gold(engine, doc, [mine.added[0].span.key], [])
    assert _keys(engine, doc) == [((10, 20, "agency"), ())]


def test_restoring_keeps_the_recorded_provenance(engine, doc) -> None:
    accept_version(engine, doc, 10, 25, "ana")
    gone = reject_all(engine, doc, 10, 25)
    delete_span(engine, document_spans(engine, doc, "ana")[1].id, "ana")
    swap_gold(engine, doc, [], gone.removed)
    assert _keys(engine, doc) == [((10, 20, "actor"), ("ana",))]


def test_gold_spans_change_only_through_review(engine, doc) -> None:
    accept_agreed(engine, doc)
    gold = gold_layer(engine, doc)[0].span
    with pytest.raises(InvalidSpan, match="only in review"):
        add_span(engine, doc, GOLD, Span(5, 9, "actor"))
    with pytest.raises(InvalidSpan, match="only in review"):
        update_span(engine, gold.id, GOLD, end=9)
    with pytest.raises(InvalidSpan, match="belongs to gold"):
        delete_span(engine, gold.id, "ana")
    assert _keys(engine, doc) == [((0, 4, "agency"), ("ana", "ben"))]


def test_notes_belong_to_their_author(engine, doc) -> None:
    span = document_spans(engine, doc, "ana")[0]
    note, change = add_note(engine, doc, "ana", "  agency or actor here?  ", span_id=span.id)
    assert (note.text, note.span_id, note.annotator) == ("agency or actor here?", span.id, "ana")
    assert change.notes == {note.id} and change.documents == {doc}
    on_document, _ = add_note(engine, doc, "rev", "second pass needed")
    with pytest.raises(InvalidSpan, match="only its author"):
        edit_note(engine, note.id, "rev", "mine now")
    edited, _ = edit_note(engine, note.id, "ana", "agency")
    assert [n.text for n in document_notes(engine, doc)] == ["agency", "second pass needed"]
    with pytest.raises(InvalidSpan, match="cannot be empty"):
        add_note(engine, doc, "rev", "   ")
    delete_note(engine, on_document.id, "rev")
    assert document_notes(engine, doc) == [edited]


def test_disagreement_and_reviewed_filters(engine, doc, seed_document) -> None:
    from annotator.core.documents import Document

    same, alone, empty = add_documents(
        engine,
        [Document(text=t, title=t) for t in ("agreed text", "one annotator", "nothing here")],
    ).ids
    for who in ("ana", "ben"):
        add_span(engine, same, who, Span(0, 6, "actor"))
        set_status(engine, empty, who, Status.DONE)
    add_span(engine, alone, "ana", Span(0, 3, "figure"))
    assert disagreement_documents(engine) == {doc}
    add_span(engine, empty, "ben", Span(0, 7, "actor"))
    assert disagreement_documents(engine) == {doc, empty}
    accept_agreed(engine, same)
    assert disagreement_documents(engine) == {doc, empty}
    assert reviewed_documents(engine) == set()
    mark_reviewed(engine, same)
    assert reviewed_documents(engine) == {same}
    disputed = DocumentQuery(review=ReviewFilter.DISAGREEMENTS)
    assert count_matching(engine, disputed) == 2
    assert count_matching(engine, replace(disputed, text="nothing")) == 1
    assert count_matching(engine, DocumentQuery(review=ReviewFilter.REVIEWED)) == 1


def test_swap_adds_a_span_once(engine, doc) -> None:
    span = Span(0, 4, "agency")
    edit = swap_gold(engine, doc, [], [Gold(span), Gold(span)])
    assert len(edit.added) == 1
    assert accept_agreed(engine, doc).added == []


def test_undoing_a_swap_brings_back_the_gold_span_its_id_and_its_notes(engine, doc) -> None:
    mine = add_gold(engine, doc, Span(70, 80, "quote")).added[0].span
    note, _ = add_note(engine, doc, "rev", "cita textual 💬", span_id=mine.id)
    gone = swap_gold(engine, doc, [mine.key], [Gold(Span(70, 85, "quote"))])
    assert gone.notes == (note,)
    assert document_notes(engine, doc) == []
    back = swap_gold(engine, doc, [g.span.key for g in gone.added], gone.removed, gone.notes)
    assert back.added[0].span.id == mine.id
    assert document_notes(engine, doc) == [note]
    assert back.change.notes == {note.id}


@pytest.mark.sqlite_only(reason="SQLite hands a freed id out again; PostgreSQL never does")
def test_a_gold_span_whose_id_was_taken_comes_back_under_a_new_one(engine, doc) -> None:
    mine = add_gold(engine, doc, Span(70, 80, "quote")).added[0].span
    note, _ = add_note(engine, doc, "rev", "segunda lectura", span_id=mine.id)
    gone = reject_all(engine, doc, 70, 80)
    taken, _ = add_span(engine, doc, "ana", Span(90, 95, "actor"))
    assert taken is not None and taken.id == mine.id
    back = swap_gold(engine, doc, [], gone.removed, gone.notes)
    [restored] = document_notes(engine, doc)
    assert restored.span_id == back.added[0].span.id != mine.id
    assert (restored.id, restored.text) == (note.id, note.text)
