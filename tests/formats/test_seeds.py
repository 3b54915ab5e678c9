from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.seeds import seed_once, seeds_dir
from annotator.store.documents import count_documents, document_summaries


def test_a_new_database_gets_every_seed_article_once(engine) -> None:
    shipped = sorted(seeds_dir().glob("*.txt"))
    assert shipped, "the app ships seed articles"
    summary = seed_once(engine)
    assert summary is not None and summary.documents_added == len(shipped)
    assert seed_once(engine) is None
    assert count_documents(engine) == len(shipped)
    assert document_summaries(engine)[0].date == "2025-06-07"


def test_a_seeded_database_is_not_seeded_again(engine, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2024-01-02 A headline\nBody.", encoding="utf-8")
    assert seed_once(engine, folder).documents_added == 1
    (folder / "b.txt").write_text("Another headline\nBody.", encoding="utf-8")
    assert seed_once(engine, folder) is None
    assert count_documents(engine) == 1


def test_a_broken_seed_file_is_reported_and_nothing_is_seeded(engine, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("A headline\nBody.", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"caf\xe9")
    with pytest.raises(InputError, match="not UTF-8"):
        seed_once(engine, folder)
    assert count_documents(engine) == 0
    (folder / "b.txt").write_text("Fixed headline\nBody.", encoding="utf-8")
    assert seed_once(engine, folder).documents_added == 2
