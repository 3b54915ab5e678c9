"""Importing files: read and validate everything first, then write it all in one transaction.

An import is all or nothing: any problem (a bad line, an unknown label, a locked database)
leaves the database exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import InputError, Problem
from annotator.formats.records import Record
from annotator.formats.registry import Format, formats_for_suffix, get_format, readable_suffixes
from annotator.store.annotators import annotator_id
from annotator.store.changes import Change
from annotator.store.documents import insert_documents
from annotator.store.engine import writing
from annotator.store.labels import add_labels, label_ids, schema_of
from annotator.store.spans import insert_span_rows
from annotator.store.status import mark_started
from annotator.store.tables import SPAN

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
    return candidates[0]


def read_records(
    paths: Iterable[str | Path], format_name: str | None = None
) -> Iterator[Record | Problem]:
    """Every record and problem in ``paths``, file after file."""
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
        else:
            records.append(item)
    return records, problems


def _check_labels(connection: Connection, records: list[Record], add_missing: bool) -> list[str]:
    known = set(schema_of(connection).names)
    unknown: dict[str, Record] = {}
    for record in records:
        for span in record.spans:
            if span.label not in known:
                unknown.setdefault(span.label, record)
    if unknown and not add_missing:
        raise InputError(
            [
                Problem(
                    f"unknown label {label!r} (known: {', '.join(sorted(known))}; "
                    "use --add-labels to add it)",
                    record.source,
                    record.line,
                )
                for label, record in unknown.items()
            ]
        )
    names = sorted(unknown)
    if names:
        add_labels(connection, names, NEW_LABEL_COLOURS)
    return names


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
    connection: Connection, records: list[Record], annotator: str, add_missing_labels: bool = False
) -> ImportSummary:
    """Write validated records in the caller's transaction; spans already present are skipped."""
    summary = ImportSummary(documents_read=len(records))
    summary.labels_added = _check_labels(connection, records, add_missing_labels)
    added = insert_documents(connection, [r.document for r in records])
    summary.documents_added, summary.documents_existing = added.added, added.existing
    labels = label_ids(connection)
    annotator_ids: dict[str, int] = {}
    existing = _existing_span_keys(
        connection, {i for i, r in zip(added.ids, records, strict=True) if r.spans}
    )
    rows = []
    started: set[tuple[int, int]] = set()
    for doc_id, record in zip(added.ids, records, strict=True):
        name = record.annotator or annotator
        if record.spans and name not in annotator_ids:
            annotator_ids[name] = annotator_id(connection, name)
        for span in record.spans:
            key = (doc_id, annotator_ids[name], labels[span.label], span.start, span.end)
            if key in existing:
                summary.spans_existing += 1
                continue
            existing.add(key)
            rows.append(
                dict(
                    zip(
                        ("document_id", "annotator_id", "label_id", "start", "end"),
                        key,
                        strict=True,
                    ),
                    origin=span.origin,
                )
            )
            summary.spans_per_label[span.label] += 1
            started.add((doc_id, annotator_ids[name]))
    insert_span_rows(connection, rows)
    for doc_id, who in started:
        mark_started(connection, doc_id, who)
    summary.spans_added = len(rows)
    touched = frozenset(doc for doc, _ in started) | added.change.documents
    summary.change = Change(
        documents=touched,
        statuses=frozenset(doc for doc, _ in started),
        labels=bool(summary.labels_added),
        annotators=bool(annotator_ids),
        document_list=bool(touched),
    )
    return summary


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    annotator: str,
    format_name: str | None = None,
    add_missing_labels: bool = False,
) -> ImportSummary:
    """Import files and folders all or nothing; raises ``InputError`` listing the problems."""
    paths = list(paths)
    records, problems = collect(paths, format_name)
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem("nothing to import", ", ".join(map(str, paths)) or None)])
    with writing(engine) as connection:
        summary = write_records(connection, records, annotator, add_missing_labels)
    summary.files = len({r.source for r in records})
    return summary
