"""The articles shipped with the app, imported into a database on its first start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.labels import resources_dir
from annotator.formats.exporting import run_steps
from annotator.formats.importing import ImportSummary, read_records, stage_steps
from annotator.store.engine import reading
from annotator.store.importing import import_writer
from annotator.store.meta import get_meta, set_meta


def seeds_dir() -> Path:
    return resources_dir().parent / "seeds"


def seed_once(
    engine: Engine, folder: Path | None = None, annotator: str = "seed"
) -> ImportSummary | None:
    """Import the seed articles unless this database was seeded before; None if it was.

    A seed file that cannot be read stops the seeding with its problem and leaves the
    database unseeded. The first check is a read, so later starts take no write lock.
    """
    with reading(engine) as connection:
        if get_meta(connection, "seeded"):
            return None
    with import_writer(engine, annotator) as writer:
        run_steps(stage_steps(writer, read_records([folder or seeds_dir()])))
        with writer.transaction() as connection:
            if get_meta(connection, "seeded"):
                return None
            writer.merge(connection)
            set_meta(connection, "seeded", "1")
    return writer.summary
