"""The full-text index over document text, and how a search asks it for candidates.

On SQLite it is an FTS5 table with the ``trigram`` tokenizer, external content (the text
is stored once, in ``document``) and ``detail=none`` (no positions: a third of the size of
a full index).

Documents are indexed in bulk, not row by row: triggers on ``document`` only note a new or
changed text's id in ``document_text_pending``, and the store's writers (``add_documents``,
an import's merge) call ``index_pending`` before their transaction commits, which indexes
the noted texts with one ``INSERT ... SELECT``. Tokenizing every text in one statement costs
a third of what a trigger feeding FTS5 one row at a time does. A write path that does not
call it (raw SQL, a future writer) leaves its texts pending, and a search then scans every
document, so the index never hides a hit; the next store write indexes them. A deletion
takes an indexed text out of the index at once (the trigger needs the old text for that).

On PostgreSQL it is a GIN index of ``pg_trgm`` trigrams over ``document.text``, which the
server keeps in step by itself (nothing is ever pending there); a candidate is a document
whose text contains every trigram (``ILIKE``, which that index answers).

The index only narrows: a document is a candidate when it holds every trigram of the
query, and the caller confirms each candidate with the real pattern. A backend with no
index answers ``narrowed`` with ``None``, which means "scan every document".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, column, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from annotator.store.fold_index import FOLDS_TO_ASCII
from annotator.store.tables import DOCUMENT

TABLE = "document_text_index"
PENDING = "document_text_pending"
MAX_TRIGRAMS = 12  # beyond a dozen, more trigrams hardly narrow further and slow the query

_UNLESS_PENDING = f"WHERE NOT EXISTS (SELECT 1 FROM {PENDING} WHERE id = old.id)"
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "text, content='document', content_rowid='id', tokenize='trigram', detail=none)",
)
_DEFERRED = (
    f"CREATE TABLE IF NOT EXISTS {PENDING} (id INTEGER PRIMARY KEY)",
    f"CREATE TRIGGER document_text_index_insert AFTER INSERT ON document BEGIN "
    f"INSERT OR IGNORE INTO {PENDING}(id) VALUES (new.id); END",
    f"CREATE TRIGGER document_text_index_delete AFTER DELETE ON document BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, text) "
    f"SELECT 'delete', old.id, old.text {_UNLESS_PENDING}; "
    f"DELETE FROM {PENDING} WHERE id = old.id; END",
    f"CREATE TRIGGER document_text_index_update AFTER UPDATE OF text ON document BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, text) "
    f"SELECT 'delete', old.id, old.text {_UNLESS_PENDING}; "
    f"INSERT OR IGNORE INTO {PENDING}(id) VALUES (new.id); END",
)
_ROW_TRIGGERS = ("insert", "delete", "update")


_CREATE_PG = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX {TABLE} ON document USING gin (text gin_trgm_ops)",
)


def _postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def has_index(connection: Connection) -> bool:
    """The SQLite index (FTS5 and its pending list) is there."""
    return connection.dialect.name == "sqlite"


def create_text_index(connection: Connection) -> None:
    """Create the index, its pending list and triggers (SQLite), or the trigram index
    (PostgreSQL)."""
    if _postgresql(connection):
        for statement in _CREATE_PG:
            connection.exec_driver_sql(statement)
    if not has_index(connection):
        return
    for statement in (*_CREATE, *_DEFERRED):
        connection.exec_driver_sql(statement)


def defer_text_index(connection: Connection) -> None:
    """Swap the row-by-row triggers of a schema-3 index for the pending list (the index
    itself is kept as it is; run again, it changes nothing)."""
    if not has_index(connection):
        return
    for name in _ROW_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS document_text_index_{name}")
    for statement in _DEFERRED:
        connection.exec_driver_sql(statement)


def rebuild_text_index(connection: Connection) -> None:
    """Fill the index from every stored document (for a database that had none)."""
    if has_index(connection):
        connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def index_pending(connection: Connection) -> None:
    """Index the texts added or changed in this transaction (call it before committing)."""
    if not has_index(connection) or _is_complete(connection):
        return
    connection.exec_driver_sql(
        f"INSERT INTO {TABLE}(rowid, text) SELECT d.id, d.text FROM {PENDING} p "
        "JOIN document d ON d.id = p.id ORDER BY p.id"
    )
    connection.exec_driver_sql(f"DELETE FROM {PENDING}")


def _is_complete(connection: Connection) -> bool:
    """No text waits to be indexed."""
    return not connection.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {PENDING})").scalar()


_PG_UNFOLDED = frozenset(FOLDS_TO_ASCII.values())
"""Letters that ``re`` matches to a character outside ASCII which PostgreSQL's ``ILIKE`` may
not fold the same way (``'ſ' ILIKE 's'`` is false under C.UTF-8): a trigram holding one
would hide hits there, so it does not narrow."""


def _like_escaped(trigram: str) -> str:
    return trigram.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_string(trigram: str) -> str:
    return '"' + trigram.replace('"', '""') + '"'


def narrowed(connection: Connection, statement: Select, trigrams: Sequence[str]) -> Select | None:
    """``statement`` (over ``document``) joined to the index so only documents holding all
    ``trigrams`` come out, in id order as the index streams them (the first rows arrive
    before the index has found the last); ``None`` when the index cannot narrow (no trigrams,
    no index on this backend, or texts waiting to be indexed)."""
    if _postgresql(connection):
        trigrams = [t for t in trigrams if not _PG_UNFOLDED.intersection(t.lower())]
    if not trigrams:
        return None
    chosen = list(dict.fromkeys(trigrams))
    if len(chosen) > MAX_TRIGRAMS:
        step = (len(chosen) - 1) / (MAX_TRIGRAMS - 1)
        chosen = [chosen[round(i * step)] for i in range(MAX_TRIGRAMS)]
    if _postgresql(connection):
        holds = [DOCUMENT.c.text.ilike(f"%{_like_escaped(t)}%", escape="\\") for t in chosen]
        return statement.where(and_(*holds)).order_by(DOCUMENT.c.id)
    if not has_index(connection) or not _is_complete(connection):
        return None
    index = table(TABLE, column("rowid"))
    match = text(f"{TABLE} MATCH :match").bindparams(
        match=" AND ".join(_fts_string(trigram) for trigram in chosen)
    )
    return (
        statement.join_from(DOCUMENT, index, index.c.rowid == DOCUMENT.c.id)
        .where(match)
        .order_by(index.c.rowid)
    )
