"""The full-text index over document text, and how a search asks it for candidates.

On SQLite it is an FTS5 table with the ``trigram`` tokenizer, external content (the text
is stored once, in ``document``) and ``detail=none`` (no positions: a third of the size of
a full index).

Documents are indexed in bulk, not row by row: triggers on ``document`` only note a new or
changed text's id in ``document_text_pending``, and the store's writers (``add_documents``,
an import's merge) call ``index_pending`` before their transaction commits, which indexes
the noted texts with one ``INSERT ... SELECT``. Tokenizing every text in one statement costs
a third of what a trigger feeding FTS5 one row at a time does. A big import marks its texts
``later`` instead and indexes them in short steps after it commits (``index_some``). A
pending text (left for later, or by a write path that does not index, such as raw SQL) is
a candidate of every search, which scans it, so the index never hides a hit. A deletion
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

from sqlalchemy import and_, column, select, table, text
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
    f"CREATE TABLE IF NOT EXISTS {PENDING} (id INTEGER PRIMARY KEY,"
    " later INTEGER NOT NULL DEFAULT 0)",
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
    """Index the texts added or changed in this transaction (call it before committing);
    texts left for later (``index_later``) stay pending."""
    if not has_index(connection) or _is_complete(connection, "WHERE later = 0"):
        return
    connection.exec_driver_sql(
        f"INSERT INTO {TABLE}(rowid, text) SELECT d.id, d.text FROM {PENDING} p "
        "JOIN document d ON d.id = p.id WHERE p.later = 0 ORDER BY p.id"
    )
    connection.exec_driver_sql(f"DELETE FROM {PENDING} WHERE later = 0")


def add_later_column(connection: Connection) -> None:
    """v10: the pending list says which texts are left to index after their transaction."""
    if not has_index(connection):
        return
    columns = {row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({PENDING})")}
    if "later" not in columns:
        connection.exec_driver_sql(
            f"ALTER TABLE {PENDING} ADD COLUMN later INTEGER NOT NULL DEFAULT 0"
        )


def index_later(connection: Connection, first: int, last: int) -> None:
    """Leave the texts of documents ``first`` to ``last`` added in this transaction to be
    indexed after it commits (``index_some``): a big import's commit stays short."""
    if has_index(connection):
        connection.exec_driver_sql(
            f"UPDATE {PENDING} SET later = 1 WHERE id BETWEEN ? AND ?", (first, last)
        )


def left_for_later(connection: Connection) -> bool:
    """Some texts wait to be indexed after the transaction that added them."""
    return has_index(connection) and not _is_complete(connection, "WHERE later = 1")


def index_some(connection: Connection, count: int) -> int:
    """Index up to ``count`` of the texts left for later, lowest ids first; how many."""
    if not has_index(connection):
        return 0
    ids = [
        row[0]
        for row in connection.exec_driver_sql(
            f"SELECT id FROM {PENDING} WHERE later = 1 ORDER BY id LIMIT ?", (count,)
        )
    ]
    if ids:
        marks = ", ".join("?" * len(ids))
        connection.exec_driver_sql(
            f"INSERT INTO {TABLE}(rowid, text) SELECT id, text FROM document "
            f"WHERE id IN ({marks}) ORDER BY id",
            tuple(ids),
        )
        connection.exec_driver_sql(f"DELETE FROM {PENDING} WHERE id IN ({marks})", tuple(ids))
    return len(ids)


def _is_complete(connection: Connection, where: str = "") -> bool:
    """No text waits to be indexed (of those ``where`` says)."""
    return not connection.exec_driver_sql(
        f"SELECT EXISTS (SELECT 1 FROM {PENDING} {where})"
    ).scalar()


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
    before the index has found the last), and every document still waiting to be indexed;
    ``None`` when the index cannot narrow (no trigrams, or no index on this backend)."""
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
    if not has_index(connection):
        return None
    index = table(TABLE, column("rowid"))
    match = text(f"{TABLE} MATCH :match").bindparams(
        match=" AND ".join(_fts_string(trigram) for trigram in chosen)
    )
    if not _is_complete(connection):
        held = (
            select(index.c.rowid)
            .where(match)
            .union(select(column("id")).select_from(table(PENDING)))
        )
        return statement.where(DOCUMENT.c.id.in_(held)).order_by(DOCUMENT.c.id)
    return (
        statement.join_from(DOCUMENT, index, index.c.rowid == DOCUMENT.c.id)
        .where(match)
        .order_by(index.c.rowid)
    )
