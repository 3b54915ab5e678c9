"""Exporting: stream the selected documents through a format's encoder into files.

An export is a generator of ``Progress`` steps (so the CLI can draw a bar and the app can
run it in slices and cancel it); its return value is the ``ExportSummary``. Files are written
under a temporary name next to the target and renamed only once complete: an interrupted,
failed or cancelled export (``close()`` on the generator) leaves no file behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from collections.abc import Generator, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple, TypeVar

from sqlalchemy.engine import Connection, Engine

from annotator.core.errors import AnnotatorError, InputError, Problem
from annotator.core.processes import process_alive
from annotator.formats.registry import FolderWriter, Format, Tally, Writer, get_format
from annotator.settings import exports_folder
from annotator.store.engine import reading
from annotator.store.exporting import (
    ExportItem,
    Selection,
    SpanSource,
    SpanTuple,
    count_selected,
    count_unworked,
    export_context,
    has_gold,
    iter_selected,
    settle,
)

SPLIT_NAMES = {1: ("all",), 2: ("train", "test"), 3: ("train", "dev", "test")}
DUPLICATE = "copies of a span that several annotators made (written once)"
_Result = TypeVar("_Result")


class Progress(NamedTuple):
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: str = "spans"
    output: Path | None = None
    selection: Selection = field(default_factory=Selection)
    split: tuple[int, ...] | None = None
    seed: int = 13


@dataclass(slots=True)
class ExportSummary:
    """What an export wrote, and what it could not carry and why.

    ``documents`` counts the records written to each part (in an ``EACH`` export, one per
    document and annotator, counted by annotator in ``annotators``); ``left_out`` counts the
    documents not exported, by reason."""

    format: str
    files: list[Path] = field(default_factory=list)
    documents: Counter = field(default_factory=Counter)
    spans_per_label: Counter = field(default_factory=Counter)
    skipped_spans: Counter = field(default_factory=Counter)
    annotators: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)

    def wrote(self, labels: Iterable[str]) -> None:
        self.spans_per_label.update(labels)

    def skipped(self, reason: str, count: int = 1) -> None:
        self.skipped_spans[reason] += count

    def lines(self) -> list[str]:
        total = sum(self.documents.values())
        parts = ", ".join(f"{name} {n}" for name, n in self.documents.items())
        out = [f"format: {self.format}"]
        if self.annotators:
            by = ", ".join(f"{name} {n}" for name, n in sorted(self.annotators.items()))
            out.append(f"records: {total}, one per document and annotator ({by})")
        else:
            out.append(f"documents: {total}")
        if len(self.documents) > 1:
            out[-1] += f" ({parts})"
        out.extend(f"documents left out: {n} ({reason})" for reason, n in self.left_out.items())
        out.append(f"spans: {sum(self.spans_per_label.values())}")
        out.extend(f"  {label}: {n}" for label, n in sorted(self.spans_per_label.items()))
        if self.skipped_spans:
            out.append(f"spans left out: {sum(self.skipped_spans.values())}")
            out.extend(f"  {reason}: {n}" for reason, n in sorted(self.skipped_spans.items()))
        out.extend(f"wrote {path}" for path in self.files)
        return out


def parse_split(text: str) -> tuple[int, ...]:
    """``"80/10/10"`` -> ``(80, 10, 10)``: two or three whole percentages adding up to 100."""
    try:
        parts = tuple(int(p) for p in text.split("/"))
    except ValueError:
        parts = ()
    if len(parts) not in (2, 3) or sum(parts) != 100 or min(parts) < 0:
        raise InputError(
            [
                Problem(
                    f"--split {text!r}: give two or three percentages adding up to 100, "
                    "e.g. 80/10/10"
                )
            ]
        )
    return parts


def split_of(sha256: str, seed: int, split: tuple[int, ...]) -> int:
    """The part a document falls in, from its text hash and the seed.

    Hashing rather than shuffling keeps each document in its part when the corpus grows, so
    a later export never moves test documents into training.
    """
    digest = hashlib.sha256(f"{seed}:{sha256}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") * 100 / 2**64
    edge = 0
    for index, share in enumerate(split):
        edge += share
        if point < edge:
            return index
    return len(split) - 1


def default_output(fmt: Format) -> Path:
    """``FORMAT-TIME.EXT`` in the exports folder (see ``settings.exports_folder``)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    assert fmt.writer is not None
    return exports_folder() / f"{fmt.name}-{stamp}{fmt.writer.extension}"


def output_paths(output: Path, split: tuple[int, ...] | None) -> list[Path]:
    if not split:
        return [output]
    suffix = "".join(output.suffixes[-1:]) or ".jsonl"
    stem = output.name[: len(output.name) - len(suffix)] if output.suffix else output.name
    return [output.with_name(f"{stem}.{name}{suffix}") for name in SPLIT_NAMES[len(split)]]


def whose(item: ExportItem) -> dict[str, str]:
    """``{"annotator": NAME}`` for a record of an ``EACH`` export, else nothing: what a
    writer whose records are JSON objects adds to each record."""
    return {} if item.annotator is None else {"annotator": item.annotator}


def distinct_spans(spans: list[SpanTuple], tally: Tally) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of sorted spans, each once whoever made it."""
    out: list[tuple[int, int, str]] = []
    last = None
    for span in spans:
        key = span[:3]
        if key == last:
            tally.skipped(DUPLICATE)
            continue
        out.append(key)
        last = key
    return out


def remove_stale_partials(path: Path) -> None:
    """Delete temporary files that killed exports to ``path`` left behind."""
    for partial in path.parent.glob(f".{path.name}.*.partial"):
        pid = partial.name.removeprefix(f".{path.name}.").removesuffix(".partial")
        if pid.isdigit() and not process_alive(int(pid)):
            if partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
            else:
                partial.unlink(missing_ok=True)


def _open_temporary(path: Path, stack: ExitStack) -> tuple[Path, BinaryIO]:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    remove_stale_partials(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(temporary, "wb", buffering=1 << 20)  # noqa: SIM115  (closed by the stack)
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot write the export ({exc.strerror})") from exc
    stack.callback(handle.close)
    return temporary, handle


def _writer(options: ExportOptions) -> tuple[Format, Writer | FolderWriter]:
    try:
        fmt = get_format(options.format)
    except KeyError:
        fmt = None
    if fmt is None or fmt.writer is None:
        raise InputError([Problem(f"cannot export as {options.format!r}")])
    return fmt, fmt.writer


def _format_selection(
    fmt: Format, writer: Writer | FolderWriter, selection: Selection
) -> Selection:
    """The selection as the format needs it: ``native`` keeps every layer apart in each
    record (and the review layer); a format whose records cannot name their annotator
    cannot hold one record per annotator."""
    if fmt.name == "native":
        if selection.source == SpanSource.GOLD:
            raise InputError(
                [
                    Problem(
                        "native files hold the annotators' layers; export gold as spans, "
                        "doccano or tokens"
                    )
                ]
            )
        if selection.source == SpanSource.EACH:
            raise InputError(
                [Problem("native files keep every annotator's spans apart already; leave out each")]
            )
        return replace(selection, source=SpanSource.LAYERS, review=True)
    if fmt.name == "labelstudio" and selection.source != SpanSource.GOLD:
        # a task holds one annotation per annotator: every chosen layer, kept apart
        return replace(selection, source=SpanSource.LAYERS)
    if selection.source == SpanSource.EACH and not writer.carries_annotator:
        raise InputError(
            [
                Problem(
                    f"{fmt.name} records cannot say whose spans they hold; export one annotator "
                    "at a time, or one record per annotator in spans, doccano or tokens"
                )
            ]
        )
    return selection


def _checked_total(connection: Connection, selection: Selection) -> int:
    """How many documents ``selection`` exports; ``InputError`` when none (no empty file)."""
    total = count_selected(connection, selection)
    if total:
        return total
    if selection.source == SpanSource.GOLD and not has_gold(connection):
        reason = "no document has been reviewed yet, so there is no gold layer to export"
    else:
        reason = "nothing to export: no document matches the selection"
    raise InputError([Problem(reason)])


def _left_out_reason(selection: Selection) -> str:
    if selection.source == SpanSource.GOLD:
        return "not reviewed"
    names = selection.annotators or ()
    return f"not annotated by {' or '.join(names)}"


def export_steps(
    engine: Engine, options: ExportOptions, every: int = 100
) -> Generator[Progress, None, ExportSummary]:
    """Export as ``options`` say, yielding progress every ``every`` documents.

    Raises ``LayerChoice`` when several annotators worked and the selection names none (an
    export never merges layers), ``InputError`` when nothing would be exported."""
    fmt, writer = _writer(options)
    if isinstance(writer, FolderWriter):
        return (yield from _folder_steps(engine, fmt, writer, options, every))
    targets = output_paths(options.output or default_output(fmt), options.split)
    summary = ExportSummary(format=fmt.name)
    names = SPLIT_NAMES[len(targets)]
    temporaries: list[Path] = []
    try:
        with reading(engine) as connection, ExitStack() as stack:
            selection = settle(connection, _format_selection(fmt, writer, options.selection))
            total = _checked_total(connection, selection)
            unworked = count_unworked(connection, selection)
            if unworked:
                summary.left_out[_left_out_reason(selection)] = unworked
            handles = []
            for path in targets:
                temporary, handle = _open_temporary(path, stack)
                temporaries.append(temporary)
                handles.append(handle)
            if writer.header:
                header = writer.header(export_context(connection, selection))
                for handle in handles:
                    handle.write(header)
            for name in names:
                summary.documents[name] = 0
            yield Progress(0, total)
            done, last = 0, None
            for item in iter_selected(connection, selection):
                part = split_of(item.sha256, options.seed, options.split) if options.split else 0
                if writer.separator and summary.documents[names[part]]:
                    handles[part].write(writer.separator)
                handles[part].write(writer.encode(item, summary))
                summary.documents[names[part]] += 1
                if item.annotator is not None:
                    summary.annotators[item.annotator] += 1
                if item.document.id != last:
                    last = item.document.id
                    done += 1
                    if done % every == 0:
                        yield Progress(done, total)
            for handle in handles:
                handle.write(writer.footer)
                handle.flush()
                os.fsync(handle.fileno())
            stack.close()
            for temporary, path in zip(temporaries, targets, strict=True):
                os.replace(temporary, path)
            temporaries.clear()
            yield Progress(done, total)
    except OSError as exc:
        raise AnnotatorError(f"cannot write the export ({exc.strerror or exc})") from exc
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    summary.files = targets
    return summary


def _folder_steps(
    engine: Engine,
    fmt: Format,
    writer: FolderWriter,
    options: ExportOptions,
    every: int,
) -> Generator[Progress, None, ExportSummary]:
    """Export ``selection`` into a new folder of files (brat), one subfolder per part of a
    split. The folder is built under a temporary name beside the target and renamed once
    complete, like a file export. The selection asks for the review layer: brat carries
    notes."""
    name = fmt.name
    target = options.output or default_output(fmt)
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise InputError(
            [Problem("already exists; a folder export needs a new folder", str(target))]
        )
    names = SPLIT_NAMES[len(options.split)] if options.split else ("",)
    summary = ExportSummary(format=name, documents=Counter(dict.fromkeys(names, 0)))
    taken: list[set[str]] = [set() for _ in names]
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        remove_stale_partials(target)
        shutil.rmtree(temporary, ignore_errors=True)
        for folder in names:
            (temporary / folder).mkdir(parents=True, exist_ok=True)
        with reading(engine) as connection:
            chosen = _format_selection(fmt, writer, options.selection)
            selection = settle(connection, replace(chosen, review=True))
            total = _checked_total(connection, selection)
            unworked = count_unworked(connection, selection)
            if unworked:
                summary.left_out[_left_out_reason(selection)] = unworked
            if writer.header:
                for file_name, data in writer.header(export_context(connection, selection)):
                    (temporary / file_name).write_bytes(data)
            yield Progress(0, total)
            done = 0
            for item in iter_selected(connection, selection):
                part = split_of(item.sha256, options.seed, options.split) if options.split else 0
                for file_name, data in writer.encode(item, summary, taken[part]):
                    (temporary / names[part] / file_name).write_bytes(data)
                summary.documents[names[part]] += 1
                done += 1
                if done % every == 0:
                    yield Progress(done, total)
        os.replace(temporary, target)
        yield Progress(done, total)
    except OSError as exc:
        raise AnnotatorError(f"{target}: cannot write the export ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    summary.files = [target / part for part in names] if options.split else [target]
    return summary


def run_steps(steps: Generator[object, None, _Result]) -> _Result:
    """Drive a step generator to its end and return its result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def export(engine: Engine, options: ExportOptions) -> ExportSummary:
    """Export without progress reports."""
    return run_steps(export_steps(engine, options))
