"""Notes: short comments on a document or a span, each by one annotator, who alone edits it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan, StoreError
from annotator.core.review import Note, clean_note
from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.engine import inserted_id, reading, writing
from annotator.store.permissions import require_layer
from annotator.store.tables import ANNOTATOR, LABEL, NOTE, SPAN, utcnow

_NOTE_COLUMNS = (
    NOTE.c.id,
    NOTE.c.document_id,
    NOTE.c.span_id,
    ANNOTATOR.c.name.label("annotator"),
    NOTE.c.text,
    NOTE.c.created,
    NOTE.c.updated,
)
_NOTE_FROM = NOTE.join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)


def _to_note(row) -> Note:
    return Note(*row)


def notes_of(connection: Connection, document_id: int) -> list[Note]:
    query = (
        select(*_NOTE_COLUMNS)
        .select_from(_NOTE_FROM)
        .where(NOTE.c.document_id == document_id)
        .order_by(NOTE.c.created, NOTE.c.id)
    )
    return [_to_note(row) for row in connection.execute(query)]


def span_notes(engine: Engine, span_id: int) -> list[Note]:
    """The notes on one span, oldest first (kept by an undoable delete to bring them back)."""
    query = (
        select(*_NOTE_COLUMNS)
        .select_from(_NOTE_FROM)
        .where(NOTE.c.span_id == span_id)
        .order_by(NOTE.c.created, NOTE.c.id)
    )
    with reading(engine) as connection:
        return [_to_note(row) for row in connection.execute(query)]


def restore_notes(connection: Connection, notes: Sequence[Note]) -> None:
    """Put deleted notes back as they were: same ids, authors and times."""
    for note in notes:
        connection.execute(
            insert(NOTE).values(
                id=note.id,
                document_id=note.document_id,
                span_id=note.span_id,
                annotator_id=annotator_id(connection, note.annotator),
                text=note.text,
                created=note.created,
                updated=note.updated,
            )
        )


def document_notes(engine: Engine, document_id: int) -> list[Note]:
    """The document's notes (on it and on its spans), oldest first."""
    with reading(engine) as connection:
        return notes_of(connection, document_id)


def _note_row(connection: Connection, note_id: int):
    row = connection.execute(
        select(*_NOTE_COLUMNS).select_from(_NOTE_FROM).where(NOTE.c.id == note_id)
    ).one_or_none()
    if row is None:
        raise StoreError("that note no longer exists: it was deleted elsewhere")
    return row


def _change(note: Note) -> Change:
    return Change(documents=frozenset({note.document_id}), notes=frozenset({note.id}))


def _insert(
    connection: Connection,
    document_id: int,
    span_id: int | None,
    author: str,
    text: str,
    when: datetime,
) -> int:
    require_layer(connection, author)
    values = {
        "document_id": document_id,
        "span_id": span_id,
        "annotator_id": annotator_id(connection, author),
        "text": text,
        "created": when,
        "updated": when,
    }
    return inserted_id(connection, insert(NOTE).values(**values))


def write_note(connection: Connection, document_id: int, author: str, text: str) -> int:
    """Add a note on the document in the caller's transaction; returns its id."""
    return _insert(connection, document_id, None, author, clean_note(text), utcnow())


def add_note(
    engine: Engine, document_id: int, annotator: str, text: str, span_id: int | None = None
) -> tuple[Note, Change]:
    """Attach ``text`` to the document, or to one of its spans when ``span_id`` is given."""
    text = clean_note(text)
    with writing(engine) as connection:
        if span_id is not None:
            owner = connection.execute(
                select(SPAN.c.document_id).where(SPAN.c.id == span_id)
            ).scalar_one_or_none()
            if owner != document_id:
                raise StoreError("that span no longer exists: it was deleted elsewhere")
        new_id = _insert(connection, document_id, span_id, annotator, text, utcnow())
        note = _to_note(_note_row(connection, new_id))
    return note, _change(note)


def _owned(connection: Connection, note_id: int, annotator: str) -> Note:
    require_layer(connection, annotator)
    note = _to_note(_note_row(connection, note_id))
    if note.annotator != annotator:
        raise InvalidSpan(f"that note is {note.annotator}'s; only its author changes it")
    return note


def edit_note(engine: Engine, note_id: int, annotator: str, text: str) -> tuple[Note, Change]:
    """Change the text of one of ``annotator``'s notes; returns the note as now stored."""
    text = clean_note(text)
    with writing(engine) as connection:
        _owned(connection, note_id, annotator)
        connection.execute(
            NOTE.update().where(NOTE.c.id == note_id).values(text=text, updated=utcnow())
        )
        note = _to_note(_note_row(connection, note_id))
    return note, _change(note)


def delete_note(engine: Engine, note_id: int, annotator: str) -> tuple[Note, Change]:
    """Delete one of ``annotator``'s notes; returns it as it was."""
    with writing(engine) as connection:
        note = _owned(connection, note_id, annotator)
        connection.execute(NOTE.delete().where(NOTE.c.id == note_id))
    return note, _change(note)


def store_note(
    connection: Connection,
    document_id: int,
    author: str,
    text: str,
    span: tuple[int, int, str, str] | None,
    created: datetime | None = None,
) -> bool:
    """Add a note in the caller's transaction (imports), on the span ``(start, end, label,
    annotator)`` when given; an identical note already there is not added twice. True if
    added; a note whose span is not in the document is not added either."""
    span_id = None
    if span is not None:
        start, end, label, owner = span
        span_id = connection.execute(
            select(SPAN.c.id)
            .select_from(
                SPAN.join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id).join(
                    LABEL, LABEL.c.id == SPAN.c.label_id
                )
            )
            .where(
                (SPAN.c.document_id == document_id)
                & (SPAN.c.start == start)
                & (SPAN.c.end == end)
                & (LABEL.c.name == label)
                & (ANNOTATOR.c.name == owner)
            )
        ).scalar_one_or_none()
        if span_id is None:
            return False
    text = clean_note(text)
    same = [
        n
        for n in notes_of(connection, document_id)
        if (n.annotator, n.text, n.span_id) == (author, text, span_id)
    ]
    if same:
        return False
    _insert(connection, document_id, span_id, author, text, created or utcnow())
    return True


def note_targets(connection: Connection, notes: list[Note]) -> dict[int, tuple[int, int, str, str]]:
    """The (start, end, label, annotator) of each span the notes are on, by span id."""
    ids = {n.span_id for n in notes if n.span_id is not None}
    if not ids:
        return {}
    rows = connection.execute(
        select(SPAN.c.id, SPAN.c.start, SPAN.c.end, LABEL.c.name, ANNOTATOR.c.name)
        .select_from(
            SPAN.join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id).join(
                LABEL, LABEL.c.id == SPAN.c.label_id
            )
        )
        .where(SPAN.c.id.in_(ids))
    )
    return {row[0]: tuple(row[1:]) for row in rows}
