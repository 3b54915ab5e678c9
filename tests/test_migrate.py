"""Moving a corpus between SQLite and PostgreSQL with ``annotator migrate``, backups of a
PostgreSQL database, and the one-line messages for a server or URL that cannot be used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.documents import Document
from annotator.core.labels import Label, RelationType
from annotator.core.relations import SPEAKER, Link
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.documents import add_documents
from annotator.store.gold_links import decide_links
from annotator.store.labels import save_label
from annotator.store.notes import add_note
from annotator.store.relations import add_link, save_relation_type
from annotator.store.review import (
    accept_agreed,
    accept_version,
    gold_layer,
    mark_reviewed,
    reject_all,
)
from annotator.store.spans import add_span, document_spans
from annotator.store.status import Status, flag_document, set_status
from tests import engines
from tests.crowd import TEXT as CROWD_TEXT
from tests.crowd import add_crowd, words

PARAMOUNT = words(CROWD_TEXT, "Paramount", "agency")  # every version of it rejected
REJECTED_GROUP = (PARAMOUNT.start, PARAMOUNT.end)


@pytest.fixture
def pg_database(pg_databases: engines.Databases) -> Iterator[str]:
    yield from pg_databases.fresh()


def fill_everything(db: str | Path) -> None:
    """A corpus with every kind of row: a label and a relation type of its own, three
    annotators' nested and crossing spans over accents and emoji, statuses (one flagged
    with its reason), notes on a document and on spans, gold with provenance, links in
    annotators' layers and in gold, the reviewer's rejections (a span group, a quote's
    speaker), a reviewed document, and a second document."""
    engine = open_store(db)
    try:
        save_label(engine, Label("weapon", "#884400", "6", "Arms, «armas» 🔫"))
        save_relation_type(engine, RelationType("holds", ("actor",), ("weapon",), "who holds it"))
        doc = add_crowd(engine)
        other = add_documents(engine, [Document(text="Zoë saw a rifle in Paramount.", title="Z")])
        rifle = add_span(engine, other.ids[0], "ben", Span(10, 15, "weapon"))[0]
        zoe = add_span(engine, other.ids[0], "ben", Span(0, 3, "actor"))[0]
        add_link(engine, other.ids[0], "ben", Link(zoe.id, rifle.id, "holds"))
        spans = {s.key: s for s in document_spans(engine, doc, "ana")}
        quote = spans[words(CROWD_TEXT, "«no es justo»", "quote").key]
        bass = spans[words(CROWD_TEXT, "Karen Bass", "actor").key]
        add_link(engine, doc, "ana", Link(quote.id, bass.id, SPEAKER))
        set_status(engine, doc, "ana", Status.DONE)
        flag_document(engine, other.ids[0], "ben", "needs discussion")
        accept_agreed(engine, doc)
        accept_version(engine, doc, quote.start, quote.end, "ana")
        add_note(engine, doc, "rev", "the figure is «at least» 44 😡", span_id=quote.id)
        gold = gold_layer(engine, doc)[0].span
        add_note(engine, doc, "rev", "agreed by all", span_id=gold.id)
        add_note(engine, doc, "ana", "check the date")
        reject_all(engine, doc, PARAMOUNT.start, PARAMOUNT.end, record=REJECTED_GROUP)
        decide_links(engine, doc, quote.key, SPEAKER, [])  # no speaker for the quote
        mark_reviewed(engine, doc)
    finally:
        engine.dispose()


def native(db: str | Path, path: Path) -> str:
    assert main(["--db", str(db), "export", "--format", "native", "--output", str(path)]) == 0
    return path.read_text(encoding="utf-8")


def test_sqlite_to_postgresql_and_back_gives_the_same_native_export(
    tmp_path: Path, pg_database: str, capsys
) -> None:
    first, back = tmp_path / "first.db", tmp_path / "back.db"
    fill_everything(first)
    assert main(["migrate", "--from", str(first), "--to", pg_database]) == 0
    counts = "copied 2 documents, 41 spans, 5 annotators, 6 labels, 5 statuses, 4 notes, 2 links"
    assert capsys.readouterr().out.startswith(f"{counts} from {first} to postgresql://")
    assert main(["migrate", "--from", pg_database, "--to", str(back)]) == 0
    original = native(first, tmp_path / "first.jsonl")
    assert '"holds"' in original and '"sources"' in original and "needs discussion" in original
    start, end = REJECTED_GROUP
    assert '"relation":"speaker"' in original and f'{{"start":{start},"end":{end}}}' in original
    assert native(pg_database, tmp_path / "pg.jsonl") == original
    assert native(back, tmp_path / "back.jsonl") == original


def test_a_migrated_database_goes_on_with_new_ids(tmp_path: Path, pg_database: str) -> None:
    first = tmp_path / "first.db"
    fill_everything(first)
    assert main(["migrate", "--from", str(first), "--to", pg_database]) == 0
    engine = open_store(pg_database)
    try:
        before = {s.id for s in document_spans(engine, 1)}
        added, _ = add_span(engine, 1, "cleo", Span(0, 5, "actor"))
        assert added.id not in before
        (new,) = add_documents(engine, [Document(text="A third one.", title="3")]).ids
        assert new == 3
    finally:
        engine.dispose()


def test_a_target_that_holds_a_corpus_is_refused_and_kept(
    tmp_path: Path, pg_database: str, capsys
) -> None:
    first = tmp_path / "first.db"
    fill_everything(first)
    engine = open_store(pg_database)
    add_documents(engine, [Document(text="Already here.", title="here")])
    engine.dispose()
    before = engines.dump(pg_database)
    assert main(["migrate", "--from", str(first), "--to", pg_database]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "already holds 1 documents; migrate copies into an empty database only" in message
    assert engines.dump(pg_database) == before


def test_a_nul_character_postgresql_cannot_store_is_named_and_nothing_copied(
    tmp_path: Path, pg_database: str, capsys
) -> None:
    source = tmp_path / "nul.db"
    fill_everything(source)
    engine = open_store(source)
    (nul,) = add_documents(engine, [Document(text="Señora\x00Núñez 🚨 spoke.", title="nul")]).ids
    engine.dispose()
    before = engines.dump(pg_database)
    assert main(["migrate", "--from", str(source), "--to", pg_database]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert f"document {nul}: its text holds a NUL character" in message
    assert engines.dump(pg_database) == before


def test_a_postgresql_backup_is_a_native_snapshot_that_restores(
    tmp_path: Path, pg_database: str, capsys
) -> None:
    fill_everything(pg_database)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["--db", pg_database, "backup", str(folder)]) == 0
    assert "backed up postgresql://" in capsys.readouterr().out
    (copy,) = folder.iterdir()
    restored = tmp_path / "restored.db"
    assert main(["--db", str(restored), "import", str(copy)]) == 0
    original = native(pg_database, tmp_path / "pg.jsonl")
    assert native(restored, tmp_path / "restored.jsonl") == original


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://root@127.0.0.1:1/x", "the PostgreSQL server at 127.0.0.1:1 does not answer"),
        ("postgresql://root@127.0.0.1:5432:99/x", "not a valid PostgreSQL URL"),
        ("mysql://root@127.0.0.1/x", "not a database annotator can use"),
    ],
)
def test_a_server_or_url_that_cannot_be_used_is_one_line(url: str, reason: str, capsys) -> None:
    assert main(["--db", url, "docs"]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert message.startswith("annotator: ") and reason in message


def test_a_missing_database_is_named_with_how_to_create_it(pg_databases, capsys) -> None:
    url = engines.database_url(engines.unique_name("missing"))
    assert main(["--db", url, "stats"]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "does not exist" in message and "createdb" in message
