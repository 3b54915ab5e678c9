"""The command line: the same store and formats functions the app uses.

Exit status: 0 on success, 2 on a usage error, 1 on a failure, with a short message on
stderr (file and line where there is one) and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Generator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError, Problem, StoreError
from annotator.formats.exporting import ExportOptions, Progress, export_steps, parse_split
from annotator.formats.importing import import_steps
from annotator.formats.registry import readable_formats, writable_formats
from annotator.settings import default_database
from annotator.store import open_store
from annotator.store.agreement import corpus_agreement
from annotator.store.backup import backup_database
from annotator.store.documents import document_summaries
from annotator.store.exporting import Selection, SpanSource
from annotator.store.stats import corpus_stats

Handler = Callable[[argparse.Namespace], int]


def _engine(args: argparse.Namespace) -> Engine:
    return open_store(args.db or default_database())


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run_app

    return run_app(db=args.db or default_database(), annotator=args.annotator)


def _drive(steps: Generator[Progress, None, Any], what: str) -> Any:
    """Run a step generator, drawing a progress bar on stderr when it is a terminal.

    On Ctrl-C the generator is closed, which removes partial files and rolls back imports.
    """
    bar = sys.stderr.isatty() and sys.stdout.isatty()
    try:
        while True:
            try:
                done, total = next(steps)
            except StopIteration as stop:
                return stop.value
            if bar and total:
                filled = int(30 * min(done, total) / total)
                sys.stderr.write(f"\r{what} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
                sys.stderr.flush()
    finally:
        steps.close()
        if bar:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def cmd_import(args: argparse.Namespace) -> int:
    engine = _engine(args)
    steps = import_steps(
        engine,
        args.paths,
        annotator=args.annotator or "imported",
        format_name=args.format,
        add_missing_labels=args.add_labels,
    )
    summary = _drive(steps, "importing")
    print("\n".join(summary.lines()))
    return 0


def _tuple(names: list[str] | None) -> tuple[str, ...] | None:
    return tuple(names) if names else None


def cmd_export(args: argparse.Namespace) -> int:
    if args.gold and args.annotator:
        raise InputError([Problem("--gold exports the reviewed layer; leave out --annotator")])
    options = ExportOptions(
        format=args.format,
        output=Path(args.output) if args.output else None,
        selection=Selection(
            annotators=_tuple(_names([args.annotator] if args.annotator else None)),
            statuses=_tuple(_names(args.status)),
            labels=_tuple(_names(args.labels)),
            source=SpanSource.GOLD if args.gold else SpanSource.ANNOTATORS,
        ),
        split=parse_split(args.split) if args.split else None,
        seed=args.seed,
    )
    summary = _drive(export_steps(_engine(args), options), "exporting")
    print("\n".join(summary.lines()))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    rows = document_summaries(_engine(args), annotator=args.annotator)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("no documents")
        return 0
    print(f"{'id':>6}  {'date':10}  {'status':11}  {'spans':>5}  title")
    for row in rows:
        title = row.title if len(row.title) <= 70 else row.title[:69] + "…"
        print(f"{row.id:>6}  {row.date or '':10}  {row.status:11}  {row.spans:>5}  {title}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = corpus_stats(_engine(args))
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"documents: {stats['documents']}")
    print(f"spans: {stats['spans']}")
    for title, key in (("per label", "labels"), ("per annotator", "annotators")):
        print(f"{title}:")
        for name, count in stats[key].items():
            print(f"  {name:20} {count:>8}")
    return 0


def _names(values: Sequence[str] | None) -> list[str] | None:
    """``a,b c`` -> ``[a, b, c]``: lists may be given with commas, spaces or both."""
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def cmd_agreement(args: argparse.Namespace) -> int:
    report = corpus_agreement(
        _engine(args), annotators=_names(args.annotators), labels=_names(args.labels)
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    pairs = len(report.pairs)
    how = f"mean over {pairs} pairs; alpha over all" if pairs > 1 else "one pair"
    print(f"agreement of {', '.join(report.annotators)} over {report.documents} documents ({how})")
    columns = ("spans", "F1 exact", "F1 overlap", "kappa", "alpha")
    print(f"{'label':16}" + "".join(f"{c:>12}" for c in columns))
    rows = [*report.labels.items(), ("overall", report.overall)]
    for name, f in rows:
        cells = [str(f.spans), *map(_figure, (f.f1_exact, f.f1_overlap, f.kappa, f.alpha))]
        print(f"{name:16}" + "".join(f"{c:>12}" for c in cells))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    source = args.db or default_database()
    if "://" not in str(source) and not Path(source).expanduser().exists():
        raise StoreError(f"{source}: there is no database there to back up")
    engine = _engine(args)
    try:
        copy = backup_database(engine, Path(args.path).expanduser())
    finally:
        engine.dispose()
    print(f"backed up {source} to {copy} ({copy.stat().st_size / 1e6:.1f} MB)")
    return 0


# Corpus search, tag-all, relabel and consistency checks (issue 13).


def _needs_annotator(args: argparse.Namespace, command: str) -> str:
    if not args.annotator:
        raise InputError([Problem(f"{command} needs --annotator NAME: whose spans to change")])
    return args.annotator


def _text_query(args: argparse.Namespace):
    from annotator.core.search import TextQuery

    regex, case = getattr(args, "regex", False), getattr(args, "case", False)
    return TextQuery(args.query, regex=regex, word=args.word, case=case)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_search(args: argparse.Namespace) -> int:
    from annotator.store.search import SearchFilter, count_hits, search_page

    engine = _engine(args)
    labels = tuple(_names([args.label]) if args.label else ())
    filters = SearchFilter(labels=labels, annotator=args.annotator)
    query = _text_query(args)
    hits = search_page(engine, query, filters, limit=args.limit)
    total = count_hits(engine, query, filters)
    if args.json:
        payload = {
            "total": total,
            "hits": [
                {
                    "document": hit.document_id,
                    "title": hit.title,
                    "start": hit.start,
                    "end": hit.end,
                    "text": hit.text,
                    "left": hit.left,
                    "right": hit.right,
                    "labels": list(hit.labels),
                }
                for hit in hits
            ],
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    shown = f"showing {len(hits)}" if len(hits) < total else "all shown"
    print(f"{total} hit{'s' if total != 1 else ''} ({shown})")
    for hit in hits:
        left, right = _one_line(hit.left)[-40:], _one_line(hit.right)[:40]
        labels = f"  [{', '.join(hit.labels)}]" if hit.labels else ""
        where = f"{hit.document_id}:{hit.start}-{hit.end}"
        print(f"{where:>16}  {left:>40} «{_one_line(hit.text)}» {right:40}{labels}")
    return 0


def cmd_tag_all(args: argparse.Namespace) -> int:
    from annotator.store.bulk import tag_all

    who = _needs_annotator(args, "tag-all")
    result = tag_all(_engine(args), _text_query(args), args.label, who, dry_run=args.dry_run)
    if args.json:
        payload = {
            "hits": result.hits,
            "added": len(result.added),
            "already_tagged": result.already,
            "unsnappable": result.unsnappable,
            "dry_run": args.dry_run,
        }
        print(json.dumps(payload))
        return 0
    verb = "would add" if args.dry_run else "added"
    print(
        f"{result.hits} hits: {verb} {len(result.added)} {args.label} spans for {who}; "
        f"{result.already} hits already tagged {args.label}"
        + (f"; {result.unsnappable} hits cover no word" if result.unsnappable else "")
    )
    return 0


def cmd_relabel(args: argparse.Namespace) -> int:
    from annotator.store.bulk import relabel_spans
    from annotator.store.concordance import find_spans
    from annotator.store.labels import get_schema

    who = _needs_annotator(args, "relabel")
    engine = _engine(args)
    for name in (args.source, args.target):
        if name not in get_schema(engine):
            raise InputError([Problem(f"there is no label {name!r}")])
    spans = find_spans(engine, label=args.source, text=args.text, annotator=who)
    what = f"{args.source} spans of {who}" + (f" covering {args.text!r}" if args.text else "")
    if args.dry_run:
        print(f"would relabel {len(spans)} {what} as {args.target}")
        return 0
    done = relabel_spans(engine, [span.id for span in spans], args.target, who)
    print(f"relabelled {len(done.before)} {what} as {args.target}")
    if done.clashes:
        print(f"left {len(done.clashes)} as they were: {who} has the same span as {args.target}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from annotator.core.consistency import CaseKind
    from annotator.store.consistency import consistency_cases

    cases = consistency_cases(_engine(args), args.annotator)
    counts = {kind.value: sum(case.kind == kind for case in cases) for kind in CaseKind}
    if args.json:
        payload = {"counts": counts, "cases": [asdict(case) for case in cases]}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(", ".join(f"{count} {kind}" for kind, count in counts.items()))
    for case in cases:
        labels = ", ".join(f"{label} {n}" for label, n in case.labels.items())
        print(f"{case.kind}: «{_one_line(case.text)}» (tagged {labels})")
        for place in case.places:
            label = f" as {place.label}" if place.label else ""
            print(
                f"  document {place.document_id} {place.start}-{place.end} {place.annotator}{label}"
            )
    return 0


def _add_search_commands(commands, common: argparse.ArgumentParser) -> None:
    search = commands.add_parser(
        "search",
        parents=[common],
        help="find text in every document, with context and the labels covering each hit",
        description="Search the text of every document (case-insensitive substring unless "
        "asked). Offsets are code points into the document text, end exclusive.",
    )
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    search.add_argument("--word", action="store_true", help="whole words only")
    search.add_argument("--case", action="store_true", help="match case")
    search.add_argument(
        "--label", metavar="LABEL", help="only hits inside a span with this label (or: a,b)"
    )
    search.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (20)")
    search.add_argument("--json", action="store_true", help="print JSON for scripts")
    search.set_defaults(handler=cmd_search)

    tag = commands.add_parser(
        "tag-all",
        parents=[common],
        help="tag every hit of QUERY with a label (hits already tagged are skipped)",
        description="Tag every hit of QUERY with --label for --annotator in one transaction, "
        "each hit snapped to whole words as a selection is. Running it twice adds nothing.",
    )
    tag.add_argument("query", metavar="QUERY")
    tag.add_argument("--label", required=True, metavar="LABEL")
    tag.add_argument("--word", action="store_true", help="whole words only")
    tag.add_argument("--dry-run", action="store_true", help="count, change nothing")
    tag.add_argument("--json", action="store_true", help="print JSON for scripts")
    tag.set_defaults(handler=cmd_tag_all)

    relabel = commands.add_parser(
        "relabel",
        parents=[common],
        help="give an annotator's spans of one label another label",
        description="Relabel --annotator's spans labelled --from as --to, in one transaction; "
        "with --text only the spans covering exactly that text.",
    )
    relabel.add_argument("--from", dest="source", required=True, metavar="LABEL")
    relabel.add_argument("--to", dest="target", required=True, metavar="LABEL")
    relabel.add_argument("--text", metavar="TEXT", help="only spans covering exactly TEXT")
    relabel.add_argument("--dry-run", action="store_true", help="count, change nothing")
    relabel.set_defaults(handler=cmd_relabel)

    check = commands.add_parser(
        "check",
        parents=[common],
        help="consistency: same text with different labels, untagged or partly tagged mentions",
        description="Find texts tagged with different labels, tagged texts left untagged "
        "elsewhere (whole words, in documents the annotator worked on) and spans partly "
        "overlapping another mention. One annotator's work with --annotator, else everyone's.",
    )
    check.add_argument("--json", action="store_true", help="print JSON for scripts")
    check.set_defaults(handler=cmd_check)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file or URL (default: $ANNOTATOR_DB, else annotator.db in your data folder)",
    )
    common.add_argument(
        "--annotator",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="whose spans to show or store",
    )
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles with actor, agency, location, figure and quote "
        "spans; keep them in SQLite; export JSONL training data.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", parents=[common], help="start the desktop app (the default)")
    gui.set_defaults(handler=cmd_gui)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="import .txt articles, folders of them, or JSONL files",
        description="Import documents (and their spans) all or nothing: on any error the "
        "database is left as it was. Texts already stored are not copied again.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    imp.add_argument(
        "--format",
        choices=[fmt.name for fmt in readable_formats()],
        help="read as this format instead of detecting it from the file's first line",
    )
    imp.add_argument(
        "--add-labels", action="store_true", help="add labels the files use that the schema lacks"
    )
    imp.set_defaults(handler=cmd_import)

    writable = [fmt.name for fmt in writable_formats()]
    exp = commands.add_parser(
        "export",
        parents=[common],
        help="export JSONL training data or a lossless backup",
        description="Export documents and spans as JSON Lines. The file is written under a "
        "temporary name and renamed when complete. --annotator takes one name or several, "
        "comma-separated: the documents they worked on, with their spans.",
    )
    exp.add_argument("--format", choices=writable, default="spans", help="default: spans")
    exp.add_argument(
        "--output", "-o", metavar="PATH", help="file to write (default: exports/FORMAT-TIME.jsonl)"
    )
    exp.add_argument(
        "--status",
        nargs="+",
        metavar="STATUS",
        help="only documents with this status (new, in_progress, done, skipped)",
    )
    exp.add_argument(
        "--labels",
        nargs="+",
        metavar="LABEL",
        help="only spans with these labels, e.g. actor,quote",
    )
    exp.add_argument(
        "--split",
        metavar="80/10/10",
        help="write train/dev/test (or train/test) files; each document's part follows from "
        "its text and --seed, so it stays put as the corpus grows",
    )
    exp.add_argument("--seed", type=int, default=13, help="seed for --split (default: 13)")
    exp.add_argument(
        "--gold",
        action="store_true",
        help="the reviewed gold layer instead of the annotators' spans (reviewed documents)",
    )
    exp.set_defaults(handler=cmd_export)

    docs = commands.add_parser(
        "docs", parents=[common], help="list documents with status and span counts"
    )
    docs.add_argument("--json", action="store_true", help="print JSON for scripts")
    docs.set_defaults(handler=cmd_docs)

    stats = commands.add_parser(
        "stats", parents=[common], help="documents, spans per label and per annotator"
    )
    stats.add_argument("--json", action="store_true", help="print JSON for scripts")
    stats.set_defaults(handler=cmd_stats)

    agree = commands.add_parser(
        "agreement",
        parents=[common],
        help="how far annotators agree: span F1, token kappa and alpha, per label",
        description="Span F1 (exact and overlap), Cohen's kappa and Krippendorff's alpha over "
        "tokens, per label and overall. With more than two annotators the figures are the "
        "mean over pairs (alpha: all at once) and --json also lists each pair.",
    )
    agree.add_argument(
        "--annotators",
        nargs="+",
        metavar="NAME",
        help="whose work to compare, e.g. ana,ben (default: everyone who annotated)",
    )
    agree.add_argument(
        "--labels", nargs="+", metavar="LABEL", help="only these labels, e.g. actor,agency"
    )
    agree.add_argument("--json", action="store_true", help="print JSON for scripts")
    agree.set_defaults(handler=cmd_agreement)
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="copy the database consistently, even while it is in use",
        description="Copy the database with SQLite's online backup API: one consistent "
        "snapshot, even while the app or an import is writing. PATH is the copy's file, or a "
        "folder to put a copy named with the date and time in.",
    )
    backup.add_argument("path", metavar="PATH", help="file or folder for the copy")
    backup.set_defaults(handler=cmd_backup)
    _add_search_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("db", "annotator"):
        setattr(args, name, getattr(args, name, None))
    handler: Handler = getattr(args, "handler", cmd_gui)
    try:
        return handler(args)
    except AnnotatorError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing partial was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
