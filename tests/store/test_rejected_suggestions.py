"""Rejected suggestions in the store: per document and annotator, kept across a reopen, gone
with their document or label; a v4 database gains the table (after a backup)."""

from __future__ import annotations

import sqlite3

from annotator.core.documents import Document
from annotator.core.labels import Label
from annotator.core.spans import Origin
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.labels import delete_label, save_label
from annotator.store.migrations import SCHEMA_VERSION, migration_backups
from annotator.store.spans import document_spans
from annotator.store.suggestions import (
    accept_suggestions,
    forget_rejections,
    reject_suggestions,
    rejected_suggestions,
)
from tests.schema_rollback import roll_back

TEXT = "Zoë 🙂 met Jürgen Weiß in Köln."


def test_rejections_are_per_document_and_annotator_and_survive_a_reopen(db_path) -> None:
    engine = open_store(db_path)
    one, two = add_documents(engine, [Document(TEXT, "a"), Document(TEXT + " 🎉", "b")]).ids
    reject_suggestions(engine, one, "ana", [(11, 22, "actor"), (26, 30, "location")])
    reject_suggestions(engine, one, "ana", [(11, 22, "actor")])  # again: nothing new
    reject_suggestions(engine, two, "bo", [(11, 22, "actor")])
    engine.dispose()
    engine = open_store(db_path)
    assert rejected_suggestions(engine, one, "ana") == {(11, 22, "actor"), (26, 30, "location")}
    assert rejected_suggestions(engine, one, "bo") == set()
    assert rejected_suggestions(engine, two, "bo") == {(11, 22, "actor")}
    forget_rejections(engine, one, "ana", [(11, 22, "actor")])
    assert rejected_suggestions(engine, one, "ana") == {(26, 30, "location")}
    engine.dispose()


def test_accepting_writes_suggested_spans_once(engine) -> None:
    (doc,) = add_documents(engine, [Document(TEXT, "a")]).ids
    stored, change = accept_suggestions(
        engine, doc, "ana", [(11, 22, "actor"), (26, 30, "location")]
    )
    assert {s.origin for s in stored} == {Origin.SUGGESTED} and change.spans
    again, _ = accept_suggestions(engine, doc, "ana", [(11, 22, "actor")])
    assert again == []
    assert [(s.key, s.origin) for s in document_spans(engine, doc, "ana")] == [
        ((11, 22, "actor"), Origin.SUGGESTED),
        ((26, 30, "location"), Origin.SUGGESTED),
    ]


def test_a_deleted_label_takes_its_rejections_along(engine) -> None:
    (doc,) = add_documents(engine, [Document(TEXT, "a")]).ids
    save_label(engine, Label("weapon", "#aa3344", "6"))
    reject_suggestions(engine, doc, "ana", [(0, 3, "weapon"), (0, 3, "actor")])
    delete_label(engine, "weapon")
    assert rejected_suggestions(engine, doc, "ana") == {(0, 3, "actor")}


def test_a_v5_database_is_backed_up_and_gains_the_rejections_table(db_path) -> None:
    engine = open_store(db_path)
    (doc,) = add_documents(engine, [Document(TEXT, "a")]).ids
    engine.dispose()
    roll_back(db_path, 5)
    engine = open_store(db_path)
    reject_suggestions(engine, doc, "ana", [(11, 22, "actor")])
    assert rejected_suggestions(engine, doc, "ana") == {(11, 22, "actor")}
    engine.dispose()
    (backup,) = migration_backups(db_path)
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("5",)
    copy.close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    raw.close()
