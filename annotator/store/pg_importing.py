"""Writing an import on PostgreSQL: the same staging as on SQLite (``importing``), in
temporary tables of the import's own connection instead of an attached scratch database.

Records are staged with ``COPY`` in transactions of their own, so the store is not locked
while files are read; the merge is one write transaction of ``INSERT ... SELECT`` statements
that decides, as on SQLite, what the store already holds (documents by checksum, spans and
links already there, statuses that only move forward). The temporary tables belong to the
import's session: they are dropped when it ends, and the server drops them by itself if
the program is killed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from annotator.core.errors import Problem
from annotator.store.annotators import annotator_id
from annotator.store.engine import writing
from annotator.store.importing import _RANK, ImportRecord, ImportWriter
from annotator.store.labels import label_ids
from annotator.store.postgres import NulRefused
from annotator.store.tables import utcnow

_TABLES = {
    "stage_document": "id integer PRIMARY KEY, sha256 text, title text, text text,"
    " length integer, source text, meta json",
    "stage_span": "document integer, annotator integer, label integer, start integer,"
    ' "end" integer, origin text, staged bigserial',
    "stage_status": "document integer, annotator integer, status text,"
    " PRIMARY KEY (document, annotator)",
    "stage_review": "document integer, review bytea",
    "stage_relation": "document integer, annotator integer, type text, head_start integer,"
    " head_end integer, head_label integer, child_start integer, child_end integer,"
    " child_label integer",
    "stage_annotator": "id integer PRIMARY KEY, main integer",
    "stage_label": "id integer PRIMARY KEY, main integer",
    "stage_docmap": "id integer PRIMARY KEY, main integer",
}
_STAGE_STATUS = (
    "INSERT INTO stage_status VALUES (%s, %s, %s) ON CONFLICT (document, annotator) DO UPDATE"
    f" SET status = excluded.status WHERE {_RANK.format('excluded.status')} >"
    f" {_RANK.format('stage_status.status')}"
)
_ADD_DOCUMENTS = (
    "INSERT INTO document (title, text, length, sha256, source, meta, created) "
    "SELECT s.title, s.text, s.length, s.sha256, s.source, s.meta, %s FROM stage_document s "
    "WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.sha256 = s.sha256) ORDER BY s.id "
    "RETURNING id"
)
_MAP_DOCUMENTS = (
    "INSERT INTO stage_docmap SELECT s.id, d.id FROM stage_document s "
    "JOIN document d ON d.sha256 = s.sha256"
)
_ADD_SPANS = (
    'INSERT INTO span (document_id, annotator_id, label_id, start, "end", origin, created,'
    ' updated) SELECT m.main, a.main, l.main, s.start, s."end", s.origin, %s, %s '
    "FROM stage_span s JOIN stage_docmap m ON m.id = s.document "
    "JOIN stage_annotator a ON a.id = s.annotator JOIN stage_label l ON l.id = s.label "
    "ORDER BY s.staged ON CONFLICT DO NOTHING RETURNING label_id"
)
_ADD_RELATIONS = (
    "INSERT INTO relation (document_id, annotator_id, type_id, head_id, child_id, created) "
    "SELECT m.main, a.main, t.id, h.id, c.id, %s FROM stage_relation r "
    "JOIN stage_docmap m ON m.id = r.document JOIN stage_annotator a ON a.id = r.annotator "
    "JOIN relation_type t ON t.name = r.type "
    "JOIN stage_label hl ON hl.id = r.head_label JOIN stage_label cl ON cl.id = r.child_label "
    "JOIN span h ON h.document_id = m.main AND h.annotator_id = a.main "
    'AND h.label_id = hl.main AND h.start = r.head_start AND h."end" = r.head_end '
    "JOIN span c ON c.document_id = m.main AND c.annotator_id = a.main "
    'AND c.label_id = cl.main AND c.start = r.child_start AND c."end" = r.child_end '
    "ON CONFLICT DO NOTHING"
)
_ADVANCING_STATUSES = (
    "SELECT DISTINCT m.main FROM stage_status s JOIN stage_docmap m ON m.id = s.document "
    "JOIN stage_annotator a ON a.id = s.annotator LEFT JOIN document_status d "
    "ON d.document_id = m.main AND d.annotator_id = a.main "
    f"WHERE d.status IS NULL OR {_RANK.format('s.status')} > {_RANK.format('d.status')}"
)
_ADD_STATUSES = (
    "INSERT INTO document_status (document_id, annotator_id, status, updated) "
    "SELECT m.main, a.main, s.status, %s FROM stage_status s "
    "JOIN stage_docmap m ON m.id = s.document JOIN stage_annotator a ON a.id = s.annotator "
    "ON CONFLICT (document_id, annotator_id) DO UPDATE SET status = excluded.status,"
    f" updated = excluded.updated WHERE {_RANK.format('excluded.status')} > "
    f"{_RANK.format('document_status.status')}"
)
_STATUS_DOCUMENTS = "SELECT m.main FROM stage_status s JOIN stage_docmap m ON m.id = s.document"


def _driver(connection: Connection) -> Any:
    """The psycopg connection under ``connection``."""
    return connection.connection.driver_connection


def _copy(cursor: Any, table: str, rows: Sequence[tuple]) -> None:
    if not rows:
        return
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _holding_nul(record: ImportRecord) -> str | None:
    """The first part of ``record`` with a NUL character in it, in words; ``None`` if none."""
    document, review = record.document, record.review
    parts = {
        "the text": [document.text],
        "the title": [document.title],
        "an annotator name": [
            record.annotator or "",
            *record.statuses,
            *(span[3] or "" for span in record.spans),
            *(link[3] or "" for link in record.relations),
        ],
        "a label": [span[2] for span in record.spans],
        "a link type": [link[2] for link in record.relations],
        "a note": [(note[0] or "") + note[1] for note in review.notes] if review else [],
    }
    return next((part for part, texts in parts.items() if "\x00" in "".join(texts)), None)


def _column(cursor: Any) -> set:
    return {row[0] for row in cursor.fetchall()}


class PgImportWriter(ImportWriter):
    """An ``ImportWriter`` staging into temporary tables of its PostgreSQL connection."""

    _STEPPED = False
    _STAGE_LABEL = "INSERT INTO stage_label VALUES (%s, %s)"
    _STAGED_REVIEWS = (
        "SELECT m.main, r.review FROM stage_review r JOIN stage_docmap m ON m.id = r.document"
    )

    def label_problems(self, record: ImportRecord) -> list[Problem]:
        """The base class's problems, and a NUL character, which PostgreSQL's text cannot
        hold (records are staged with ``COPY``, which no statement listener sees)."""
        problems = super().label_problems(record)
        part = _holding_nul(record)
        if part is not None:
            problems.append(Problem(f"{part} {NulRefused.reason}", record.source, record.line))
        return problems

    def _write_stage(
        self, documents: list, spans: list, statuses: list, reviews: list, links: list
    ) -> None:
        with self._connection.begin(), _driver(self._connection).cursor() as cursor:
            _copy(cursor, "stage_document", documents)
            _copy(cursor, 'stage_span (document, annotator, label, start, "end", origin)', spans)
            if statuses:
                cursor.executemany(_STAGE_STATUS, statuses)
            _copy(cursor, "stage_review", reviews)
            _copy(cursor, "stage_relation", links)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with writing(self.engine, self._connection) as connection:
            yield connection

    def merge(self, connection: Connection) -> None:
        summary = self.summary
        stamp = utcnow()
        with _driver(connection).cursor() as cursor:
            for table in _TABLES:
                cursor.execute(f"ANALYZE {table}")
            self._map_labels(connection, cursor)
            people = [(n, annotator_id(connection, name)) for name, n in self._annotators.items()]
            cursor.executemany("INSERT INTO stage_annotator VALUES (%s, %s)", people)
            added = _column(cursor.execute(_ADD_DOCUMENTS, (stamp,)))
            summary.documents_added = len(added)
            summary.documents_existing = summary.documents_read - summary.documents_added
            cursor.execute(_MAP_DOCUMENTS)
            labels = [row[0] for row in cursor.execute(_ADD_SPANS, (stamp, stamp)).fetchall()]
            summary.spans_added = len(labels)
            summary.spans_existing = self._spans_staged - summary.spans_added
            names = {id_: name for name, id_ in label_ids(connection).items()}
            summary.spans_per_label.update(Counter(names[label] for label in labels))
            summary.links_added = cursor.execute(_ADD_RELATIONS, (stamp,)).rowcount
            summary.links_existing = self._links_staged - summary.links_added
            advanced = _column(cursor.execute(_ADVANCING_STATUSES))
            cursor.execute(_ADD_STATUSES, (stamp,))
            touched = added | _column(cursor.execute(_STATUS_DOCUMENTS))
            reviewed = self._merge_reviews(connection, cursor, touched)
        summary.change = self._change(touched, advanced | reviewed)


@contextmanager
def pg_import_writer(
    engine: Engine, annotator: str, add_missing_labels: bool = False
) -> Iterator[ImportWriter]:
    """A ``PgImportWriter`` on a connection of its own, with its temporary tables, for the
    block; leaving the block without committing throws the staged import away."""
    with engine.connect() as connection:
        with connection.begin():
            for table, columns in _TABLES.items():
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{table}")
                connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {table} ({columns})")
        try:
            yield PgImportWriter(engine, connection, annotator, add_missing_labels)
        finally:
            try:
                if connection.in_transaction():
                    connection.rollback()
                with connection.begin():
                    for table in _TABLES:
                        connection.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{table}")
            except SQLAlchemyError:
                connection.invalidate()  # its session ends, and the tables with it
