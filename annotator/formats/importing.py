"""Importing files: read and check everything, stage it, then merge it in one transaction.

This module reads and checks; ``annotator.store.importing`` stages and merges. An import is
all or nothing: any problem (a bad line, an unknown label, a locked database) leaves the
database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import orjson
from sqlalchemy.engine import Engine

from annotator.core.errors import InputError, Problem
from annotator.core.labels import normalise_label
from annotator.formats import brat
from annotator.formats.exporting import Progress, run_steps
from annotator.formats.jsondoc import first_element
from annotator.formats.records import Declaration, ReadOptions, Record, Skipped
from annotator.formats.registry import Format, formats_for_suffix, get_format, readable_suffixes
from annotator.store.importing import ImportSummary, ImportWriter, import_writer

__all__ = ["ImportSummary", "import_paths", "import_steps", "read_records", "stage_steps"]

KEEP_SPANS = 200_000
R = TypeVar("R")
Item = Record | Declaration | Problem | Skipped


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
    return _brat_pairs_once(files), problems


def _brat_pairs_once(files: list[Path]) -> list[Path]:
    """``files`` without the ``.txt`` of a brat pair whose ``.ann`` is listed too: that
    pair is read once, and its text is never also a plain article."""
    listed = set(files)
    return [p for p in files if not (brat.has_annotations(p) and brat.pair_of(p)[1] in listed)]


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
    if brat.has_annotations(path):
        return get_format("brat")
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
        if fmt.reader is None:
            yield Problem(f"format {fmt.name!r} is written by exports, not read", str(path))
            continue
        read_as.add(fmt.name)
        items = fmt.reader(path, options)
        if label_map:
            items = _mapped(items, label_map)
        yield from items
    if files and (options.text_field or options.predictions) and "labelstudio" not in read_as:
        yield Problem("--text-field and --predictions apply to Label Studio files; none was read")


def _mapped(items: Iterable[Item], label_map: dict[str, str | None]) -> Iterator[Item]:
    """``items`` with each span's label renamed (in links too); a label mapped to ``None``
    drops its spans and their links, counted as skipped."""
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
        links = []
        for link in item.relations:
            head = label_map.get(link.head[2], link.head[2])
            child = label_map.get(link.child[2], link.child[2])
            if head is None or child is None:
                yield Skipped(f"{link.label} links to spans mapped to nothing")
            else:
                links.append(
                    link._replace(head=(*link.head[:2], head), child=(*link.child[:2], child))
                )
        yield replace(item, spans=kept, relations=links)


def stage_steps(
    writer: ImportWriter, items: Iterable[Item], every: int = 200, max_problems: int = 50
) -> Generator[int, None, None]:
    """Check ``items`` against the store's labels and stage them chunk by chunk, yielding
    how many records are done.

    Once a problem turns up nothing more is staged, but reading goes on to list up to
    ``max_problems``; then ``InputError`` is raised and the staged import is thrown away.
    """
    problems: list[Problem] = []
    chunk: list[Record] = []
    count = 0
    for item in items:
        if isinstance(item, Declaration):
            item = (
                writer.declare(item.labels, item.annotators, item.source, item.line, item.relations)
                or item
            )
        if isinstance(item, Problem):
            problems.append(item)
            if len(problems) >= max_problems:
                break
            continue
        if isinstance(item, Declaration):
            continue
        if isinstance(item, Skipped):
            writer.skip(item.reason, item.count)
            continue
        count += 1
        problems.extend(writer.label_problems(item))
        if problems:
            continue
        chunk.append(item)
        if len(chunk) >= every:
            writer.stage(chunk)
            chunk = []
            yield count
    if problems:
        raise InputError(problems)
    writer.stage(chunk)


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
    found before anything is staged. Bigger files are read that far; the staging pass goes
    on from there, and a problem in a later line throws the staged import away. Either way
    memory stays bounded and each line is parsed once.
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
    before its end throws away what was staged, or what the merge had copied. The merge
    holds the store's write lock for short steps only (``store.importing``)."""
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
    with import_writer(engine, annotator, add_missing_labels) as writer:
        steps = stage_steps(writer, checked.all_items())
        yield from _relay(steps, lambda n: position(n if checked.rest else (kept + n) // 2))
        for _ in writer.commit_steps():
            yield position(shown[0])
        summary = writer.summary
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
