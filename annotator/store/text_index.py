"""The full-text index over document text, and how a search asks it for candidates.

On SQLite it is an FTS5 table with the ``trigram`` tokenizer, external content (the text
is stored once, in ``document``) and ``detail=none`` (no positions: a third of the size of
a full index). Triggers on ``document`` keep it in step with every write path in the same
transaction, whether a document arrives through the store, an import staged in another
database and copied in with ``INSERT ... SELECT``, or a cascade deletes it.

On PostgreSQL it is a GIN index of ``pg_trgm`` trigrams over ``document.text``, which the
server keeps in step by itself; a candidate is a document whose text contains every trigram
(``ILIKE``, which that index answers).

The index only narrows: a document is a candidate when it holds every trigram of the
query, and the caller confirms each candidate with the real pattern. A backend with no
index answers ``narrowed`` with ``None``, which means "scan every document".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, column, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from annotator.store.tables import DOCUMENT

TABLE = "document_text_index"
MAX_TRIGRAMS = 12  # beyond a dozen, more trigrams hardly narrow further and slow the query

_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "text, content='document', content_rowid='id', tokenize='trigram', detail=none)",
    f"CREATE TRIGGER document_text_index_insert AFTER INSERT ON document BEGIN "
    f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER document_text_index_delete AFTER DELETE ON document BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END",
    f"CREATE TRIGGER document_text_index_update AFTER UPDATE OF text ON document BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END",
)


_CREATE_PG = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX {TABLE} ON document USING gin (text gin_trgm_ops)",
)


def has_index(connection: Connection) -> bool:
    return connection.dialect.name in ("sqlite", "postgresql")


def create_text_index(connection: Connection) -> None:
    """Create the index (and on SQLite its triggers)."""
    if has_index(connection):
        postgresql = connection.dialect.name == "postgresql"
        for statement in _CREATE_PG if postgresql else _CREATE:
            connection.exec_driver_sql(statement)


def rebuild_text_index(connection: Connection) -> None:
    """Fill the index from every stored document (for a database that had none)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def _like_escaped(trigram: str) -> str:
    return trigram.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_string(trigram: str) -> str:
    return '"' + trigram.replace('"', '""') + '"'


def narrowed(connection: Connection, statement: Select, trigrams: Sequence[str]) -> Select | None:
    """``statement`` (over ``document``) joined to the index so only documents holding all
    ``trigrams`` come out, in id order as the index streams them (the first rows arrive
    before the index has found the last); ``None`` when the index cannot narrow (no trigrams,
    or no index on this backend)."""
    if not trigrams or not has_index(connection):
        return None
    chosen = list(dict.fromkeys(trigrams))
    if len(chosen) > MAX_TRIGRAMS:
        step = (len(chosen) - 1) / (MAX_TRIGRAMS - 1)
        chosen = [chosen[round(i * step)] for i in range(MAX_TRIGRAMS)]
    if connection.dialect.name == "postgresql":
        holds = [DOCUMENT.c.text.ilike(f"%{_like_escaped(t)}%", escape="\\") for t in chosen]
        return statement.where(and_(*holds)).order_by(DOCUMENT.c.id)
    index = table(TABLE, column("rowid"))
    match = text(f"{TABLE} MATCH :match").bindparams(
        match=" AND ".join(_fts_string(trigram) for trigram in chosen)
    )
    return (
        statement.join_from(DOCUMENT, index, index.c.rowid == DOCUMENT.c.id)
        .where(match)
        .order_by(index.c.rowid)
    )
