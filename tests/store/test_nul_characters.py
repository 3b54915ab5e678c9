"""A NUL character in a stored string: SQLite keeps it; PostgreSQL's text cannot, so the
write is refused with a line naming what held it, and the database stays as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from annotator import cli
from annotator.core.documents import Document
from annotator.core.errors import StoreError
from annotator.core.labels import Label, RelationType
from annotator.core.spans import Span
from annotator.store.annotators import list_annotators
from annotator.store.documents import add_documents, document_summaries, get_document
from annotator.store.labels import get_schema, save_label
from annotator.store.notes import add_note, document_notes, edit_note
from annotator.store.relations import save_relation_type
from annotator.store.spans import add_span
from annotator.store.status import Status, flag_document, set_status
from tests import engines

NUL = "before\x00after"
REASON = "holds a NUL character, which PostgreSQL cannot store"


@pytest.fixture
def document_id(engine: Engine) -> int:
    """A document with one note of alice's."""
    (found,) = add_documents(engine, [Document(text="Alice said hello.", title="one")]).ids
    add_note(engine, found, "alice", "first thought")
    return found


WRITES: dict[str, tuple[str, Callable[[Engine, int], object], Callable[[Engine, int], bool]]] = {
    "note": (
        "the note",
        lambda engine, doc: add_note(engine, doc, "alice", NUL),
        lambda engine, doc: NUL in [n.text for n in document_notes(engine, doc)],
    ),
    "edited note": (
        "the note",
        lambda engine, doc: edit_note(engine, document_notes(engine, doc)[0].id, "alice", NUL),
        lambda engine, doc: NUL in [n.text for n in document_notes(engine, doc)],
    ),
    "flag reason": (
        "the note",
        lambda engine, doc: flag_document(engine, doc, "alice", NUL),
        lambda engine, doc: any(NUL in n.text for n in document_notes(engine, doc)),
    ),
    "document title": (
        "the document title",
        lambda engine, doc: add_documents(engine, [Document(text="Another text.", title=NUL)]),
        lambda engine, doc: NUL in [s.title for s in document_summaries(engine)],
    ),
    "document text": (
        "the document text",
        lambda engine, doc: add_documents(engine, [Document(text=NUL, title="nul")]),
        lambda engine, doc: get_document(engine, doc + 1).text == NUL,
    ),
    "label guideline": (
        "the label guideline",
        lambda engine, doc: save_label(engine, Label("aside", "#123456", guideline=NUL)),
        lambda engine, doc: get_schema(engine)["aside"].guideline == NUL,
    ),
    "label hotkey": (
        "the label hotkey",
        lambda engine, doc: save_label(engine, Label("aside", "#123456", hotkey="\x00")),
        lambda engine, doc: get_schema(engine)["aside"].hotkey == "\x00",
    ),
    "relation type guideline": (
        "the relation type guideline",
        lambda engine, doc: save_relation_type(
            engine, RelationType("mentions", ("actor",), ("actor",), guideline=NUL)
        ),
        lambda engine, doc: any(r.guideline == NUL for r in get_schema(engine).relations.values()),
    ),
    "annotator of a span": (
        "the annotator name",
        lambda engine, doc: add_span(engine, doc, NUL, Span(0, 5, "actor")),
        lambda engine, doc: NUL in list_annotators(engine),
    ),
    "annotator of a status": (
        "the annotator name",
        lambda engine, doc: set_status(engine, doc, NUL, Status.DONE),
        lambda engine, doc: NUL in list_annotators(engine),
    ),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_a_nul_character_is_refused_by_name_on_postgresql_and_kept_on_sqlite(
    engine: Engine, database: str | Path, backend: str, document_id: int, kind: str
) -> None:
    what, write, kept = WRITES[kind]
    if backend == "sqlite":
        write(engine, document_id)
        assert kept(engine, document_id)
        return
    before = engines.dump(database)
    with pytest.raises(StoreError) as refused:
        write(engine, document_id)
    assert str(refused.value) == f"{what} {REASON}"
    assert engines.dump(database) == before


@pytest.mark.parametrize("command", ["users add", "import"])
def test_the_cli_names_a_nul_in_one_line_and_leaves_the_database_as_it_was(
    database: str | Path,
    backend: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    path = tmp_path / "titled.jsonl"
    lines = [{"text": "Fine text.", "title": "fine"}, {"text": "Other text.", "title": NUL}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    argv, what = {
        "users add": (["users", "add", NUL], "the annotator name"),
        "import": (["import", str(path), "--annotator", "alice"], f"{path}:2: the title"),
    }[command]
    before = engines.dump(database)
    code = cli.main(["--db", str(database), *argv])
    err = capsys.readouterr().err
    if backend == "sqlite":
        assert code == 0
        return
    assert (code, err) == (1, f"annotator: {what} {REASON}\n")
    assert engines.dump(database) == before
