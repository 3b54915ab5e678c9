"""Gold links: the reviewer's decisions on links, with their provenance.

A gold link joins two gold spans. Deciding a quote's links (``decide_links``) replaces the
gold links of that quote and relation type with the chosen ones, adding the gold spans they
need at either end; ``undo_links`` puts back exactly what was there, with the ids and
provenance it had. Links and spans are named by content (start, end, label), not by id, so
a step stays undoable after others re-created gold spans under new ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import StoreError
from annotator.core.link_agreement import LinkKey
from annotator.core.relations import Link
from annotator.core.review import GOLD, Gold
from annotator.core.spans import Span
from annotator.store.annotators import gold_id, sources_of
from annotator.store.changes import Change
from annotator.store.decisions import LinkAt, forget_decision, record_decision
from annotator.store.engine import inserted_id, writing
from annotator.store.relations import link_ends, link_values, links_of
from annotator.store.review import Key, gold_of, store_gold
from annotator.store.tables import ANNOTATOR, RELATION, RELATION_SOURCE, SPAN


@dataclass(frozen=True, slots=True)
class GoldLink:
    """A gold link by content, with the annotators who had it."""

    head: Key
    child: Key
    label: str
    sources: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class GoldLinkEdit:
    """What a link decision did: the gold links it ``removed`` and ``added``, and the gold
    spans it added as their ends (by content), for undo."""

    document_id: int
    removed: tuple[GoldLink, ...]
    added: tuple[GoldLink, ...]
    spans_added: tuple[Key, ...]
    change: Change
    recorded: bool = False
    """True when the decision was recorded anew (undo forgets it)."""


def annotator_links(connection: Connection, document_id: int) -> dict[str, list[LinkKey]]:
    """Every annotator's links on the document (gold excepted) by name, as content keys."""
    found: dict[str, list[LinkKey]] = defaultdict(list)
    rows = connection.execute(link_ends().where(RELATION.c.document_id == document_id))
    for _, _, name, head_start, head_end, head, child_start, child_end, child, label in rows:
        if name != GOLD:
            found[name].append(
                ((head_start, head_end, head), (child_start, child_end, child), label)
            )
    return dict(found)


def gold_links_of(connection: Connection, document_id: int) -> list[GoldLink]:
    """The document's gold links, with their provenance, oldest first."""
    gold = {g.span.stored_id: g.span.key for g in gold_of(connection, document_id)}
    owners = select(RELATION.c.id).where(RELATION.c.document_id == document_id)
    source = RELATION_SOURCE.c
    sources = sources_of(connection, source.relation_id, source.annotator_id, owners)
    return [
        GoldLink(gold[x.head_id], gold[x.child_id], x.label, sources.get(x.stored_id, ()), x.id)
        for x in links_of(connection, document_id, GOLD)
    ]


def _insert(connection: Connection, document_id: int, link: GoldLink) -> GoldLink:
    """Store ``link`` between the gold spans of its ends (keeping its id when it is free)."""
    ids = {g.span.key: g.span.stored_id for g in gold_of(connection, document_id)}
    if link.head not in ids or link.child not in ids:
        raise StoreError("that gold span no longer exists: it was changed elsewhere")
    who = gold_id(connection)
    values = link_values(
        connection, document_id, who, Link(ids[link.head], ids[link.child], link.label)
    )
    if link.id is not None and _id_is_free(connection, link.id):
        values["id"] = link.id
    new_id = inserted_id(connection, insert(RELATION).values(**values))
    names = dict(connection.execute(select(ANNOTATOR.c.name, ANNOTATOR.c.id)).all())
    kept = tuple(name for name in link.sources if name in names)
    if kept:
        connection.execute(
            insert(RELATION_SOURCE),
            [{"relation_id": new_id, "annotator_id": names[name]} for name in kept],
        )
    return GoldLink(link.head, link.child, link.label, kept, new_id)


def _id_is_free(connection: Connection, link_id: int) -> bool:
    return connection.execute(select(RELATION.c.id).where(RELATION.c.id == link_id)).first() is None


def decide_links(
    engine: Engine, document_id: int, head: Key, label: str, chosen: Sequence[GoldLink]
) -> GoldLinkEdit:
    """Make ``chosen`` (links from ``head``, with their provenance) the gold links of the
    quote ``head`` by ``label``, replacing those there; none chosen: the quote has no gold
    link (every version rejected). Gold spans the links need are added, with theirs. The
    decision is recorded, so a rejection outlives the review window."""
    with writing(engine) as connection:
        current = [
            x for x in gold_links_of(connection, document_id) if (x.head, x.label) == (head, label)
        ]
        if current:
            connection.execute(RELATION.delete().where(RELATION.c.id.in_([x.id for x in current])))
        present = {g.span.key for g in gold_of(connection, document_id)}
        ends = list(dict.fromkeys(key for link in chosen for key in (link.head, link.child)))
        missing = [key for key in ends if key not in present]
        spans = store_gold(connection, document_id, [Gold(Span(*key)) for key in missing]).added
        added = tuple(_insert(connection, document_id, link) for link in chosen)
        recorded = record_decision(connection, document_id, (head, label))
    ids = [x.id for x in (*current, *added) if x.id is not None]
    change = Change(
        documents=frozenset({document_id}),
        links=frozenset(ids),
        spans=frozenset(g.span.stored_id for g in spans),
    )
    return GoldLinkEdit(document_id, tuple(current), added, tuple(missing), change, recorded)


def undo_links(engine: Engine, edit: GoldLinkEdit, at: LinkAt) -> GoldLinkEdit:
    """Put back what ``edit`` (the decision on ``at``) replaced: its links go, the gold spans
    it added go (with any link on them), the links it removed come back with their ids and
    provenance, and the decision is forgotten if ``edit`` recorded it. Returns the opposite
    edit (what redo would do is deciding again)."""
    document_id = edit.document_id
    with writing(engine) as connection:
        if edit.recorded:
            forget_decision(connection, document_id, at)
        gone = [x.id for x in edit.added if x.id is not None]
        if gone:
            connection.execute(RELATION.delete().where(RELATION.c.id.in_(gone)))
        spans = _delete_gold_spans(connection, document_id, edit.spans_added)
        restored = tuple(_insert(connection, document_id, link) for link in edit.removed)
    ids = [x.id for x in (*edit.added, *restored) if x.id is not None]
    change = Change(
        documents=frozenset({document_id}), links=frozenset(ids), spans=frozenset(spans)
    )
    return GoldLinkEdit(document_id, edit.added, restored, (), change)


def _delete_gold_spans(connection: Connection, document_id: int, keys: Sequence[Key]) -> list[int]:
    """Delete the gold spans ``keys`` (and the links on them) in the caller's transaction;
    returns their ids."""
    if not keys:
        return []
    wanted = set(keys)
    ids = [g.span.stored_id for g in gold_of(connection, document_id) if g.span.key in wanted]
    connection.execute(SPAN.delete().where(SPAN.c.id.in_(ids)))
    return ids
