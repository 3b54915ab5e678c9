"""The reviewer's decisions on a document, kept with the gold layer.

Gold says what was accepted; a decision that every version is wrong leaves no gold behind,
so without a record of it the disagreement would read as undecided again when the review
is opened anew. A decision is a span group's range, or a quote (its key) and the relation
type of the links decided. Rows are written in the caller's transaction, beside the gold
edit they go with, so a decision and its gold commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, delete, insert, select
from sqlalchemy.engine import Connection

from annotator.store.annotators import gold_id
from annotator.store.labels import label_ids
from annotator.store.tables import LABEL, REVIEW_DECISION

Key = tuple[int, int, str]
Range = tuple[int, int]
LinkAt = tuple[Key, str]
"""A quote's links: the quote's key and the relation type's name."""
Decision = Range | LinkAt

_D = REVIEW_DECISION


@dataclass(frozen=True, slots=True)
class Decisions:
    """What the reviewer decided on one document."""

    groups: frozenset[Range] = field(default_factory=frozenset)
    links: frozenset[LinkAt] = field(default_factory=frozenset)


def decisions_of(connection: Connection, document_id: int) -> Decisions:
    rows = connection.execute(
        select(_D.c.start, _D.c.end, LABEL.c.name, _D.c.relation)
        .select_from(_D.outerjoin(LABEL, _D.c.label_id == LABEL.c.id))
        .where(_D.c.document_id == document_id)
    )
    groups: set[Range] = set()
    links: set[LinkAt] = set()
    for start, end, label, relation in rows:
        if relation:
            links.add(((start, end, label), relation))
        else:
            groups.add((start, end))
    return Decisions(frozenset(groups), frozenset(links))


def _columns(connection: Connection, at: Decision) -> dict[str, object]:
    """The row's columns for ``at``: a group's range, or a quote's range, label and type."""
    if isinstance(at[0], int):
        start, end = at  # a Range
        return {"start": start, "end": end, "label_id": None, "relation": ""}
    (start, end, label), relation = at  # a LinkAt
    label_id = label_ids(connection).get(label)
    return {"start": start, "end": end, "label_id": label_id, "relation": relation}


def _matching(document_id: int, columns: dict[str, object]) -> ColumnElement[bool]:
    label_id = columns["label_id"]
    return and_(
        _D.c.document_id == document_id,
        _D.c.start == columns["start"],
        _D.c.end == columns["end"],
        _D.c.label_id.is_(None) if label_id is None else _D.c.label_id == label_id,
        _D.c.relation == columns["relation"],
    )


def record_decision(connection: Connection, document_id: int, at: Decision) -> bool:
    """Record ``at`` as decided; True if it was not recorded before (then undo forgets it)."""
    columns = _columns(connection, at)
    if connection.execute(select(_D.c.id).where(_matching(document_id, columns))).first():
        return False
    who = gold_id(connection)
    connection.execute(insert(_D).values(document_id=document_id, annotator_id=who, **columns))
    return True


def forget_decision(connection: Connection, document_id: int, at: Decision) -> None:
    """The undo of ``record_decision``."""
    connection.execute(delete(_D).where(_matching(document_id, _columns(connection, at))))
