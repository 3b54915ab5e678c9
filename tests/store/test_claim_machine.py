"""A model-based test of claims: random sequences of assignments, claims, finished and
reopened documents and expiries, after each of which the store's progress, readiness and
held documents must agree with a plain model of the places written from the rules alone."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from annotator.core.documents import Document
from annotator.store import open_store
from annotator.store.assignments import (
    EXPIRY_KEY,
    assign,
    claim,
    held_document,
    progress,
    ready_ids,
    release_expired,
)
from annotator.store.documents import add_documents
from annotator.store.engine import reading, writing
from annotator.store.meta import set_meta
from annotator.store.status import Status, set_status
from annotator.store.tables import ANNOTATOR, ASSIGNMENT

PEOPLE = ("ana", "ben", "çağla")
FAST_DISK = "/dev/shm" if Path("/dev/shm").is_dir() else None


@dataclass
class Place:
    document: int
    person: str | None
    pooled: bool
    claimed: bool = False


class ClaimMachine(RuleBasedStateMachine):
    @initialize(pooled=st.booleans(), per_document=st.integers(1, 3), seed=st.integers(0, 99))
    def start(self, pooled: bool, per_document: int, seed: int) -> None:
        self.folder = tempfile.TemporaryDirectory(dir=FAST_DISK)
        self.engine = open_store(Path(self.folder.name) / "claims.db")
        docs = [Document(text=f"Zoë {i} 🙂 in Zürich.", title=f"Nº {i}") for i in range(5)]
        self.documents = add_documents(self.engine, docs).ids
        assign(self.engine, None if pooled else PEOPLE, per_document, seed=seed)
        with reading(self.engine) as connection:
            rows = connection.execute(
                select(ASSIGNMENT.c.document_id, ANNOTATOR.c.name, ASSIGNMENT.c.pooled)
                .outerjoin(ANNOTATOR, ANNOTATOR.c.id == ASSIGNMENT.c.annotator_id)
                .order_by(ASSIGNMENT.c.id)
            )
            self.places = [Place(doc, name, is_pooled) for doc, name, is_pooled in rows]
        self.finished: set[tuple[str, int]] = set()

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.dispose()
            self.folder.cleanup()

    def _expected_claim(self, person: str) -> Place | None:
        order = sorted(self.places, key=lambda p: p.document)  # stable: then by id
        held = {p.document for p in self.places if p.person == person}
        mine = [p for p in order if p.person == person and not p.claimed]
        pool = [p for p in order if p.person is None and p.document not in held]
        for place in mine + pool:
            if (person, place.document) not in self.finished:
                return place
        return None

    @rule(person=st.sampled_from(PEOPLE))
    def claim(self, person: str) -> None:
        expected = self._expected_claim(person)
        got = claim(self.engine, person)
        assert (got.document_id if got else None) == (expected.document if expected else None)
        if expected is not None:
            expected.person, expected.claimed = person, True

    @rule(data=st.data(), status=st.sampled_from([Status.DONE, Status.SKIPPED]))
    def finish(self, data: st.DataObject, status: Status) -> None:
        held = [p for p in self.places if p.claimed]
        if not held:
            return
        place = data.draw(st.sampled_from(held))
        assert place.person is not None
        set_status(self.engine, place.document, place.person, status)
        self.finished.add((place.person, place.document))

    @rule(data=st.data())
    def reopen(self, data: st.DataObject) -> None:
        if not self.finished:
            return
        person, document = data.draw(st.sampled_from(sorted(self.finished)))
        set_status(self.engine, document, person, Status.IN_PROGRESS)
        self.finished.discard((person, document))

    @rule()
    def expire(self) -> None:
        with writing(self.engine) as connection:
            set_meta(connection, EXPIRY_KEY, "0")
            release_expired(connection)
            set_meta(connection, EXPIRY_KEY, "120")
        for place in self.places:
            if place.claimed and (place.person, place.document) not in self.finished:
                place.claimed = False
                if place.pooled:
                    place.person = None

    @invariant()
    def progress_agrees(self) -> None:
        if not hasattr(self, "engine"):
            return
        figures = progress(self.engine)
        found = {p.name: (p.assigned, p.claimed, p.done) for p in figures.people}
        expected = {}
        for person in PEOPLE:
            mine = [p for p in self.places if p.person == person]
            done = sum((person, p.document) in self.finished for p in mine)
            if mine:
                expected[person] = (len(mine), sum(p.claimed for p in mine), done)
        assert found == expected
        assert figures.open_places == sum(p.person is None for p in self.places)
        ready = {
            doc
            for doc in {p.document for p in self.places}
            if all(
                p.person is not None and (p.person, doc) in self.finished
                for p in self.places
                if p.document == doc
            )
        }
        with reading(self.engine) as connection:
            assert set(connection.execute(ready_ids()).scalars()) == ready
        for person in PEOPLE:
            holding = sorted(
                p.document
                for p in self.places
                if p.person == person and p.claimed and (person, p.document) not in self.finished
            )
            assert held_document(self.engine, person) == (holding[0] if holding else None)


ClaimMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_claims_agree_with_the_model = ClaimMachine.TestCase
