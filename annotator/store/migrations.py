"""Schema versions and the ordered migrations between them.

A new database gets the current tables and the default label schema. An older one is backed
up next to itself, then migrated one version at a time, each step in its own transaction.
The last ``KEEP_BACKUPS`` of these copies are kept. A database from a newer version of the
app is refused rather than damaged.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.core.labels import load_schema
from annotator.core.review import GOLD
from annotator.store import generation, postgres, sqlite, team_postgres
from annotator.store.fold_index import create_fold_indexes
from annotator.store.meta import set_meta
from annotator.store.relation_types import add_relation_type_rows
from annotator.store.reservations import create_reservations
from annotator.store.tables import (
    ANNOTATOR,
    ASSIGNMENT,
    LABEL,
    META,
    NOTE,
    REJECTED_SUGGESTION,
    RELATION,
    RELATION_SOURCE,
    RELATION_TYPE,
    REVIEW_DECISION,
    SPAN_SOURCE,
)
from annotator.store.text_index import (
    add_later_column,
    create_text_index,
    defer_text_index,
    rebuild_text_index,
)

SCHEMA_VERSION = 11
KEEP_BACKUPS = 3  # copies made before migrations: the newest are kept

Migration = Callable[[Connection], None]


def _add_review(connection: Connection) -> None:
    """v2: notes, and the provenance of gold spans.

    The gold layer is the spans of an annotator named ``gold``; a person already called that
    is renamed "gold (annotator)" so their spans stay theirs and never pass for reviewed ones.
    """
    taken = set(connection.execute(select(ANNOTATOR.c.name)).scalars())
    if GOLD in taken:
        renamed, n = "gold (annotator)", 2
        while renamed in taken:
            renamed, n = f"gold (annotator {n})", n + 1
        connection.execute(ANNOTATOR.update().where(ANNOTATOR.c.name == GOLD).values(name=renamed))
    NOTE.create(connection)
    SPAN_SOURCE.create(connection)


def _add_text_index(connection: Connection) -> None:
    """v3: the full-text index over document text (corpus search), filled from the texts."""
    create_text_index(connection)
    rebuild_text_index(connection)


def _add_relations(connection: Connection) -> None:
    """v4: links between spans (a quote to its speaker) and the relation types they use.

    The default relation types are added where the project's labels have them: a type keeps
    only the labels the database has, and one left without a label at either end is skipped.
    """
    RELATION_TYPE.create(connection)
    RELATION.create(connection)
    labels = set(connection.execute(select(LABEL.c.name)).scalars())
    kept = []
    for relation in load_schema().relations.values():
        heads = tuple(name for name in relation.heads if name in labels)
        children = tuple(name for name in relation.children if name in labels)
        if heads and children:
            kept.append(replace(relation, heads=heads, children=children))
    add_relation_type_rows(connection, kept)


def _add_team(connection: Connection) -> None:
    """v8: assignments of documents to annotators, and each person's role (everyone an
    annotator until ``annotator users add`` says otherwise)."""
    connection.execute(
        text("ALTER TABLE annotator ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'annotator'")
    )
    ASSIGNMENT.create(connection)
    _announce_changes(connection)


def _announce_changes(connection: Connection) -> None:
    """On PostgreSQL, the triggers that tell other people's apps what changed."""
    if connection.dialect.name == "postgresql":
        team_postgres.install_notify(connection)


def _index_in_bulk(connection: Connection) -> None:
    """v5: the text index is filled in bulk when a write commits, not by a trigger per row
    (the index is kept; only its triggers change)."""
    defer_text_index(connection)


def _add_rejected_suggestions(connection: Connection) -> None:
    """v6: the suggestions each annotator rejected on each document."""
    REJECTED_SUGGESTION.create(connection)


def _add_link_sources(connection: Connection) -> None:
    """v7: the provenance of gold links (the annotators who had each reviewed link)."""
    RELATION_SOURCE.create(connection, checkfirst=True)


def _add_review_decisions(connection: Connection) -> None:
    """v9: the reviewer's decisions, so a disagreement rejected outright stays rejected when
    the review is opened again (on PostgreSQL under the gold layer's rules and triggers)."""
    REVIEW_DECISION.create(connection)
    if connection.dialect.name == "postgresql":
        if team_postgres.policies_installed(connection):
            team_postgres.install_policies(connection)
            team_postgres.renew_logins(connection)
        team_postgres.install_notify(connection)


def _add_import_reservations(connection: Connection) -> None:
    """v10: the document ids imports claim while they merge in steps, and texts an import
    left to index after it commits."""
    create_reservations(connection)
    add_later_column(connection)


def _index_folding_characters(connection: Connection) -> None:
    """v11: partial indexes of the documents holding a character that ``re`` folds to an
    ASCII letter, so a case-insensitive count in SQL needs no scan for them."""
    create_fold_indexes(connection)


# MIGRATIONS[n] upgrades a database from version n - 1 to version n.
MIGRATIONS: dict[int, Migration] = {
    2: _add_review,
    3: _add_text_index,
    4: _add_relations,
    5: _index_in_bulk,
    6: _add_rejected_suggestions,
    7: _add_link_sources,
    8: _add_team,
    9: _add_review_decisions,
    10: _add_import_reservations,
    11: _index_folding_characters,
}


def read_version(connection: Connection) -> int | None:
    """The recorded schema version, or ``None`` for an empty database."""
    if not inspect(connection).has_table(META.name):
        return None
    value = connection.execute(
        select(META.c.value).where(META.c.key == "schema_version")
    ).scalar_one_or_none()
    return int(value) if value is not None else None


def _create(connection: Connection) -> None:
    SQLModel.metadata.create_all(connection)
    create_text_index(connection)
    create_reservations(connection)
    create_fold_indexes(connection)
    schema = load_schema()
    connection.execute(
        insert(LABEL),
        [
            {
                "name": label.name,
                "color": label.color,
                "hotkey": label.hotkey,
                "guideline": label.guideline,
                "position": position,
            }
            for position, label in enumerate(schema)
        ],
    )
    add_relation_type_rows(connection, schema.relations.values())
    _announce_changes(connection)
    set_meta(connection, "schema_version", str(SCHEMA_VERSION))
    set_meta(connection, generation.KEY, "0")


def migration_backups(path: Path) -> list[Path]:
    """The copies of the database at ``path`` made before migrations, oldest first."""
    named = re.compile(rf"{re.escape(path.name)}\.v\d+-(\d{{8}}T\d+)\.bak")
    found = []
    for candidate in path.parent.glob(f"{glob.escape(path.name)}.v*.bak"):
        match = named.fullmatch(candidate.name)
        if match:
            found.append((match.group(1).ljust(21, "0"), candidate))
    return [candidate for _, candidate in sorted(found)]


def _backup_before_migration(engine: Engine, version: int) -> None:
    """Copy the database beside itself before migrating it; keep the last few copies."""
    path = sqlite.database_path(engine)
    if path is None or not path.exists():
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    sqlite.backup(path, path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
    for old in migration_backups(path)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def migrate(
    engine: Engine, target: int = SCHEMA_VERSION, migrations: dict[int, Migration] | None = None
) -> int:
    """Bring the database at ``engine`` to ``target``; return the version it had (0 if new)."""
    steps = MIGRATIONS if migrations is None else migrations
    with engine.connect() as connection:
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            postgres.lock_migrations(connection)
            found = read_version(connection)
            if found is None:
                if inspect(connection).get_table_names():
                    raise StoreError("the file holds tables but is not an annotator database")
                _create(connection)
                return 0
    if found > target:
        raise StoreError(
            f"the database was written by a newer version of annotator (schema {found}, "
            f"this version reads up to {target}); update annotator to open it"
        )
    if found < target:
        _backup_before_migration(engine, found)
    for version in range(found + 1, target + 1):
        if version not in steps:
            raise StoreError(f"no migration from schema {version - 1} to {version}")
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                postgres.lock_migrations(connection)
                if read_version(connection) != version - 1:
                    continue  # another program migrated it meanwhile
                steps[version](connection)
                set_meta(connection, "schema_version", str(version))
    return found
