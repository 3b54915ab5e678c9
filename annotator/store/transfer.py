"""Moving a whole corpus from one database to another (SQLite to PostgreSQL and back).

Every row of every table is copied with its id, in one read snapshot of the source and one
write transaction on the target, so the target is the source's corpus exactly or nothing:
documents, labels, relation types, annotators, spans with their origins, statuses, notes,
gold spans with their provenance, links. The target must hold no corpus yet; its default
labels and relation types give way to the source's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store import generation, postgres
from annotator.store.engine import reading, writing
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, META, RELATION_TYPE

BATCH = 5000
# Facts about a database itself, which the target keeps as its own.
_OWN_META = {"schema_version", generation.KEY}
# A new database has these rows (the default label schema): the source's replace them.
_DEFAULTS = (RELATION_TYPE, LABEL)


@dataclass(slots=True)
class Copied:
    """How many rows of each table were copied."""

    rows: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        shown = {
            "document": "documents",
            "span": "spans",
            "annotator": "annotators",
            "label": "labels",
            "document_status": "statuses",
            "note": "notes",
            "relation": "links",
        }
        return ", ".join(f"{self.rows.get(table, 0)} {name}" for table, name in shown.items())


def _holding(connection: Connection) -> str | None:
    """What corpus the target holds already, in words; ``None`` when it holds none."""
    counts = {
        name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in (("documents", DOCUMENT), ("annotators", ANNOTATOR))
    }
    held = [f"{n} {name}" for name, n in counts.items() if n]
    return " and ".join(held) or None


def copy_corpus(source: Engine, target: Engine) -> Copied:
    """Copy everything ``source`` holds into ``target``, which must hold no corpus yet."""
    copied = Copied()
    with reading(source) as reader, writing(target) as writer:
        held = _holding(writer)
        if held:
            raise StoreError(
                f"the target already holds {held}; migrate copies into an empty database only"
            )
        for table in _DEFAULTS:
            writer.execute(delete(table))
        for table in SQLModel.metadata.sorted_tables:
            if table is META:
                continue
            copied.rows[table.name] = _copy_table(reader, writer, table)
        for key, value in reader.execute(select(META.c.key, META.c.value)):
            if key not in _OWN_META:
                writer.execute(delete(META).where(META.c.key == key))
                writer.execute(insert(META).values(key=key, value=value))
        if postgres.is_postgres(writer):
            postgres.reset_sequences(
                writer, [t.name for t in SQLModel.metadata.sorted_tables if "id" in t.c]
            )
    return copied


def _copy_table(reader: Connection, writer: Connection, table) -> int:
    order = list(table.primary_key.columns)
    rows = reader.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
    count = 0
    for batch in rows.partitions():
        try:
            writer.execute(insert(table), [row._asdict() for row in batch])
        except postgres.NulRefused as exc:
            where = f"{table.name} {'' if exc.row is None else exc.row}".strip()
            raise StoreError(
                f"{where}: its {exc.column} {exc.reason}; remove it from the source first "
                "(nothing was copied)"
            ) from exc
        count += len(batch)
    return count
