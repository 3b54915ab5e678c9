"""The articles shipped with the app, imported into a database on its first start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.labels import resources_dir
from annotator.formats.importing import ImportSummary, read_records, write_records
from annotator.store.engine import reading, writing
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
    with writing(engine) as connection:
        if get_meta(connection, "seeded"):
            return None
        summary = write_records(connection, read_records([folder or seeds_dir()]), annotator)
        set_meta(connection, "seeded", "1")
    return summary
