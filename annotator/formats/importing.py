"""Importing files: read and validate everything first, then write it all in one transaction.

An import is all or nothing: any problem (a bad line, an unknown label, a locked database)
leaves the database exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InputError, InvalidSpan, Problem
from annotator.core.labels import Label, check_label
from annotator.formats.exporting import Progress, run_steps
from annotator.formats.records import Declaration, Record
from annotator.formats.registry import Format, formats_for_suffix, get_format, readable_suffixes
from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.documents import insert_documents
from annotator.store.engine import writing
from annotator.store.labels import add_label_rows, label_ids, schema_of
from annotator.store.spans import insert_span_tuples
from annotator.store.status import Status, advance_statuses
from annotator.store.tables import SPAN

KEEP_SPANS = 200_000
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
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    value = orjson.loads(raw)
                    return value if isinstance(value, dict) else None
    except (OSError, orjson.JSONDecodeError):
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
    paths: Iterable[str | Path], format_name: str | None = None
) -> Iterator[Record | Declaration | Problem]:
    """Every record, declaration and problem in ``paths``, file after file."""
    files, problems = expand_paths(paths)
    yield from problems
    for path in files:
        fmt = choose_format(path, format_name)
        if isinstance(fmt, Problem):
            yield fmt
        else:
            yield from fmt.reader(path)


def collect(
    paths: Iterable[str | Path], format_name: str | None = None, max_problems: int = 50
) -> tuple[list[Record], list[Problem]]:
    records: list[Record] = []
    problems: list[Problem] = []
    for item in read_records(paths, format_name):
        if isinstance(item, Problem):
            problems.append(item)
            if len(problems) >= max_problems:
                break
        elif isinstance(item, Record):
            records.append(item)
    return records, problems


@dataclass(slots=True)
class Checked:
    """What the checking pass found: records (kept while small), labels used, declarations."""

    records: list[Record] | None = field(default_factory=list)
    count: int = 0
    labels: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    declarations: list[Declaration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _label_problems(
    connection: Connection, checked: Checked, add_missing: bool
) -> tuple[list[Label], list[Problem]]:
    """Labels to add (declared by the files, or used with ``add_missing``) and what is wrong."""
    known = set(schema_of(connection).names)
    declared = {lab.name: lab for d in checked.declarations for lab in d.labels}
    hotkeys = {lab.hotkey for lab in schema_of(connection) if lab.hotkey}
    to_add: list[Label] = []
    problems: list[Problem] = []
    names = [n for n in declared if n not in known]
    names += sorted(n for n in checked.labels if n not in known and n not in declared)
    for offset, name in enumerate(names):
        source, line = checked.labels.get(name, (None, None))
        if name in declared:
            label = declared[name]
            if label.hotkey in hotkeys:
                label = Label(label.name, label.color, "", label.guideline)
            hotkeys.add(label.hotkey)
        elif add_missing:
            label = Label(name=name, color=NEW_LABEL_COLOURS[offset % len(NEW_LABEL_COLOURS)])
        else:
            problems.append(
                Problem(
                    f"unknown label {name!r} (known: {', '.join(sorted(known))}; "
                    "use --add-labels to add it)",
                    source,
                    line,
                )
            )
            continue
        try:
            check_label(label)
        except InvalidSpan as exc:
            problems.append(Problem(f"cannot add the label: {exc}", source, line))
            continue
        to_add.append(label)
    return to_add, problems


def _write_chunk(
    connection: Connection,
    records: list[Record],
    annotator: str,
    state: _WriteState,
) -> None:
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
    for doc_id, record in zip(added.ids, records, strict=True):
        given = {(doc_id, state.who(connection, name)): s for name, s in record.statuses.items()}
        for start, end, label, who_name, origin in record.spans:
            who = state.who(connection, who_name or record.annotator or annotator)
            key = (doc_id, who, state.labels[label], start, end)
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


@dataclass(slots=True)
class _WriteState:
    summary: ImportSummary
    labels: dict[str, int]
    annotators: dict[str, int] = field(default_factory=dict)
    documents: set[int] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)

    def who(self, connection: Connection, name: str) -> int:
        found = self.annotators.get(name)
        if found is None:
            found = self.annotators[name] = annotator_id(connection, name)
        return found


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


def _chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_records(
    connection: Connection,
    records: Iterable[Record],
    annotator: str,
    add_missing_labels: bool = False,
    declarations: Iterable[Declaration] = (),
) -> ImportSummary:
    """Write validated records in the caller's transaction; spans already present are skipped."""
    return run_steps(
        _write_steps(connection, records, annotator, add_missing_labels, list(declarations))
    )


def _write_steps(
    connection: Connection,
    records: Iterable[Record],
    annotator: str,
    add_missing_labels: bool,
    declarations: list[Declaration],
    checked: Checked | None = None,
    every: int = 200,
) -> Generator[int, None, ImportSummary]:
    """Write records chunk by chunk, yielding how many are written after each chunk."""
    if checked is None:
        records = list(records)
        checked = Checked(records=records, count=len(records), declarations=declarations)
        for record in records:
            for span in record.spans:
                checked.labels.setdefault(span.label, (record.source, record.line))
    to_add, problems = _label_problems(connection, checked, add_missing_labels)
    if problems:
        raise InputError(problems)
    add_label_rows(connection, to_add)
    summary = ImportSummary(documents_read=checked.count, labels_added=[lab.name for lab in to_add])
    state = _WriteState(summary=summary, labels=label_ids(connection))
    for declaration in checked.declarations:
        for name in declaration.annotators:
            state.who(connection, name)
    done = 0
    for chunk in _chunks(records, every):
        _write_chunk(connection, chunk, annotator, state)
        done += len(chunk)
        yield done
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


def check(
    paths: list[str | Path], format_name: str | None, max_problems: int = 50
) -> Generator[int, None, Checked]:
    """The checking pass: read everything, keep what the writing pass needs, and the first
    ``max_problems`` problems. Records are kept while their spans stay under ``KEEP_SPANS``;
    beyond that the writing pass reads the files again, so memory stays bounded."""
    checked = Checked()
    kept_spans = 0
    labels = checked.labels
    for item in read_records(paths, format_name):
        if isinstance(item, Problem):
            checked.problems.append(item)
            if len(checked.problems) >= max_problems:
                break
            continue
        if isinstance(item, Declaration):
            checked.declarations.append(item)
            continue
        checked.count += 1
        for span in item.spans:
            if span.label not in labels:
                labels[span.label] = (item.source, item.line)
        if checked.records is not None:
            checked.records.append(item)
            kept_spans += len(item.spans) + 1
            if kept_spans > KEEP_SPANS:
                checked.records = None
        if checked.count % 200 == 0:
            yield checked.count
    return checked


def _reread(paths: list[str | Path], format_name: str | None) -> Iterator[Record]:
    for item in read_records(paths, format_name):
        if isinstance(item, Problem):
            raise InputError(
                [
                    Problem(
                        f"the file changed during the import: {item.reason}", item.source, item.line
                    )
                ]
            )
        if isinstance(item, Record):
            yield item


def import_steps(
    engine: Engine,
    paths: Iterable[str | Path],
    annotator: str,
    format_name: str | None = None,
    add_missing_labels: bool = False,
) -> Generator[Progress, None, ImportSummary]:
    """Import files and folders all or nothing, yielding progress (lines checked, then
    written, out of twice the line count). Raises ``InputError`` listing the problems;
    closing the generator before its end rolls everything back."""
    paths = list(paths)
    files, _ = expand_paths(paths)
    total = 2 * _count_lines(files)
    yield Progress(0, total)
    checking = check(paths, format_name)
    while True:
        try:
            count = next(checking)
        except StopIteration as stop:
            checked: Checked = stop.value
            break
        yield Progress(count, total)
    if checked.problems:
        raise InputError(checked.problems)
    if not checked.count:
        raise InputError([Problem("nothing to import", ", ".join(map(str, paths)) or None)])
    records = checked.records if checked.records is not None else _reread(paths, format_name)
    with writing(engine) as connection:
        writing_steps = _write_steps(
            connection, records, annotator, add_missing_labels, [], checked=checked
        )
        while True:
            try:
                done = next(writing_steps)
            except StopIteration as stop:
                summary: ImportSummary = stop.value
                break
            yield Progress(total // 2 + done, total)
    summary.files = len(files)
    return summary


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    annotator: str,
    format_name: str | None = None,
    add_missing_labels: bool = False,
) -> ImportSummary:
    """Import files and folders all or nothing; raises ``InputError`` listing the problems."""
    return run_steps(import_steps(engine, paths, annotator, format_name, add_missing_labels))
