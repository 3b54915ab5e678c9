"""Importing files: read and validate everything first, then write it all in one transaction.

An import is all or nothing: any problem (a bad line, an unknown label, a locked database)
leaves the database exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InputError, InvalidSpan, Problem
from annotator.core.labels import Label, check_label, normalise_label
from annotator.formats.exporting import Progress, run_steps
from annotator.formats.jsondoc import first_element
from annotator.formats.records import Declaration, ReadOptions, ReadReview, Record, Skipped
from annotator.formats.registry import Format, formats_for_suffix, get_format, readable_suffixes
from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.documents import insert_documents
from annotator.store.engine import writing
from annotator.store.labels import add_label_rows, label_ids, schema_of
from annotator.store.notes import store_note
from annotator.store.review import is_reviewed, store_gold, write_reviewed
from annotator.store.spans import insert_span_tuples
from annotator.store.status import Status, advance_statuses
from annotator.store.tables import SPAN

KEEP_SPANS = 200_000
R = TypeVar("R")
Item = Record | Declaration | Problem | Skipped
NEW_LABEL_COLOURS = ["#8c6bb1", "#e7298a", "#66a61e", "#a6761d", "#1b9e77", "#7570b3"]


@dataclass(slots=True)
class ImportSummary:
    files: int = 0
    documents_read: int = 0
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
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
        if self.labels_added:
            out.append(f"labels added: {', '.join(self.labels_added)}")
        out.extend(f"not read: {n} {reason}" for reason, n in sorted(self.not_read.items()))
        return out


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files to read: each file as given, each folder's importable files (recursively, sorted)."""
    files: list[Path] = []
    problems: list[Problem] = []
    suffixes = readable_suffixes()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
            )
            if not found:
                listed = ", ".join(sorted(suffixes))
                problems.append(
                    Problem(f"the folder holds no importable files ({listed})", str(path))
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem("no such file or folder", str(path)))
    return files, problems


def _first_object(path: Path) -> dict | None:
    """The first line's JSON object; for a file that is one JSON document (a Label Studio
    export), the first object it holds."""
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    value = orjson.loads(raw)
                    return value if isinstance(value, dict) else first_element(path)
    except orjson.JSONDecodeError:
        return first_element(path)
    except OSError:
        return None
    return None


def choose_format(path: Path, name: str | None = None) -> Format | Problem:
    """The format to read ``path`` with: the one named, or the one its suffix and first line fit."""
    if name:
        try:
            return get_format(name)
        except KeyError:
            return Problem(f"unknown format {name!r}", str(path))
    candidates = formats_for_suffix(path.suffix.lower())
    if not candidates:
        known = ", ".join(sorted(readable_suffixes()))
        return Problem(
            f"cannot import files ending in {path.suffix or '(nothing)'!r} (known: {known})",
            str(path),
        )
    if len(candidates) > 1:
        first = _first_object(path)
        if first is not None:
            for fmt in candidates:
                if fmt.sniff and fmt.sniff(first):
                    return fmt
    return next((fmt for fmt in candidates if fmt.name == "spans"), candidates[0])


def read_records(
    paths: Iterable[str | Path],
    format_name: str | None = None,
    options: ReadOptions | None = None,
) -> Iterator[Item]:
    """Every record, declaration, problem and skipped count in ``paths``, file after file,
    with the labels renamed as ``options.label_map`` says."""
    options = options or ReadOptions()
    label_map = {
        normalise_label(old): None if new is None else normalise_label(new)
        for old, new in options.label_map.items()
    }
    files, problems = expand_paths(paths)
    yield from problems
    read_as = set()
    for path in files:
        fmt = choose_format(path, format_name)
        if isinstance(fmt, Problem):
            yield fmt
            continue
        read_as.add(fmt.name)
        items = fmt.reader(path, options)
        if label_map:
            items = _mapped(items, label_map)
        yield from items
    if files and (options.text_field or options.predictions) and "labelstudio" not in read_as:
        yield Problem("--text-field and --predictions apply to Label Studio files; none was read")


def _mapped(items: Iterable[Item], label_map: dict[str, str | None]) -> Iterator[Item]:
    """``items`` with each span's label renamed; a label mapped to ``None`` drops its spans,
    counted as skipped."""
    for item in items:
        if not isinstance(item, Record) or not any(s.label in label_map for s in item.spans):
            yield item
            continue
        kept = []
        for span in item.spans:
            new = label_map.get(span.label, span.label)
            if new is None:
                yield Skipped(f"{span.label} spans (mapped to nothing)")
            else:
                kept.append(span._replace(label=new))
        yield replace(item, spans=kept)


def _write_chunk(connection: Connection, records: list[Record], state: _WriteState) -> None:
    """Write one chunk of validated records in the caller's transaction."""
    summary = state.summary
    added = insert_documents(connection, [r.document for r in records])
    summary.documents_added += added.added
    summary.documents_existing += added.existing
    state.documents.update(added.change.documents)
    fresh = added.change.documents
    existing = _existing_span_keys(
        connection, {i for i, r in zip(added.ids, records, strict=True) if r.spans} - fresh
    )
    rows = []
    wanted: dict[tuple[int, int], str] = {}
    per_label = summary.spans_per_label
    labels = state.labels
    for doc_id, record in zip(added.ids, records, strict=True):
        given = {(doc_id, state.who(connection, name)): s for name, s in record.statuses.items()}
        default = record.annotator or state.annotator
        for start, end, label, who_name, origin in record.spans:
            who = state.who(connection, who_name or default)
            key = (doc_id, who, labels[label], start, end)
            if key in existing:
                summary.spans_existing += 1
                continue
            existing.add(key)
            rows.append((*key, origin))
            per_label[label] += 1
            if (doc_id, who) not in given:
                wanted[(doc_id, who)] = Status.IN_PROGRESS
        wanted.update(given)
    summary.spans_added += insert_span_tuples(connection, rows)
    state.documents.update(doc for doc, _ in wanted)
    state.statuses.update(advance_statuses(connection, wanted))
    for doc_id, record in zip(added.ids, records, strict=True):
        if record.review is not None:
            _write_review(connection, doc_id, record.review, state)


def _write_review(
    connection: Connection, doc_id: int, review: ReadReview, state: _WriteState
) -> None:
    """Gold spans (provenance as recorded), notes and review status; what is already there
    is kept, so importing the same file twice changes nothing."""
    for name in {n for g in review.gold for n in g.sources or ()}:
        state.who(connection, name)
    if review.gold and store_gold(connection, doc_id, review.gold).added:
        state.documents.add(doc_id)
    for author, text, span, created in review.notes:
        if store_note(connection, doc_id, author, text, span, created):
            state.documents.add(doc_id)
    if review.reviewed and not is_reviewed(connection, doc_id):
        write_reviewed(connection, doc_id)
        state.statuses.add(doc_id)


@dataclass(slots=True)
class _WriteState:
    summary: ImportSummary
    labels: dict[str, int]
    annotator: str
    add_missing: bool
    known: set[str]
    annotators: dict[str, int] = field(default_factory=dict)
    documents: set[int] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    hotkeys: set[str] = field(default_factory=set)

    def who(self, connection: Connection, name: str) -> int:
        found = self.annotators.get(name)
        if found is None:
            found = self.annotators[name] = annotator_id(connection, name)
        return found

    def add_label(self, connection: Connection, label: Label) -> None:
        if label.hotkey in self.hotkeys:
            label = Label(label.name, label.color, "", label.guideline)
        add_label_rows(connection, [label])
        self.hotkeys.add(label.hotkey)
        self.labels[label.name] = label_ids(connection)[label.name]
        self.summary.labels_added.append(label.name)

    def declare(self, connection: Connection, declaration: Declaration) -> Problem | None:
        """Add the labels and annotators a file declares that the database lacks."""
        for label in declaration.labels:
            if label.name in self.labels:
                continue
            try:
                check_label(label)
            except InvalidSpan as exc:
                return Problem(f"cannot add the label: {exc}", declaration.source, declaration.line)
            self.add_label(connection, label)
        for name in declaration.annotators:
            self.who(connection, name)
        return None

    def unknown_label(self, connection: Connection, name: str, record: Record) -> Problem | None:
        """Add label ``name`` when asked to; otherwise the problem of it being unknown."""
        if not self.add_missing:
            return Problem(
                f"unknown label {name!r} (known: {', '.join(sorted(self.known))}; "
                "use --add-labels to add it)",
                record.source,
                record.line,
            )
        colour = NEW_LABEL_COLOURS[len(self.summary.labels_added) % len(NEW_LABEL_COLOURS)]
        label = Label(name=name, color=colour)
        try:
            check_label(label)
        except InvalidSpan as exc:
            return Problem(f"cannot add the label: {exc}", record.source, record.line)
        self.add_label(connection, label)
        return None


def _existing_span_keys(connection: Connection, document_ids: set[int]) -> set[tuple]:
    keys: set[tuple] = set()
    ids = sorted(document_ids)
    for i in range(0, len(ids), 500):
        rows = connection.execute(
            select(
                SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.label_id, SPAN.c.start, SPAN.c.end
            ).where(SPAN.c.document_id.in_(ids[i : i + 500]))
        )
        keys.update(tuple(row) for row in rows)
    return keys


def write_records(
    connection: Connection,
    records: Iterable[Item],
    annotator: str,
    add_missing_labels: bool = False,
) -> ImportSummary:
    """Write records in the caller's transaction; spans already present are skipped.

    Raises ``InputError`` (the caller's transaction then rolls back) on any problem."""
    return run_steps(write_steps(connection, records, annotator, add_missing_labels))


def write_steps(
    connection: Connection,
    items: Iterable[Item],
    annotator: str,
    add_missing_labels: bool = False,
    every: int = 200,
    max_problems: int = 50,
) -> Generator[int, None, ImportSummary]:
    """Check and write ``items`` chunk by chunk, yielding how many records are done.

    Once a problem turns up nothing more is written, but reading goes on to list up to
    ``max_problems``; then ``InputError`` is raised for the caller to roll back.
    """
    schema = schema_of(connection)
    state = _WriteState(
        summary=ImportSummary(),
        labels=label_ids(connection),
        annotator=annotator,
        add_missing=add_missing_labels,
        known=set(schema.names),
        hotkeys={label.hotkey for label in schema if label.hotkey},
    )
    problems: list[Problem] = []
    chunk: list[Record] = []
    count = 0
    for item in items:
        if isinstance(item, Declaration):
            item = state.declare(connection, item) or item
        if isinstance(item, Problem):
            problems.append(item)
            if len(problems) >= max_problems:
                break
            continue
        if isinstance(item, Declaration):
            continue
        if isinstance(item, Skipped):
            state.summary.not_read[item.reason] += item.count
            continue
        count += 1
        for span in item.spans:
            if span.label not in state.labels:
                problem = state.unknown_label(connection, span.label, item)
                if problem:
                    problems.append(problem)
                    state.labels[span.label] = -1
        if problems:
            continue
        chunk.append(item)
        if len(chunk) >= every:
            _write_chunk(connection, chunk, state)
            chunk = []
            yield count
    if problems:
        raise InputError(problems)
    if chunk:
        _write_chunk(connection, chunk, state)
    summary = state.summary
    summary.documents_read = count
    summary.change = Change(
        documents=frozenset(state.documents),
        statuses=frozenset(state.statuses),
        labels=bool(summary.labels_added),
        annotators=bool(state.annotators),
        document_list=bool(state.documents),
    )
    return summary


def _count_lines(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    total += block.count(b"\n")
        except OSError:
            continue
        total += 1
    return total


@dataclass(slots=True)
class Checked:
    """What the checking pass read: every item if the files are small, else the first ones
    and the reader, positioned after them, for the writing pass to go on with."""

    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rest: Iterator[Item] | None = None

    def all_items(self) -> Iterator[Item]:
        yield from self.items
        if self.rest is not None:
            yield from self.rest


def check(
    paths: list[str | Path],
    format_name: str | None,
    options: ReadOptions | None = None,
    max_problems: int = 50,
) -> Generator[int, None, Checked]:
    """The checking pass, before the database is touched: read and validate the files.

    Files holding up to ``KEEP_SPANS`` spans are read whole, so any problem in them is
    found before a write begins. Bigger files are read that far; the writing pass goes on
    from there in its transaction, which rolls back if a later line has a problem. Either
    way memory stays bounded and each line is parsed once.
    """
    checked = Checked()
    items = read_records(paths, format_name, options)
    kept = 0
    for item in items:
        if isinstance(item, Problem):
            checked.problems.append(item)
            if len(checked.problems) >= max_problems:
                break
            continue
        checked.items.append(item)
        if isinstance(item, Record):
            kept += len(item.spans) + 1
            if kept > KEEP_SPANS:
                checked.rest = items
                break
            if len(checked.items) % 200 == 0:
                yield len(checked.items)
    return checked


def _relay(
    steps: Generator[int, None, R], progress: Callable[[int], Progress]
) -> Generator[Progress, None, R]:
    """Pass on ``steps``, each count turned into ``Progress``; return its result."""
    while True:
        try:
            count = next(steps)
        except StopIteration as stop:
            return stop.value
        yield progress(count)


def import_steps(
    engine: Engine,
    paths: Iterable[str | Path],
    annotator: str,
    format_name: str | None = None,
    add_missing_labels: bool = False,
    options: ReadOptions | None = None,
) -> Generator[Progress, None, ImportSummary]:
    """Import files and folders all or nothing, yielding progress (records read, out of
    the line count). Raises ``InputError`` listing the problems; closing the generator
    before its end rolls everything back."""
    paths = list(paths)
    files, _ = expand_paths(paths)
    total = _count_lines(files)
    yield Progress(0, total)
    shown = [0]

    def position(value: int) -> Progress:
        shown[0] = max(shown[0], value)
        return Progress(shown[0], total)

    checked = yield from _relay(check(paths, format_name, options), lambda n: position(n // 2))
    if checked.problems:
        raise InputError(checked.problems)
    if not any(isinstance(item, Record) for item in checked.items):
        raise InputError([Problem("nothing to import", ", ".join(map(str, paths)) or None)])
    kept = len(checked.items)
    with writing(engine) as connection:
        steps = write_steps(connection, checked.all_items(), annotator, add_missing_labels)
        summary = yield from _relay(
            steps, lambda n: position(n if checked.rest else (kept + n) // 2)
        )
    summary.files = len(files)
    return summary


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    annotator: str,
    format_name: str | None = None,
    add_missing_labels: bool = False,
    options: ReadOptions | None = None,
) -> ImportSummary:
    """Import files and folders all or nothing; raises ``InputError`` listing the problems."""
    steps = import_steps(engine, paths, annotator, format_name, add_missing_labels, options)
    return run_steps(steps)
