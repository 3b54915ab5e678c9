"""Reading a selection of the corpus for export: documents and their rows as ordered cursors.

A handful of cursors (documents by id; spans, statuses and, for ``native``, gold spans, their
provenance, notes and review marks, each by document id) are merged in Python, so memory holds
one document and its rows at a time, whatever the corpus size, and the query count does not grow
with it. Spans leave the store as plain ``(start, end, label, annotator, origin)`` tuples:
building a frozen ``Span`` per row (about 3 µs) would add half again to an export that reads,
encodes and writes a span in about 6 µs.

An export never merges annotators' layers unasked: ``settle`` turns a selection into one that
names whose spans each record holds, or refuses with ``LayerChoice``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from operator import attrgetter

from sqlalchemy import and_, exists, false, func, not_, or_, select, union
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from annotator.core.documents import Document
from annotator.core.errors import AnnotatorError, InputError, Problem
from annotator.core.labels import Label, RelationType
from annotator.core.review import GOLD, Gold, Note
from annotator.core.spans import Origin, Span
from annotator.store.engine import reading
from annotator.store.labels import schema_of
from annotator.store.relations import link_ends
from annotator.store.reservations import stored
from annotator.store.status import Status
from annotator.store.tables import (
    ANNOTATOR,
    DOCUMENT,
    LABEL,
    NOTE,
    RELATION,
    REVIEW_DECISION,
    SPAN,
    SPAN_SOURCE,
    STATUS,
)

SpanTuple = tuple[int, int, str, str, str]
"""``(start, end, label, annotator, origin)``; tuples sort in export order."""
LinkTuple = tuple[tuple[int, int, str], tuple[int, int, str], str, str]
"""``(head (start, end, label), child (start, end, label), relation, annotator)``."""
DecisionTuple = tuple[int, int, str | None, str]
"""``(start, end, label, relation)``: a quote's links decided, or (label ``None``, relation
"") a span group decided."""


class SpanSource(StrEnum):
    """Which layer of spans each exported record holds.

    ``ANNOTATORS``: one annotator's spans and status: the one named, or the only one who
    worked on the corpus; several without a choice are refused (``LayerChoice``). ``EACH``:
    one record per (document, annotator who worked on it), naming the annotator. ``LAYERS``:
    every annotator's spans in one record, each span naming its annotator (``native``: a
    lossless backup, not a training set). ``GOLD``: only the reviewed gold layer, of the
    documents a reviewer has worked on (gold spans, or a review status).
    """

    ANNOTATORS = "annotators"
    EACH = "each"
    LAYERS = "layers"
    GOLD = "gold"


@dataclass(frozen=True, slots=True)
class Selection:
    """What to export: ``None`` means no restriction on that axis.

    ``annotators``: the documents these annotators have worked on (a status past ``new`` or a
    span), with only their spans and statuses. ``statuses``: documents whose status (for one of
    ``annotators``, or for anyone when none are named) is one of these; ``new`` also matches a
    document nobody has started. ``labels``: only spans with these labels. ``review``: also
    each document's gold spans, notes and review status (``native`` asks for them).
    """

    annotators: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    source: SpanSource = SpanSource.ANNOTATORS
    review: bool = False


class LayerChoice(AnnotatorError):
    """Several annotators' layers would go into one record and nobody said which to take.

    ``annotators``: who worked (the choices); ``gold``: whether a reviewed layer exists. The
    command line and the app word the choices in their own terms."""

    def __init__(self, annotators: tuple[str, ...], gold: bool) -> None:
        self.annotators = annotators
        self.gold = gold
        choices = ["one annotator", "one record per document and annotator"]
        choices += ["the gold layer"] if gold else []
        super().__init__(
            f"{len(annotators)} annotators worked here ({', '.join(annotators)}) and an export "
            f"never merges their layers: choose {', '.join(choices[:-1])} or {choices[-1]}"
        )


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One document with its selected spans (sorted), the links between them (sorted) and
    statuses by annotator; with
    ``Selection.review``, also its gold spans, its notes (each with the span it is on, as
    ``(start, end, label, annotator)``), the reviewer's decisions (``(start, end, label,
    relation)``: label ``None`` and relation "" for a span group) and whether its review is
    finished. ``annotator``
    names whose layer the record is in an ``EACH`` export (writers whose records are JSON
    objects write it as an ``"annotator"`` field); otherwise it is ``None``."""

    document: Document
    sha256: str
    spans: list[SpanTuple]
    statuses: dict[str, str] = field(default_factory=dict)
    gold: list[Gold] = field(default_factory=list)
    notes: list[tuple[Note, tuple[int, int, str, str] | None]] = field(default_factory=list)
    reviewed: bool = False
    annotator: str | None = None
    links: list[LinkTuple] = field(default_factory=list)
    decisions: list[DecisionTuple] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What a file header may need: the label schema, its relation types and the annotators
    selected."""

    labels: list[Label]
    annotators: list[str]
    relations: list[RelationType] = field(default_factory=list)


def _names(connection: Connection) -> list[str]:
    query = select(ANNOTATOR.c.name).where(ANNOTATOR.c.name != GOLD).order_by(ANNOTATOR.c.name)
    return list(connection.execute(query).scalars())


def workers(connection: Connection) -> list[str]:
    """Annotators (gold excepted) who worked on some document: a span, or a status past new."""
    worked = union(
        select(SPAN.c.annotator_id.label("who")).where(stored(SPAN.c.document_id)).distinct(),
        select(STATUS.c.annotator_id.label("who")).where(STATUS.c.status != Status.NEW).distinct(),
    ).subquery()
    query = (
        select(ANNOTATOR.c.name)
        .where(ANNOTATOR.c.id.in_(select(worked.c.who)) & (ANNOTATOR.c.name != GOLD))
        .order_by(ANNOTATOR.c.name)
    )
    return list(connection.execute(query).scalars())


def annotators_who_worked(engine: Engine) -> list[str]:
    """``workers`` for a caller without a connection (the export dialog's choices)."""
    with reading(engine) as connection:
        return workers(connection)


def _annotator_ids(connection: Connection, names: tuple[str, ...]) -> list[int]:
    rows = connection.execute(select(ANNOTATOR.c.id).where(ANNOTATOR.c.name.in_(names)))
    return list(rows.scalars())


def _chosen(selection: Selection) -> tuple[str, ...] | None:
    """Whose spans and statuses: the gold layer alone, or the annotators asked for."""
    return (GOLD,) if selection.source == SpanSource.GOLD else selection.annotators


def _worked(who: list[int]) -> ColumnElement[bool]:
    """The document has a status past new or a span by one of ``who``."""
    return or_(
        exists().where(
            (STATUS.c.document_id == DOCUMENT.c.id)
            & STATUS.c.annotator_id.in_(who)
            & (STATUS.c.status != Status.NEW)
        ),
        exists().where((SPAN.c.document_id == DOCUMENT.c.id) & SPAN.c.annotator_id.in_(who)),
    )


def has_gold(connection: Connection) -> bool:
    """Whether a reviewer has worked on any document (gold spans or a review status)."""
    query = (
        select(func.count())
        .select_from(DOCUMENT)
        .where(_document_filter(connection, Selection(source=SpanSource.GOLD)))
    )
    return connection.execute(query).scalar_one() > 0


def settle(connection: Connection, selection: Selection) -> Selection:
    """``selection`` with whose spans each record holds made explicit.

    Without named annotators, ``ANNOTATORS`` takes the only annotator who worked (nobody:
    the texts alone) and ``EACH`` everyone who worked. Raises ``InputError`` for an unknown
    name and ``LayerChoice`` when one record would hold several annotators' layers."""
    if selection.source == SpanSource.GOLD:
        return selection
    if selection.annotators is not None:
        known = _names(connection)
        unknown = [name for name in selection.annotators if name not in known]
        if unknown:
            listed = ", ".join(known) or "none yet"
            raise InputError([Problem(f"no annotator named {unknown[0]!r} (annotators: {listed})")])
        chosen = selection.annotators
    elif selection.source == SpanSource.LAYERS:
        return selection
    else:
        chosen = tuple(workers(connection))
        if not chosen and selection.source == SpanSource.ANNOTATORS:
            return selection
    if selection.source == SpanSource.ANNOTATORS and len(chosen) > 1:
        raise LayerChoice(chosen, has_gold(connection))
    return replace(selection, annotators=chosen)


def _document_filter(connection: Connection, selection: Selection) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    who: list[int] | None = None
    if (chosen := _chosen(selection)) is not None:
        who = _annotator_ids(connection, chosen)
        if not who:
            return false()
        conditions.append(_worked(who))
    if selection.statuses is not None:
        mine = STATUS.c.document_id == DOCUMENT.c.id
        if who is not None:
            mine = and_(mine, STATUS.c.annotator_id.in_(who))
        wanted = [s for s in selection.statuses if s != Status.NEW]
        matches: list[ColumnElement[bool]] = []
        if wanted:
            matches.append(exists().where(mine & STATUS.c.status.in_(wanted)))
        if Status.NEW in selection.statuses:
            matches.append(not_(exists().where(mine & (STATUS.c.status != Status.NEW))))
        conditions.append(or_(*matches) if matches else false())
    return and_(*conditions) if conditions else DOCUMENT.c.id.is_not(None)


def _span_filter(connection: Connection, selection: Selection) -> ColumnElement[bool]:
    gold = selection.source == SpanSource.GOLD
    conditions: list[ColumnElement[bool]] = [
        (ANNOTATOR.c.name == GOLD) if gold else (ANNOTATOR.c.name != GOLD)
    ]
    if (chosen := _chosen(selection)) is not None:
        conditions.append(SPAN.c.annotator_id.in_(_annotator_ids(connection, chosen)))
    if selection.labels is not None:
        conditions.append(LABEL.c.name.in_(selection.labels))
    return and_(*conditions)


def count_selected(connection: Connection, selection: Selection) -> int:
    """How many documents a settled ``selection`` exports."""
    query = (
        select(func.count()).select_from(DOCUMENT).where(_document_filter(connection, selection))
    )
    return connection.execute(query).scalar_one()


def count_unworked(connection: Connection, selection: Selection) -> int:
    """How many documents none of a settled ``selection``'s annotators worked on (they are
    left out of its export, whatever the other filters)."""
    chosen = _chosen(selection)
    if chosen is None:
        return 0
    who = _annotator_ids(connection, chosen)
    query = select(func.count()).select_from(DOCUMENT)
    if who:
        query = query.where(not_(_worked(who)))
    return connection.execute(query).scalar_one()


def export_context(connection: Connection, selection: Selection) -> ExportContext:
    query = select(ANNOTATOR.c.name).order_by(ANNOTATOR.c.name)
    if (chosen := _chosen(selection)) is not None:
        query = query.where(ANNOTATOR.c.name.in_(chosen))
    else:
        query = query.where(ANNOTATOR.c.name != GOLD)
    schema = schema_of(connection)
    return ExportContext(
        labels=list(schema),
        annotators=list(connection.execute(query).scalars()),
        relations=list(schema.relations.values()),
    )


class _Cursor:
    """Rows ordered by document id (their first column), taken one document at a time."""

    def __init__(self, rows) -> None:
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, document_id: int) -> list:
        """The rows of ``document_id``; rows of earlier documents are passed over."""
        out = []
        row = self._next
        while row is not None and row[0] < document_id:
            row = next(self._rows, None)
        while row is not None and row[0] == document_id:
            out.append(row)
            row = next(self._rows, None)
        self._next = row
        return out


def _span_rows(connection: Connection, selection: Selection, selected) -> _Cursor:
    return _Cursor(
        connection.execute(
            select(
                SPAN.c.document_id,
                SPAN.c.start,
                SPAN.c.end,
                LABEL.c.name,
                ANNOTATOR.c.name,
                SPAN.c.origin,
            )
            .select_from(
                SPAN.join(LABEL, SPAN.c.label_id == LABEL.c.id).join(
                    ANNOTATOR, SPAN.c.annotator_id == ANNOTATOR.c.id
                )
            )
            .where(_span_filter(connection, selection) & SPAN.c.document_id.in_(selected))
            .order_by(SPAN.c.document_id)
        )
    )


def _link_rows(connection: Connection, selection: Selection, selected) -> _Cursor:
    """The links of the selected layers whose two ends are selected spans, by document."""
    chosen = _chosen(selection)
    who = None if chosen is None else _annotator_ids(connection, chosen)
    gold = selection.source == SpanSource.GOLD
    query = link_ends(who, selection.labels).where(
        RELATION.c.document_id.in_(selected)
        & ((ANNOTATOR.c.name == GOLD) if gold else (ANNOTATOR.c.name != GOLD))
    )
    return _Cursor(connection.execute(query))


def _links_of(cursor: _Cursor, document_id: int) -> list[LinkTuple]:
    return sorted(
        (tuple(row[3:6]), tuple(row[6:9]), row[9], row[2]) for row in cursor.take(document_id)
    )


def _status_rows(connection: Connection, selection: Selection, selected) -> _Cursor:
    query = (
        select(STATUS.c.document_id, ANNOTATOR.c.name, STATUS.c.status)
        .select_from(STATUS.join(ANNOTATOR, STATUS.c.annotator_id == ANNOTATOR.c.id))
        .where(STATUS.c.document_id.in_(selected))
        .order_by(STATUS.c.document_id, ANNOTATOR.c.name)
    )
    if (chosen := _chosen(selection)) is not None:
        query = query.where(ANNOTATOR.c.name.in_(chosen))
    else:
        query = query.where(ANNOTATOR.c.name != GOLD)
    return _Cursor(connection.execute(query))


@dataclass(slots=True)
class _ReviewRows:
    """The review layer of the selected documents, as cursors: gold spans, their provenance,
    notes (with the span each is on) and the documents whose review is finished."""

    gold: _Cursor
    sources: _Cursor
    notes: _Cursor
    reviewed: _Cursor
    decisions: _Cursor

    def decisions_of(self, document_id: int) -> list[DecisionTuple]:
        found = [tuple(row[1:]) for row in self.decisions.take(document_id)]
        return sorted(found, key=lambda d: (d[0], d[1], d[2] or "", d[3]))

    def gold_of(self, document_id: int) -> list[Gold]:
        sources: dict[int, list[str]] = {}
        for _, span_id, name in self.sources.take(document_id):
            sources.setdefault(span_id, []).append(name)
        gold = [
            Gold(
                Span(start, end, label, span_id, GOLD, Origin(origin)),
                tuple(sources.get(span_id, ())),
            )
            for _, span_id, start, end, label, origin in self.gold.take(document_id)
        ]
        return sorted(gold, key=attrgetter("span"))

    def notes_of(self, document_id: int) -> list[tuple[Note, tuple[int, int, str, str] | None]]:
        return [
            (Note(*row[1:8]), None if row[8] is None else tuple(row[8:]))
            for row in self.notes.take(document_id)
        ]


def _review_rows(connection: Connection, selected) -> _ReviewRows:
    gold = select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == GOLD).scalar_subquery()
    gold_spans = connection.execute(
        select(SPAN.c.document_id, SPAN.c.id, SPAN.c.start, SPAN.c.end, LABEL.c.name, SPAN.c.origin)
        .select_from(SPAN.join(LABEL, SPAN.c.label_id == LABEL.c.id))
        .where((SPAN.c.annotator_id == gold) & SPAN.c.document_id.in_(selected))
        .order_by(SPAN.c.document_id)
    )
    sources = connection.execute(
        select(SPAN.c.document_id, SPAN_SOURCE.c.span_id, ANNOTATOR.c.name)
        .select_from(
            SPAN_SOURCE.join(SPAN, SPAN.c.id == SPAN_SOURCE.c.span_id).join(
                ANNOTATOR, ANNOTATOR.c.id == SPAN_SOURCE.c.annotator_id
            )
        )
        .where(SPAN.c.document_id.in_(selected))
        .order_by(SPAN.c.document_id, ANNOTATOR.c.name)
    )
    author, owner, target = ANNOTATOR.alias("author"), ANNOTATOR.alias("owner"), SPAN.alias()
    notes = connection.execute(
        select(
            NOTE.c.document_id,
            NOTE.c.id,
            NOTE.c.document_id,
            NOTE.c.span_id,
            author.c.name,
            NOTE.c.text,
            NOTE.c.created,
            NOTE.c.updated,
            target.c.start,
            target.c.end,
            LABEL.c.name,
            owner.c.name,
        )
        .select_from(
            NOTE.join(author, author.c.id == NOTE.c.annotator_id)
            .outerjoin(target, target.c.id == NOTE.c.span_id)
            .outerjoin(LABEL, LABEL.c.id == target.c.label_id)
            .outerjoin(owner, owner.c.id == target.c.annotator_id)
        )
        .where(NOTE.c.document_id.in_(selected))
        .order_by(NOTE.c.document_id, NOTE.c.created, NOTE.c.id)
    )
    reviewed = connection.execute(
        select(STATUS.c.document_id)
        .where(
            (STATUS.c.annotator_id == gold)
            & (STATUS.c.status == Status.DONE)
            & STATUS.c.document_id.in_(selected)
        )
        .order_by(STATUS.c.document_id)
    )
    decisions = connection.execute(
        select(
            REVIEW_DECISION.c.document_id,
            REVIEW_DECISION.c.start,
            REVIEW_DECISION.c.end,
            LABEL.c.name,
            REVIEW_DECISION.c.relation,
        )
        .select_from(REVIEW_DECISION.outerjoin(LABEL, LABEL.c.id == REVIEW_DECISION.c.label_id))
        .where(REVIEW_DECISION.c.document_id.in_(selected))
        .order_by(REVIEW_DECISION.c.document_id)
    )
    return _ReviewRows(
        _Cursor(gold_spans),
        _Cursor(sources),
        _Cursor(notes),
        _Cursor(reviewed),
        _Cursor(decisions),
    )


def _status_matches(status: str | None, statuses: tuple[str, ...] | None) -> bool:
    if statuses is None:
        return True
    return (status or Status.NEW) in statuses


def _each(
    document: Document,
    sha: str,
    spans: list[SpanTuple],
    statuses: dict[str, str],
    wanted,
    links: list[LinkTuple],
) -> Iterator[ExportItem]:
    """One item per annotator who worked on the document (spans, or a status past new) and
    whose status is one of ``wanted``."""
    mine: dict[str, list[SpanTuple]] = {}
    for span in spans:
        mine.setdefault(span[3], []).append(span)
    linked: dict[str, list[LinkTuple]] = {}
    for link in links:
        linked.setdefault(link[3], []).append(link)
    started = {name for name, status in statuses.items() if status != Status.NEW}
    for name in sorted(started | mine.keys()):
        status = statuses.get(name)
        if _status_matches(status, wanted):
            yield ExportItem(
                document,
                sha,
                mine.get(name, []),
                {name: status} if status else {},
                annotator=name,
                links=linked.get(name, []),
            )


def iter_selected(connection: Connection, selection: Selection) -> Iterator[ExportItem]:
    """The selected documents in id order, each with its spans and statuses, streamed; in an
    ``EACH`` export, one item per (document, annotator) in annotator order."""
    selection = settle(connection, selection)
    doc_filter = _document_filter(connection, selection)
    selected = select(DOCUMENT.c.id).where(doc_filter)
    documents = connection.execute(
        select(
            DOCUMENT.c.id,
            DOCUMENT.c.title,
            DOCUMENT.c.text,
            DOCUMENT.c.source,
            DOCUMENT.c.meta,
            DOCUMENT.c.sha256,
        )
        .where(doc_filter)
        .order_by(DOCUMENT.c.id)
    )
    spans = _span_rows(connection, selection, selected)
    statuses = _status_rows(connection, selection, selected)
    review = _review_rows(connection, selected) if selection.review else None
    links = _link_rows(connection, selection, selected)
    for doc_id, title, text, source, meta, sha in documents:
        doc_spans = sorted([row[1:] for row in spans.take(doc_id)])
        doc_statuses = {row[1]: row[2] for row in statuses.take(doc_id)}
        doc_links = _links_of(links, doc_id)
        document = Document(text=text, title=title, meta=meta or {}, source=source, id=doc_id)
        if selection.source == SpanSource.EACH:
            yield from _each(document, sha, doc_spans, doc_statuses, selection.statuses, doc_links)
        elif review is None:
            yield ExportItem(document, sha, doc_spans, doc_statuses, links=doc_links)
        else:
            yield ExportItem(
                document,
                sha,
                doc_spans,
                doc_statuses,
                gold=review.gold_of(doc_id),
                notes=review.notes_of(doc_id),
                reviewed=bool(review.reviewed.take(doc_id)),
                links=doc_links,
                decisions=review.decisions_of(doc_id),
            )
