"""Annotators: the people (or models) whose spans are kept apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Literal, overload

from sqlalchemy import ColumnElement, Select, bindparam, insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InvalidSpan
from annotator.core.review import GOLD
from annotator.store.engine import inserted_id, reading, writing
from annotator.store.tables import ANNOTATOR

NAME_MAX = 128
_ID_OF = select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == bindparam("name"))  # built once


def clean_name(name: str) -> str:
    """An annotator name as stored: trimmed, non-empty, one line."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise InvalidSpan("an annotator name cannot be empty")
    if len(cleaned) > NAME_MAX:
        raise InvalidSpan(f"an annotator name is at most {NAME_MAX} characters")
    return cleaned


@overload
def annotator_id(connection: Connection, name: str, create: Literal[True] = True) -> int: ...
@overload
def annotator_id(connection: Connection, name: str, create: bool) -> int | None: ...
def annotator_id(connection: Connection, name: str, create: bool = True) -> int | None:
    """The id of annotator ``name``, created on first use when ``create``."""
    name = clean_name(name)
    found = connection.execute(_ID_OF, {"name": name}).scalar_one_or_none()
    if found is not None or not create:
        return found
    if name == GOLD:
        raise InvalidSpan(f"{GOLD!r} names the reviewed layer; choose another annotator name")
    return inserted_id(connection, insert(ANNOTATOR).values(name=name))


def gold_id(connection: Connection) -> int:
    """The id of the gold layer's reserved annotator, created on first use."""
    found = connection.execute(
        select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == GOLD)
    ).scalar_one_or_none()
    if found is not None:
        return found
    return inserted_id(connection, insert(ANNOTATOR).values(name=GOLD))


def refuse_gold(name: str) -> None:
    """Gold spans change only through review commands, which record their provenance."""
    if name == GOLD:
        raise InvalidSpan("the gold layer changes only in review")


def ensure_annotator(engine: Engine, name: str) -> int:
    with writing(engine) as connection:
        return annotator_id(connection, name)


def list_annotators(engine: Engine, include_gold: bool = False) -> list[str]:
    """Annotator names in order; the gold layer only when asked for."""
    query = select(ANNOTATOR.c.name).order_by(ANNOTATOR.c.name)
    if not include_gold:
        query = query.where(ANNOTATOR.c.name != GOLD)
    with reading(engine) as connection:
        return list(connection.execute(query).scalars())


def sources_of(
    connection: Connection,
    owner: ColumnElement[int],
    annotator: ColumnElement[int],
    owners: Select | Collection[int],
) -> dict[int, tuple[str, ...]]:
    """Provenance: the names of the annotators a provenance table (``span_source``,
    ``relation_source``) records for each of ``owners`` (ids, or a SELECT of them), by
    name; ``owner`` and ``annotator`` are that table's columns."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = connection.execute(
        select(owner, ANNOTATOR.c.name)
        .join(ANNOTATOR, ANNOTATOR.c.id == annotator)
        .where(owner.in_(owners))
        .order_by(ANNOTATOR.c.name)
    )
    for owner_id, name in rows:
        found[owner_id].append(name)
    return {owner_id: tuple(names) for owner_id, names in found.items()}
