"""The articles shipped with the app, imported into a database on its first start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.core.labels import resources_dir
from annotator.formats.importing import ImportSummary, collect, write_records
from annotator.store.engine import reading, writing
from annotator.store.meta import get_meta, set_meta


def seeds_dir() -> Path:
    return resources_dir().parent / "seeds"


def seed_once(
    engine: Engine, folder: Path | None = None, annotator: str = "seed"
) -> ImportSummary | None:
    """Import the seed articles unless this database was seeded before; None if it was.

    The check comes first so that every later start reads no seed file.
    """
    with reading(engine) as connection:
        if get_meta(connection, "seeded"):
            return None
    records, _problems = collect([folder or seeds_dir()])
    with writing(engine) as connection:
        if get_meta(connection, "seeded"):
            return None
        summary = write_records(connection, records, annotator)
        set_meta(connection, "seeded", "1")
    return summary
