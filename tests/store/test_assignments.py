"""Assignments: balanced places, claims from each person's queue, expiry, readiness."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from annotator.core.documents import Document
from annotator.core.errors import InputError
from annotator.store.assignments import (
    assign,
    claim,
    has_assignments,
    held_document,
    holds_places,
    progress,
)
from annotator.store.document_list import DocumentQuery, count_matching, page_ids
from annotator.store.documents import add_documents
from annotator.store.engine import reading
from annotator.store.review import ReviewFilter
from annotator.store.status import Status, set_status, status_counts
from annotator.store.tables import ANNOTATOR, ASSIGNMENT
from tests.schema_rollback import roll_back

PEOPLE = ["ana", "ben", "çağla"]


def _corpus(engine, n: int = 10) -> list[int]:
    docs = [Document(text=f"Artikel {i}: Zürich grüßt 🌧 {i}.", title=f"Nº {i}") for i in range(n)]
    return add_documents(engine, docs).ids


def _places(engine) -> list[tuple[int, str | None, str]]:
    with reading(engine) as connection:
        rows = connection.execute(
            ASSIGNMENT.outerjoin(ANNOTATOR, ANNOTATOR.c.id == ASSIGNMENT.c.annotator_id)
            .select()
            .with_only_columns(ASSIGNMENT.c.document_id, ANNOTATOR.c.name, ASSIGNMENT.c.state)
        )
        return sorted((tuple(row) for row in rows), key=lambda row: (row[0], row[1] or ""))


def _claim_all(engine, who: str) -> list[int]:
    claimed = []
    while (got := claim(engine, who)) is not None:
        claimed.append(got.document_id)
    return claimed


def test_every_document_gets_exactly_its_annotators_balanced_across_people(engine) -> None:
    docs = _corpus(engine, 10)
    result = assign(engine, PEOPLE, per_document=2, seed=5)
    places = _places(engine)
    per_document = Counter(doc for doc, _, _ in places)
    assert per_document == dict.fromkeys(docs, 2)
    assert all(len({n for d, n, _ in places if d == doc}) == 2 for doc in docs)
    load = Counter(name for _, name, _ in places)
    assert max(load.values()) - min(load.values()) <= 1
    assert result.load == dict(load) and result.places == 20 and result.documents == 10
    again = assign(engine, PEOPLE, per_document=2, seed=5)
    assert again.places == 0  # documents with places are left as they are


def test_the_same_seed_gives_the_same_plan(tmp_path) -> None:
    from annotator.store import open_store

    plans = []
    for name in ("one.db", "two.db"):
        engine = open_store(tmp_path / name)
        _corpus(engine, 9)
        assign(engine, PEOPLE, per_document=2, seed=11)
        plans.append(_places(engine))
        engine.dispose()
    assert plans[0] == plans[1]


def test_overlap_doubles_a_share_and_gives_the_rest_one_annotator(engine) -> None:
    docs = _corpus(engine, 10)
    assign(engine, PEOPLE, per_document=2, overlap=0.2, seed=3)
    per_document = Counter(doc for doc, _, _ in _places(engine))
    assert sorted(per_document.values()) == [1] * 8 + [2] * 2
    assert set(per_document) == set(docs)
    load = Counter(name for _, name, _ in _places(engine))
    assert max(load.values()) - min(load.values()) <= 1


def test_more_annotators_per_document_than_people_is_refused(engine) -> None:
    _corpus(engine, 3)
    with pytest.raises(InputError, match="3 annotators per document, but only 2 named"):
        assign(engine, ["ana", "ben"], per_document=3)
    assert not has_assignments(engine)
    with pytest.raises(InputError, match="there is no document 99"):
        assign(engine, PEOPLE, per_document=1, documents=[99])


def test_claims_walk_the_queue_never_twice_and_skip_finished_documents(engine) -> None:
    docs = _corpus(engine, 6)
    assign(engine, ["ana", "ben"], per_document=2, documents=docs[:4])
    set_status(engine, docs[1], "ana", Status.DONE)  # finished before claiming it
    claimed = _claim_all(engine, "ana")
    assert claimed == [docs[0], docs[2], docs[3]]
    assert claim(engine, "ana") is None
    assert _claim_all(engine, "ben") == docs[:4]
    assert held_document(engine, "ana") == docs[0]
    assert held_document(engine, "ana", besides=docs[0]) == docs[2]


def test_open_places_fill_to_their_quota_and_never_twice_per_person(engine) -> None:
    docs = _corpus(engine, 4)
    assign(engine, None, per_document=2)
    got = {who: _claim_all(engine, who) for who in PEOPLE}
    assert got["ana"] == docs and got["ben"] == docs  # the first two take every place
    assert got["çağla"] == []
    per_document = Counter(doc for who in PEOPLE for doc in got[who])
    assert per_document == dict.fromkeys(docs, 2)
    assert progress(engine).open_places == 0


def test_an_abandoned_claim_expires_and_goes_back(engine) -> None:
    docs = _corpus(engine, 1)
    assign(engine, None, per_document=1, expire_after=timedelta(0))
    assert claim(engine, "ana").document_id == docs[0]
    # ana never finished: the place is open again, and ben takes it
    assert claim(engine, "ben").document_id == docs[0]
    assert _places(engine) == [(docs[0], "ben", "claimed")]


def test_a_finished_claim_does_not_expire(engine) -> None:
    docs = _corpus(engine, 1)
    assign(engine, None, per_document=1, expire_after=timedelta(0))
    claim(engine, "ana")
    set_status(engine, docs[0], "ana", Status.DONE)
    assert claim(engine, "ben") is None


def test_ready_for_review_and_assigned_to_me_filters_and_progress(engine) -> None:
    docs = _corpus(engine, 5)
    assign(engine, ["ana", "ben"], per_document=2, documents=docs[:3])
    assign(engine, ["ana"], per_document=1, documents=[docs[3]])
    ready = DocumentQuery(review=ReviewFilter.READY)
    assert count_matching(engine, ready) == 0
    set_status(engine, docs[0], "ana", Status.DONE)
    set_status(engine, docs[0], "ben", Status.SKIPPED)
    set_status(engine, docs[1], "ana", Status.DONE)
    set_status(engine, docs[3], "ana", Status.FLAGGED)
    assert page_ids(engine, ready, 0, 10, count_matching(engine, ready)) == [docs[0], docs[3]]
    mine = DocumentQuery("ben", assigned=True)
    assert page_ids(engine, mine, 0, 10, count_matching(engine, mine)) == docs[:3]
    unfinished_mine = DocumentQuery("ana", assigned=True, unfinished=True)
    assert count_matching(engine, unfinished_mine) == 1
    claim(engine, "ben")
    figures = progress(engine).as_dict()
    assert figures == {
        "annotators": [
            {"name": "ana", "assigned": 4, "claimed": 0, "done": 3},
            {"name": "ben", "assigned": 3, "claimed": 1, "done": 1},
        ],
        "open": 0,
        "ready_for_review": 2,
    }


def test_a_version_7_database_gains_assignments_and_roles_after_a_backup(db_path) -> None:

    from annotator.store import open_store
    from annotator.store.annotators import ensure_annotator
    from annotator.store.migrations import migration_backups

    engine = open_store(db_path)
    ensure_annotator(engine, "ana")
    engine.dispose()
    roll_back(db_path, 7)
    engine = open_store(db_path)
    docs = _corpus(engine, 2)
    assign(engine, ["ana"], per_document=1)
    assert claim(engine, "ana").document_id == docs[0]
    with reading(engine) as connection:
        roles = connection.execute(ANNOTATOR.select().with_only_columns(ANNOTATOR.c.role))
        assert set(roles.scalars()) == {"annotator"}
    engine.dispose()
    assert len(migration_backups(db_path)) == 1


def test_status_counts_of_a_person_with_places_cover_what_they_were_given(engine) -> None:
    docs = _corpus(engine, 6)
    assign(engine, ["ana", "ben"], per_document=1, documents=docs[:4], seed=1)
    given = [d for d, who, _ in _places(engine) if who == "ana"]
    assert holds_places(engine, "ana") and not holds_places(engine, "cleo")
    set_status(engine, given[0], "ana", Status.DONE)
    set_status(engine, docs[5], "ana", Status.DONE)  # a document nobody was given
    assert status_counts(engine, "ana", assigned=True) == {
        Status.DONE: 1,
        Status.NEW: len(given) - 1,
    }
    assert status_counts(engine, "ana")[Status.DONE] == 2
