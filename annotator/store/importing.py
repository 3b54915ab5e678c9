"""Writing an import: stage the checked records in a scratch database, then copy them into
the store.

Staging keeps an import all or nothing without holding the write lock while files are read.
Everything that depends on what the store holds is decided in the copy, so it also covers
what the app added while the import ran: a document whose text is stored already is not
added again, a span already there is not doubled, and a status only ever moves forward.

A big import copies in steps, so the app's edits wait for one short step, not the whole
copy: its new documents get ids claimed for it (``reservations``), their spans and links
are copied in steps of a quarter second, invisible while no document has those ids, then
one last transaction adds the documents themselves and everything touching documents the
store already had (statuses, reviews, spans on known documents). Their texts are indexed
after that commits, again in steps (``indexing``); search scans them meanwhile.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import Field, dataclass, field, replace
from typing import Any, ClassVar, Protocol

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from annotator.core.documents import Document
from annotator.core.errors import InputError, InvalidSpan, Problem
from annotator.core.labels import (
    Label,
    RelationType,
    check_label,
    check_relation_type,
    next_label_color,
)
from annotator.store import postgres
from annotator.store.annotators import annotator_id, clean_name
from annotator.store.changes import Change
from annotator.store.decisions import record_decision
from annotator.store.engine import reading, writing
from annotator.store.indexing import index_later_steps
from annotator.store.labels import add_label_rows, label_ids, schema_of
from annotator.store.notes import store_note
from annotator.store.pacing import Pace
from annotator.store.permissions import require_layer
from annotator.store.relation_types import add_relation_type_rows
from annotator.store.reservations import Declared, discard, holding, release, reserve
from annotator.store.review import is_reviewed, store_gold, write_reviewed
from annotator.store.sqlite import bulk_merge, raw_connection, scratch_database
from annotator.store.status import PROGRESS_ORDER, Status
from annotator.store.tables import ANNOTATOR, DOCUMENT, LABEL, SPAN, utcnow
from annotator.store.text_index import index_later

STAGE = "stage"
STEPPED_FROM = 20_000
"""Imports of at least this many spans and links merge in steps (see ``commit_steps``)."""
STEPPED_FROM_TEXT = 2_000_000
"""... or new texts of at least this many characters in all (indexed after the commit)."""
FIRST_STEP_ROWS = 20_000  # rows the first step copies; the next ones are sized by its speed
_RANK = "CASE {} " + " ".join(f"WHEN '{s}' THEN {n}" for s, n in PROGRESS_ORDER.items()) + " END"
_STAGE_TABLES = (
    "CREATE TABLE stage.document (id INTEGER PRIMARY KEY, sha256 TEXT, title TEXT, text TEXT,"
    " length INTEGER, source TEXT, meta TEXT)",
    "CREATE TABLE stage.span (document INTEGER, annotator INTEGER, label INTEGER, start INTEGER,"
    ' "end" INTEGER, origin TEXT)',
    "CREATE TABLE stage.status (document INTEGER, annotator INTEGER, status TEXT,"
    " PRIMARY KEY (document, annotator)) WITHOUT ROWID",
    "CREATE TABLE stage.review (document INTEGER, review BLOB)",
    "CREATE TABLE stage.relation (document INTEGER, annotator INTEGER, type TEXT,"
    " head_start INTEGER, head_end INTEGER, head_label INTEGER, child_start INTEGER,"
    " child_end INTEGER, child_label INTEGER)",
    "CREATE TABLE stage.annotator (id INTEGER PRIMARY KEY, main INTEGER)",
    "CREATE TABLE stage.label (id INTEGER PRIMARY KEY, main INTEGER)",
    "CREATE TABLE stage.docmap (id INTEGER PRIMARY KEY, main INTEGER)",
    "CREATE TABLE stage.fresh (id INTEGER PRIMARY KEY, main INTEGER UNIQUE)",
)
_STAGE_STATUS = (
    "INSERT INTO stage.status VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET status = "
    f"excluded.status WHERE {_RANK.format('excluded.status')} > {_RANK.format('status')}"
)
_ADD_DOCUMENTS = (
    "INSERT INTO main.document (title, text, length, sha256, source, meta, created) "
    "SELECT s.title, s.text, s.length, s.sha256, s.source, s.meta, ? FROM stage.document s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.document d WHERE d.sha256 = s.sha256) ORDER BY s.id"
)
_MAP_DOCUMENTS = (
    "INSERT INTO stage.docmap SELECT s.id, d.id FROM stage.document s "
    "JOIN main.document d ON d.sha256 = s.sha256"
)
# The span and link copies, from ``{docs}`` (staged document -> store id), ``{where}`` the
# staged rows to take: all of them, a range of them, or those of documents already stored.
_COPY_SPANS = (
    'INSERT OR IGNORE INTO main.span (document_id, annotator_id, label_id, start, "end", origin,'
    ' created, updated) SELECT m.main, a.main, l.main, s.start, s."end", s.origin, ?, ? '
    "FROM stage.span s JOIN {docs} m ON m.id = s.document "
    "JOIN stage.annotator a ON a.id = s.annotator JOIN stage.label l ON l.id = s.label {where}"
)
_COPY_RELATIONS = (
    "INSERT OR IGNORE INTO main.relation (document_id, annotator_id, type_id, head_id, child_id,"
    " created) SELECT m.main, a.main, t.id, h.id, c.id, ? FROM stage.relation s "
    "JOIN {docs} m ON m.id = s.document JOIN stage.annotator a ON a.id = s.annotator "
    "JOIN main.relation_type t ON t.name = s.type "
    "JOIN stage.label hl ON hl.id = s.head_label JOIN stage.label cl ON cl.id = s.child_label "
    "JOIN main.span h ON h.document_id = m.main AND h.annotator_id = a.main "
    'AND h.label_id = hl.main AND h.start = s.head_start AND h."end" = s.head_end '
    "JOIN main.span c ON c.document_id = m.main AND c.annotator_id = a.main "
    'AND c.label_id = cl.main AND c.start = s.child_start AND c."end" = s.child_end {where}'
)
_ADD_SPANS = _COPY_SPANS.format(docs="stage.docmap", where="")
_ADD_RELATIONS = _COPY_RELATIONS.format(docs="stage.docmap", where="")
_IN_RANGE = "WHERE s.rowid > ? AND s.rowid <= ?"
_NOT_FRESH = "WHERE s.document NOT IN (SELECT id FROM stage.fresh)"
_COUNT_FRESH = (
    "SELECT count(*) FROM stage.document s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.document d WHERE d.sha256 = s.sha256)"
)
_RESERVE = (
    "INSERT INTO stage.fresh SELECT s.id, ? + row_number() OVER (ORDER BY s.id) - 1 "
    "FROM stage.document s "
    "WHERE NOT EXISTS (SELECT 1 FROM main.document d WHERE d.sha256 = s.sha256)"
)
_TAKEN_MEANWHILE = (
    "SELECT f.id, f.main FROM stage.fresh f JOIN stage.document s ON s.id = f.id "
    "WHERE EXISTS (SELECT 1 FROM main.document d WHERE d.sha256 = s.sha256)"
)
_ADD_FRESH_DOCUMENTS = (
    "INSERT INTO main.document (id, title, text, length, sha256, source, meta, created) "
    "SELECT f.main, s.title, s.text, s.length, s.sha256, s.source, s.meta, ? "
    "FROM stage.fresh f JOIN stage.document s ON s.id = f.id ORDER BY f.main"
)
_GONE = "SELECT id FROM stage.{0} WHERE main NOT IN (SELECT id FROM main.{0})"
_ADVANCING_STATUSES = (
    "SELECT DISTINCT m.main FROM stage.status s JOIN stage.docmap m ON m.id = s.document "
    "JOIN stage.annotator a ON a.id = s.annotator LEFT JOIN main.document_status d "
    "ON d.document_id = m.main AND d.annotator_id = a.main "
    f"WHERE d.status IS NULL OR {_RANK.format('s.status')} > {_RANK.format('d.status')}"
)
_ADD_STATUSES = (
    "INSERT INTO main.document_status (document_id, annotator_id, status, updated) "
    "SELECT m.main, a.main, s.status, ? FROM stage.status s "
    "JOIN stage.docmap m ON m.id = s.document JOIN stage.annotator a ON a.id = s.annotator "
    "WHERE true ON CONFLICT (document_id, annotator_id) DO UPDATE SET status = excluded.status,"
    f" updated = excluded.updated WHERE {_RANK.format('excluded.status')} > "
    f"{_RANK.format('document_status.status')}"
)


class ImportReview(Protocol):
    """A document's review layer as a reader gives it (gold spans, notes, finished or not)."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # staged with dataclasses.replace

    @property
    def gold(self) -> Sequence[Any]: ...
    @property
    def notes(self) -> Sequence[tuple]: ...
    @property
    def reviewed(self) -> bool: ...


class ImportRecord(Protocol):
    """One checked document as a reader gives it, with its spans as ``(start, end, label,
    annotator or None, origin)`` tuples and its links as ``(head, child, relation, annotator
    or None)``, each end a ``(start, end, label)`` of one of its spans."""

    @property
    def document(self) -> Document: ...
    @property
    def spans(self) -> Sequence[tuple]: ...
    @property
    def annotator(self) -> str | None: ...
    @property
    def statuses(self) -> Mapping[str, str]: ...
    @property
    def review(self) -> ImportReview | None: ...
    @property
    def source(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def annotated(self) -> bool: ...
    @property
    def relations(self) -> Sequence[tuple]: ...


@dataclass(slots=True)
class ImportSummary:
    files: int = 0
    documents_read: int = 0
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    links_added: int = 0
    links_existing: int = 0
    labels_added: list[str] = field(default_factory=list)
    spans_per_label: Counter = field(default_factory=Counter)
    not_read: Counter = field(default_factory=Counter)
    change: Change = field(default_factory=Change)

    def lines(self) -> list[str]:
        out = [
            f"files: {self.files}",
            f"documents: {self.documents_added} added, {self.documents_existing} already present",
        ]
        if self.spans_added or self.spans_existing:
            out.append(f"spans: {self.spans_added} added, {self.spans_existing} already present")
            out.extend(f"  {label}: {n}" for label, n in sorted(self.spans_per_label.items()))
        if self.links_added or self.links_existing:
            out.append(f"links: {self.links_added} added, {self.links_existing} already present")
        if self.labels_added:
            out.append(f"labels added: {', '.join(self.labels_added)}")
        out.extend(f"not read: {n} {reason}" for reason, n in sorted(self.not_read.items()))
        return out


class ImportWriter:
    """Stages checked records for one import and copies them into the store at the end."""

    _STEPPED = True  # big imports merge in steps (PostgreSQL's writer merges in one)
    # Statements on the scratch tables that the PostgreSQL writer words its own way.
    _STAGE_LABEL = "INSERT INTO stage.label VALUES (?, ?)"
    _STAGED_REVIEWS = (
        "SELECT m.main, r.review FROM stage.review r JOIN stage.docmap m ON m.id = r.document"
    )

    def __init__(
        self, engine: Engine, connection: Connection, annotator: str, add_missing_labels: bool
    ) -> None:
        self.engine = engine
        self.summary = ImportSummary()
        self._connection = connection
        self._annotator = annotator
        self._add_missing = add_missing_labels
        with reading(engine) as snapshot:
            schema = schema_of(snapshot)
        self._known = set(schema.names)
        self._relations = schema.relations
        self._new_relations: dict[str, tuple[set[str], set[str]]] = {}
        self._declared: dict[str, RelationType] = {}
        self._colors = [label.color for label in schema]
        self._hotkeys = {label.hotkey for label in schema if label.hotkey}
        self._labels = {name: n for n, name in enumerate(schema.names, start=1)}
        self._unknown: set[str] = set()
        self._new_labels: list[Label] = []
        self._annotators: dict[str, int] = {}
        self._documents: dict[str, int] = {}
        self._spans_staged = 0
        self._text_staged = 0
        self._links_staged = 0
        self._labels_used: set[int] = set()
        self._span_ids: tuple[int, int] = (0, 0)
        self._fresh_added: Counter[str] = Counter()

    def _who(self, name: str) -> int:
        found = self._annotators.get(name)
        if found is None:
            found = self._annotators[name] = len(self._annotators) + 1
        return found

    def _plan_label(self, label: Label) -> None:
        self._new_labels.append(label)
        self._labels[label.name] = len(self._labels) + 1

    def declare(
        self,
        labels: Sequence[Label],
        annotators: Sequence[str],
        source: str,
        line: int,
        relations: Sequence[RelationType] = (),
    ) -> Problem | None:
        """Plan to add the labels, relation types and annotators a file declares that the
        database lacks."""
        for label in labels:
            if label.name in self._labels:
                continue
            try:
                check_label(label)
            except InvalidSpan as exc:
                return Problem(f"cannot add the label: {exc}", source, line)
            self._plan_label(label)
        for relation in relations:
            if relation.name in self._relations:
                continue
            try:
                check_relation_type(relation, self._labels)
            except InvalidSpan as exc:
                return Problem(f"cannot add the relation: {exc}", source, line)
            self._declared[relation.name] = relation
            self._new_relations[relation.name] = (set(relation.heads), set(relation.children))
        for name in annotators:
            problem = self._annotator_problem(name, source, line)
            if problem:
                return problem
        return None

    def _annotator_problem(self, name: str, source: str, line: int | None) -> Problem | None:
        try:
            self._who(clean_name(name))
        except InvalidSpan as exc:
            return Problem(str(exc), source, line)
        return None

    def skip(self, reason: str, count: int) -> None:
        self.summary.not_read[reason] += count

    def label_problems(self, record: ImportRecord) -> list[Problem]:
        """The record's labels the store lacks: planned for adding when asked to, otherwise
        a problem each (once per import)."""
        problems: list[Problem] = []
        for span in record.spans:
            name = span[2]
            if name in self._labels or name in self._unknown:
                continue
            if not self._add_missing:
                self._unknown.add(name)
                problems.append(
                    Problem(
                        f"unknown label {name!r} (known: {', '.join(sorted(self._known))}; "
                        "use --add-labels to add it)",
                        record.source,
                        record.line,
                    )
                )
                continue
            in_use = [*self._colors, *(new.color for new in self._new_labels)]
            label = Label(name=name, color=next_label_color(in_use))
            try:
                check_label(label)
            except InvalidSpan as exc:
                self._unknown.add(name)
                problems.append(Problem(f"cannot add the label: {exc}", record.source, record.line))
                continue
            self._plan_label(label)
        return problems + self._relation_problems(record)

    def _relation_problems(self, record: ImportRecord) -> list[Problem]:
        """A link of a relation type the schema lacks (planned for adding, joining the labels
        its links join, when asked to), or joining labels its type does not."""
        problems: list[Problem] = []
        for head, child, name, _ in record.relations:
            relation = self._relations.get(name) or self._declared.get(name)
            if relation is None and self._add_missing:
                heads, children = self._new_relations.setdefault(name, (set(), set()))
                heads.add(head[2])
                children.add(child[2])
                continue
            if relation is None:
                known = ", ".join(self._relations) or "none"
                reason = f"unknown relation {name!r} (known: {known}; use --add-labels to add it)"
            elif not relation.joins(head[2], child[2]):
                reason = f"a {name!r} link cannot go from a {head[2]!r} span to a {child[2]!r} span"
            else:
                continue
            problems.append(Problem(reason, record.source, record.line))
        return problems

    def stage(self, records: Sequence[ImportRecord]) -> None:
        """Copy checked records into the scratch database (the store is not touched)."""
        documents, spans, reviews, links = [], [], [], []
        statuses: list[tuple[int, int, str]] = []
        known, labels, who = self._documents, self._labels, self._who
        meta_json = _json_writer(self._connection)
        for record in records:
            document = record.document
            sha = document.sha256
            doc = known.get(sha)
            if doc is None:
                doc = known[sha] = len(known) + 1
                text = document.text
                meta = meta_json(document.meta)
                documents.append((doc, sha, document.title, text, len(text), document.source, meta))
            default = record.annotator or self._annotator
            wanted: dict[int, str] = {}
            for start, end, label, owner, origin in record.spans:
                person = who(owner or default)
                spans.append((doc, person, labels[label], start, end, origin))
                wanted[person] = Status.IN_PROGRESS
            for head, child, name, owner in record.relations:
                person = who(owner or default)
                head_row = (head[0], head[1], labels[head[2]])
                links.append((doc, person, name, *head_row, child[0], child[1], labels[child[2]]))
            if record.annotated:
                wanted.setdefault(who(default), Status.IN_PROGRESS)
            for name, status in record.statuses.items():
                wanted[who(name)] = status
            statuses.extend((doc, person, status) for person, status in wanted.items())
            if record.review is not None:
                for name in {n for g in record.review.gold for n in g.sources or ()}:
                    who(name)
                review = replace(record.review, notes=_owned_notes(record.review.notes, default))
                reviews.append((doc, pickle.dumps(review)))
        self.summary.documents_read += len(records)
        self._spans_staged += len(spans)
        self._text_staged += sum(row[4] for row in documents)
        self._links_staged += len(links)
        self._labels_used.update({row[2] for row in spans})
        self._write_stage(documents, spans, statuses, reviews, links)

    def _write_stage(
        self, documents: list, spans: list, statuses: list, reviews: list, links: list
    ) -> None:
        """Add rows to the scratch database's tables, in a transaction of their own."""
        with self._stage_transaction() as driver:
            driver.executemany("INSERT INTO stage.document VALUES (?, ?, ?, ?, ?, ?, ?)", documents)
            driver.executemany("INSERT INTO stage.span VALUES (?, ?, ?, ?, ?, ?)", spans)
            driver.executemany(_STAGE_STATUS, statuses)
            driver.executemany("INSERT INTO stage.review VALUES (?, ?)", reviews)
            driver.executemany(
                "INSERT INTO stage.relation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", links
            )

    @contextmanager
    def _stage_transaction(self) -> Iterator[Any]:
        """A transaction on the scratch database alone, through the driver's own cursor."""
        with self._connection.begin():
            cursor = raw_connection(self._connection).cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The store's write transaction the staged import is merged in (with ``merge``);
        the only time an import holds the write lock."""
        with bulk_merge(self._connection), writing(self.engine, self._connection) as connection:
            yield connection
        self._count_labels()

    def commit(self) -> ImportSummary:
        """Merge the staged import into the store; the summary."""
        for _ in self.commit_steps():
            pass
        return self.summary

    def commit_steps(self) -> Iterator[None]:
        """Merge the staged import into the store, one step per item, each a short write
        transaction; the documents and everything on documents the store had come in the
        last. A small import (or one adding no document) merges in one transaction."""
        small = (
            self._spans_staged + self._links_staged < STEPPED_FROM
            and self._text_staged < STEPPED_FROM_TEXT
        )
        if not self._STEPPED or small or not self._fresh_count():
            with self.transaction() as connection:
                self.merge(connection)
            yield from index_later_steps(self.engine)
            return
        with bulk_merge(self._connection):
            reservation, first, last = self._reserve()
            with holding(self._connection, reservation):
                try:
                    yield from self._copy_steps(_COPY_SPANS, self._spans_staged, "spans")
                    yield from self._copy_steps(_COPY_RELATIONS, self._links_staged, "links")
                    per_label = self._reserved_labels(first, last)
                    with writing(self.engine, self._connection) as connection:
                        self._finish(connection, reservation, first, last, per_label)
                except BaseException:
                    with writing(self.engine) as connection:
                        discard(connection, reservation)
                    raise
        self._count_labels()
        yield from index_later_steps(self.engine)

    def _fresh_count(self) -> int:
        """How many staged documents the store lacks (read without locking it)."""
        with self._connection.begin():
            return raw_connection(self._connection).execute(_COUNT_FRESH).fetchone()[0]

    def _reserve(self) -> tuple[int, int, int]:
        """Add the labels, relation types and annotators the import needs, and claim ids for
        its new documents, in one short transaction: the reservation, its first and last id."""
        with writing(self.engine, self._connection) as connection:
            driver = raw_connection(connection)
            labels, relations = set(label_ids(connection)), set(schema_of(connection).relations)
            self._map_labels(connection, driver)
            for name in self._annotators:
                require_layer(connection, name)
            present = set(
                connection.execute(
                    select(ANNOTATOR.c.name).where(ANNOTATOR.c.name.in_(list(self._annotators)))
                ).scalars()
            )
            people = [(n, annotator_id(connection, name)) for name, n in self._annotators.items()]
            driver.executemany("INSERT INTO stage.annotator VALUES (?, ?)", people)
            declared = Declared(
                labels=sorted(set(label_ids(connection)) - labels),
                relation_types=sorted(set(schema_of(connection).relations) - relations),
                annotators=sorted(set(self._annotators) - present),
            )
            count = driver.execute(_COUNT_FRESH).fetchone()[0]
            reservation, first = reserve(connection, max(count, 1), declared)
            driver.execute(_RESERVE, (first,))
        return reservation, first, first + max(count, 1) - 1

    def _copy_steps(self, statement: str, staged: int, counted: str) -> Iterator[None]:
        """Copy the staged rows of the import's new documents, a range of rows per step."""
        copy = statement.format(docs="stage.fresh", where=_IN_RANGE)
        pace, done = Pace(size=FIRST_STEP_ROWS, least=min(FIRST_STEP_ROWS, 1000)), 0
        while done < staged:
            size = pace.start()
            with writing(self.engine, self._connection) as connection:
                stamp = _stamp(connection)
                stamps = (stamp, stamp) if counted == "spans" else (stamp,)
                added = raw_connection(connection).execute(copy, (*stamps, done, done + size))
                self._fresh_added[counted] += added.rowcount
            done += size
            pace.done(size)
            yield

    def _reserved_labels(self, first: int, last: int) -> Counter:
        """Spans copied onto the reserved documents, per label id (read without locking)."""
        with reading(self.engine) as connection:
            rows = connection.execute(
                select(SPAN.c.label_id, func.count())
                .where(SPAN.c.document_id.between(first, last))
                .group_by(SPAN.c.label_id)
            )
            return Counter(dict(rows.all()))

    def _finish(
        self, connection: Connection, reservation: int, first: int, last: int, per_label: Counter
    ) -> None:
        """The last transaction: the new documents, everything on documents already stored
        (or stored meanwhile by someone else), statuses and reviews; the claim released."""
        summary, driver, stamp = self.summary, raw_connection(connection), _stamp(connection)
        self._refuse_gone(driver)
        for staged, main in driver.execute(_TAKEN_MEANWHILE).fetchall():
            per_label -= Counter(
                dict(
                    driver.execute(
                        "SELECT label_id, count(*) FROM main.span WHERE document_id = ? "
                        "GROUP BY label_id",
                        (main,),
                    ).fetchall()
                )
            )
            for table in ("relation", "span"):
                gone = driver.execute(f"DELETE FROM main.{table} WHERE document_id = ?", (main,))
                self._fresh_added["spans" if table == "span" else "links"] -= gone.rowcount
            driver.execute("DELETE FROM stage.fresh WHERE id = ?", (staged,))
        summary.documents_added = driver.execute(_ADD_FRESH_DOCUMENTS, (stamp,)).rowcount
        summary.documents_existing = summary.documents_read - summary.documents_added
        index_later(connection, first, last)
        driver.execute(_MAP_DOCUMENTS)
        last_span = _last_id(connection, SPAN)
        spans = driver.execute(
            _COPY_SPANS.format(docs="stage.docmap", where=_NOT_FRESH), (stamp, stamp)
        )
        self._span_ids = (last_span, last_span + spans.rowcount)
        summary.spans_added = self._fresh_added["spans"] + spans.rowcount
        summary.spans_existing = self._spans_staged - summary.spans_added
        links = driver.execute(
            _COPY_RELATIONS.format(docs="stage.docmap", where=_NOT_FRESH), (stamp,)
        )
        summary.links_added = self._fresh_added["links"] + links.rowcount
        summary.links_existing = self._links_staged - summary.links_added
        names = {n: name for name, n in label_ids(connection).items()}
        summary.spans_per_label.update({names[n]: count for n, count in per_label.items()})
        advanced = _column(driver, _ADVANCING_STATUSES)
        driver.execute(_ADD_STATUSES, (stamp,))
        added = _column(driver, "SELECT main FROM stage.fresh")
        touched = added | _column(
            driver, "SELECT m.main FROM stage.status s JOIN stage.docmap m ON m.id = s.document"
        )
        reviewed = self._merge_reviews(connection, driver, touched)
        summary.change = self._change(touched, advanced | reviewed)
        release(connection, reservation)

    def merge(self, connection: Connection) -> None:
        """Copy the staged import into the store in the caller's write transaction."""
        summary = self.summary
        driver = raw_connection(connection)
        stamp = _stamp(connection)
        self._map_labels(connection, driver)
        for name in self._annotators:
            require_layer(connection, name)
        people = [(n, annotator_id(connection, name)) for name, n in self._annotators.items()]
        driver.executemany("INSERT INTO stage.annotator VALUES (?, ?)", people)
        last_document = _last_id(connection, DOCUMENT)
        summary.documents_added = driver.execute(_ADD_DOCUMENTS, (stamp,)).rowcount
        summary.documents_existing = summary.documents_read - summary.documents_added
        driver.execute(_MAP_DOCUMENTS)
        last_span = _last_id(connection, SPAN)
        summary.spans_added = driver.execute(_ADD_SPANS, (stamp, stamp)).rowcount
        summary.spans_existing = self._spans_staged - summary.spans_added
        self._span_ids = (last_span, last_span + summary.spans_added)
        summary.links_added = driver.execute(_ADD_RELATIONS, (stamp,)).rowcount
        summary.links_existing = self._links_staged - summary.links_added
        advanced = _column(driver, _ADVANCING_STATUSES)
        driver.execute(_ADD_STATUSES, (stamp,))
        added = _column(driver, "SELECT id FROM main.document WHERE id > ?", last_document)
        touched = added | _column(
            driver, "SELECT m.main FROM stage.status s JOIN stage.docmap m ON m.id = s.document"
        )
        reviewed = self._merge_reviews(connection, driver, touched)
        summary.change = self._change(touched, advanced | reviewed)

    def _refuse_gone(self, driver: Any) -> None:
        """Refuse to finish when a label or annotator the copied rows use was deleted after
        the import mapped it (deleting one in use is refused, but not before the first step
        has used it)."""
        problems: list[Problem] = []
        for kind, numbers in (("label", self._labels), ("annotator", self._annotators)):
            gone = _column(driver, _GONE.format(kind))
            problems.extend(
                Problem(f"the {kind} {name!r} was deleted while the import ran")
                for name, n in numbers.items()
                if n in gone
            )
        if problems:
            raise InputError(problems)

    def _change(self, touched: set[int], statuses: set[int]) -> Change:
        """What the merge changed: the documents it added or touched, the statuses it moved."""
        return Change(
            documents=frozenset(touched),
            statuses=frozenset(statuses),
            labels=bool(self.summary.labels_added),
            annotators=bool(self._annotators),
            document_list=bool(touched),
        )

    def _map_labels(self, connection: Connection, driver: Any) -> None:
        """Add the planned labels the store still lacks; map every staged label to its id."""
        ids = label_ids(connection)
        for label in self._new_labels:
            if label.name in ids:
                continue
            if label.hotkey in self._hotkeys:
                label = Label(label.name, label.color, "", label.guideline)
            add_label_rows(connection, [label])
            self._hotkeys.add(label.hotkey)
            self.summary.labels_added.append(label.name)
        self._add_relation_types(connection)
        ids = label_ids(connection)
        used = {name: n for name, n in self._labels.items() if n in self._labels_used}
        gone = sorted(set(used) - set(ids))
        if gone:
            raise InputError(
                [Problem(f"the label {name!r} was deleted while the import ran") for name in gone]
            )
        driver.executemany(self._STAGE_LABEL, [(n, ids[name]) for name, n in used.items()])

    def _add_relation_types(self, connection: Connection) -> None:
        """Add the planned relation types the store still lacks, after the labels they join."""
        present = set(schema_of(connection).relations)
        for name, (heads, children) in self._new_relations.items():
            if name not in present:
                relation = self._declared.get(name) or RelationType(
                    name, tuple(sorted(heads)), tuple(sorted(children))
                )
                add_relation_type_rows(connection, [relation])
                self.summary.labels_added.append(f"{name} (relation)")

    def _merge_reviews(self, connection: Connection, driver: Any, touched: set[int]) -> set[int]:
        """Gold spans, notes, decisions and review status, after the spans they may refer
        to; what is already there is kept, so importing the same file twice changes nothing.
        Returns the documents whose review status changed."""
        reviewed = set()
        rows = driver.execute(self._STAGED_REVIEWS).fetchall()
        for doc_id, blob in rows:
            review = pickle.loads(blob)
            if review.gold and store_gold(connection, doc_id, review.gold).added:
                touched.add(doc_id)
            for author, text, span, created in review.notes:
                if store_note(connection, doc_id, author, text, span, created):
                    touched.add(doc_id)
            for at in review.decisions:
                if record_decision(connection, doc_id, at):
                    touched.add(doc_id)
            if review.reviewed and not is_reviewed(connection, doc_id):
                write_reviewed(connection, doc_id)
                reviewed.add(doc_id)
        return reviewed

    def _count_labels(self) -> None:
        """Spans added per label: the rows the merge added, counted after its commit."""
        first, last = self._span_ids
        if last <= first:
            return
        with reading(self.engine) as connection:
            rows = connection.execute(
                select(LABEL.c.name, func.count())
                .select_from(SPAN.join(LABEL, LABEL.c.id == SPAN.c.label_id))
                .where((SPAN.c.id > first) & (SPAN.c.id <= last))
                .group_by(LABEL.c.name)
            )
            self.summary.spans_per_label.update(dict(rows.all()))


def _column(driver: Any, query: str, *parameters: Any) -> set:
    return {row[0] for row in driver.execute(query, parameters)}


def _last_id(connection: Connection, table) -> int:
    return connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


def _stamp(connection: Connection) -> Any:
    """Now, as the driver stores the tables' timestamps."""
    now = utcnow()
    process = SPAN.c.created.type.dialect_impl(connection.dialect).bind_processor(
        connection.dialect
    )
    return process(now) if process else now


def _json_writer(connection: Connection):
    """How the driver stores a JSON column's value."""
    process = DOCUMENT.c.meta.type.dialect_impl(connection.dialect).bind_processor(
        connection.dialect
    )
    return process or (lambda value: value)


@contextmanager
def import_writer(
    engine: Engine, annotator: str, add_missing_labels: bool = False
) -> Iterator[ImportWriter]:
    """An ``ImportWriter`` staging into a scratch database for the block; leaving the block
    without committing throws the staged import away."""
    if postgres.is_postgres(engine):
        from annotator.store.pg_importing import pg_import_writer

        with pg_import_writer(engine, annotator, add_missing_labels) as writer:
            yield writer
        return
    with engine.connect() as connection, scratch_database(connection, STAGE):
        driver = raw_connection(connection)
        for statement in _STAGE_TABLES:
            driver.execute(statement)
        yield ImportWriter(engine, connection, annotator, add_missing_labels)


def _owned_notes(notes: Sequence[tuple], default: str) -> list[tuple]:
    """Notes whose author, or whose span's annotator, the file does not say (brat) belong
    to the record's annotator."""
    return [
        (
            author or default,
            text,
            span if span is None or span[3] is not None else (*span[:3], default),
            created,
        )
        for author, text, span, created in notes
    ]
