"""Consistency checks over the stored spans, for one annotator or across annotators."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import ahocorasick
from sqlalchemy import select, union
from sqlalchemy.engine import Connection, Engine

from annotator.core.consistency import Case, label_conflicts, occurrence_cases
from annotator.core.review import GOLD
from annotator.core.search import Matcher, TextQuery, compile_query, find_hits
from annotator.store.concordance import spans_with_text
from annotator.store.engine import reading
from annotator.store.status import Status
from annotator.store.tables import ANNOTATOR, DOCUMENT, SPAN, STATUS

_WORDY = re.compile(r"\w")
_BATCH = 500  # documents read per query


def _worked(connection: Connection, annotator: str | None) -> dict[str, set[int]]:
    """The documents each annotator in scope worked on: has spans in, or a status past new."""
    spans = select(SPAN.c.annotator_id, SPAN.c.document_id)
    statuses = select(STATUS.c.annotator_id, STATUS.c.document_id).where(
        STATUS.c.status != Status.NEW
    )
    both = union(spans, statuses).subquery()
    query = select(ANNOTATOR.c.name, both.c.document_id).join(
        ANNOTATOR, ANNOTATOR.c.id == both.c.annotator_id
    )
    query = query.where(ANNOTATOR.c.name == annotator if annotator else ANNOTATOR.c.name != GOLD)
    worked: dict[str, set[int]] = {}
    for name, document_id in connection.execute(query):
        worked.setdefault(name, set()).add(document_id)
    return worked


def _occurrences(
    connection: Connection, texts: Sequence[str], documents: set[int]
) -> Iterator[tuple[int, dict[str, list[tuple[int, int]]]]]:
    """Per document of ``documents``, in id order: the whole-word, case-sensitive
    ``(start, end)`` of each of ``texts`` it holds. One pass over those documents: an
    Aho-Corasick automaton of every text says which texts a document holds, and only those
    are matched there with the search's own matcher (a search per text read the corpus once
    per tagged text, hours at 100,000 articles). Nothing is kept from one document to the
    next."""
    if not texts or not documents:
        return
    automaton = ahocorasick.Automaton()
    for text in texts:
        automaton.add_word(text, text)
    automaton.make_automaton()
    matchers: dict[str, Matcher] = {}
    ordered = sorted(documents)
    for first in range(0, len(ordered), _BATCH):
        chunk = ordered[first : first + _BATCH]
        rows = connection.execute(
            select(DOCUMENT.c.id, DOCUMENT.c.text)
            .where(DOCUMENT.c.id.in_(chunk))
            .order_by(DOCUMENT.c.id)
        ).all()
        for document_id, body in rows:
            found: dict[str, list[tuple[int, int]]] = {}
            for text in sorted({text for _end, text in automaton.iter(body)}):
                if text not in matchers:
                    matchers[text] = compile_query(TextQuery(text, word=True, case=True))
                places = list(find_hits(matchers[text], body))
                if places:
                    found[text] = places
            yield document_id, found


def consistency_cases(engine: Engine, annotator: str | None = None) -> list[Case]:
    """The inconsistencies in ``annotator``'s spans, or across every annotator's (not gold)."""
    with reading(engine) as connection:
        spans = spans_with_text(connection, annotator=annotator)
        worked = _worked(connection, annotator)
        documents = set().union(*worked.values())
        texts = sorted({s.text for s in spans if _WORDY.search(s.text)})
        occurrences = _occurrences(connection, texts, documents)
        return label_conflicts(spans) + occurrence_cases(spans, worked, occurrences)
