"""The command line: the same store and formats functions the app uses.

Exit status: 0 on success, 2 on a usage error, 1 on a failure, with a short message on
stderr (file and line where there is one) and no traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError, Problem, StoreError
from annotator.settings import default_database

if TYPE_CHECKING:  # the store and the formats are imported by the commands that use them,
    # so that the app's window paints before SQLAlchemy is loaded
    from sqlalchemy.engine import Engine

    from annotator.formats.exporting import Progress
    from annotator.store.exporting import LayerChoice, SpanSource

Handler = Callable[[argparse.Namespace], int]
SEARCH_TIMEOUT = 20.0
"""Seconds ``annotator search`` runs before it gives up (the corpus dock's limit too)."""


def _engine(args: argparse.Namespace) -> Engine:
    """The store ``--db`` names, writing for ``--annotator`` (see store/permissions.py)."""
    from annotator.store import open_store
    from annotator.store.permissions import act_as

    engine = open_store(args.db or default_database())
    act_as(engine, args.annotator)
    return engine


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


def _label_map(text: str) -> dict[str, str | None]:
    from annotator.formats.records import parse_label_map

    try:
        return parse_label_map(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.formats.importing import import_steps
    from annotator.formats.records import ReadOptions

    engine = _engine(args)
    options = ReadOptions(
        label_map={old: new for part in args.label_map or [] for old, new in part.items()},
        annotator=args.annotator,
        utf16_offsets=args.offsets == "utf16",
        text_field=args.text_field,
        predictions=args.predictions,
        skip_unsupported=args.skip_unsupported,
    )
    steps = import_steps(
        engine,
        args.paths,
        annotator=args.annotator or "imported",
        format_name=args.format,
        add_missing_labels=args.add_labels,
        options=options,
    )
    summary = _drive(steps, "importing")
    print("\n".join(summary.lines()))
    return 0


def _tuple(names: list[str] | None) -> tuple[str, ...] | None:
    return tuple(names) if names else None


def _layer_choices(choice: LayerChoice) -> str:
    """The refusal to merge layers, in command-line terms."""
    names = ", ".join(choice.annotators)
    gold = ", --gold (the reviewed layer)" if choice.gold else ""
    return (
        f"{len(choice.annotators)} annotators worked here and an export never merges their "
        f"layers: choose --annotator NAME (one of {names}){gold} or --each (one record per "
        "document and annotator)"
    )


def _span_source(args: argparse.Namespace) -> SpanSource:
    from annotator.store.exporting import SpanSource

    if args.gold and (args.annotator or args.each):
        raise InputError(
            [Problem("--gold exports the reviewed layer; leave out --annotator and --each")]
        )
    if args.gold:
        return SpanSource.GOLD
    return SpanSource.EACH if args.each else SpanSource.ANNOTATORS


def _statuses(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """The ``--status`` values, each one a status documents can have."""
    from annotator.store.status import STATUS_VALUES

    names = _names(values)
    unknown = sorted(set(names or ()) - STATUS_VALUES)
    if unknown:
        known = ", ".join(sorted(STATUS_VALUES))
        raise InputError([Problem(f"--status {', '.join(unknown)}: not a status ({known})")])
    return _tuple(names)


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.formats.exporting import ExportOptions, export_steps, parse_split
    from annotator.store.exporting import LayerChoice, Selection

    options = ExportOptions(
        format=args.format,
        output=Path(args.output) if args.output else None,
        selection=Selection(
            annotators=_tuple(_names([args.annotator] if args.annotator else None)),
            statuses=_statuses(args.status),
            labels=_tuple(_names(args.labels)),
            source=_span_source(args),
        ),
        split=parse_split(args.split) if args.split else None,
        seed=args.seed,
    )
    try:
        summary = _drive(export_steps(_engine(args), options), "exporting")
    except LayerChoice as choice:
        raise AnnotatorError(_layer_choices(choice)) from choice
    print("\n".join(summary.lines()))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from annotator.store.documents import document_summaries

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
    from annotator.store.stats import corpus_stats

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
    from annotator.store.agreement import corpus_agreement

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
    if report.relations is not None and report.relations.overall.links:
        columns = ("links", "P exact", "R exact", "F1 exact", "F1 overlap")
        print(f"\n{'relation':16}" + "".join(f"{c:>12}" for c in columns))
        links = [*report.relations.types.items(), ("overall", report.relations.overall)]
        for name, r in links:
            figures = (r.precision_exact, r.recall_exact, r.f1_exact, r.f1_overlap)
            cells = [str(r.links), *map(_figure, figures)]
            print(f"{name:16}" + "".join(f"{c:>12}" for c in cells))
    return 0


def cmd_attribution_evaluate(args: argparse.Namespace) -> int:
    from annotator.core.review import GOLD
    from annotator.store.attribution import evaluate_proposals

    layer = args.annotator or GOLD
    figures = evaluate_proposals(_engine(args), layer).as_dict()
    if args.json:
        print(json.dumps({"layer": layer, **figures}, ensure_ascii=False))
        return 0
    print(
        f"speaker proposal against {layer}'s links: {figures['quotes']} quotes "
        f"({figures['attributed']} attributed) in {figures['documents']} documents"
    )
    for name in ("precision", "recall", "first_proposal_right", "speaker_among_candidates"):
        print(f"  {name.replace('_', ' '):26} {_figure(figures[name])}")
    print(f"  {'mean rank when reached':26} {_figure(figures['mean_rank'])}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from annotator.formats.backup import backup

    source = args.db or default_database()
    if "://" not in str(source) and not Path(source).expanduser().exists():
        raise StoreError(f"{source}: there is no database there to back up")
    engine = _engine(args)
    try:
        copy = backup(engine, Path(args.path).expanduser())
    finally:
        engine.dispose()
    print(f"backed up {_shown(source)} to {copy} ({copy.stat().st_size / 1e6:.1f} MB)")
    return 0


def _shown(db: str | Path) -> str:
    """A database as messages name it (a URL without its password)."""
    from annotator.store.postgres import is_postgres_url, shown

    return shown(str(db)) if is_postgres_url(str(db)) else str(db)


def cmd_migrate(args: argparse.Namespace) -> int:
    from annotator.store import open_store
    from annotator.store.transfer import copy_corpus

    if str(args.source) == str(args.target):
        raise StoreError(f"{_shown(args.source)}: --from and --to name the same database")
    if "://" not in args.source and not Path(args.source).expanduser().exists():
        raise StoreError(f"{args.source}: there is no database there to migrate")
    source = open_store(args.source)
    try:
        target = open_store(args.target)
        try:
            copied = copy_corpus(source, target)
        finally:
            target.dispose()
    finally:
        source.dispose()
    print(f"copied {copied.line()} from {_shown(args.source)} to {_shown(args.target)}")
    return 0


def _need_annotator(args: argparse.Namespace) -> str:
    if not args.annotator:
        raise InputError([Problem(f"{args.command} {args.action}: give --annotator NAME")])
    return args.annotator


def _document_ids(values: list[str] | None) -> list[int] | None:
    names = _names(values)
    if names is None:
        return None
    bad = [name for name in names if not name.isdigit()]
    if bad:
        raise InputError([Problem(f"--documents takes document ids, not {bad[0]!r}")])
    return [int(name) for name in names]


def cmd_suggest_evaluate(args: argparse.Namespace) -> int:
    from annotator.suggest.evaluation import learning_curve
    from annotator.suggest.examples import annotated_examples
    from annotator.suggest.registry import get_suggester

    annotator = _need_annotator(args)
    kind = get_suggester(args.suggester)
    examples = annotated_examples(_engine(args), annotator)
    curve = learning_curve(examples, kind)
    if args.json:
        print(json.dumps(curve.as_dict(), ensure_ascii=False))
        return 0
    print(
        f"{kind.name} on {annotator}'s {len(examples)} documents; "
        f"{curve.heldout_documents} held out (exact span match)"
    )
    print(f"{'trained on':>10}{'precision':>12}{'recall':>12}{'F1':>12}")
    for point in curve.points:
        o = point.scores.overall
        print(f"{point.train_documents:>10}{o.precision:>12.3f}{o.recall:>12.3f}{o.f1:>12.3f}")
    if curve.points:
        print("per label, trained on all:")
        for name, c in curve.points[-1].scores.labels.items():
            print(f"  {name:16}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>10.3f}")
    return 0


def cmd_suggest_apply(args: argparse.Namespace) -> int:
    from annotator.suggest.apply import apply_model
    from annotator.suggest.examples import annotated_examples
    from annotator.suggest.registry import get_suggester
    from annotator.suggest.training import trained_model

    annotator = _need_annotator(args)
    kind = get_suggester(args.suggester)
    documents = _document_ids(args.documents)
    engine = _engine(args)
    examples = annotated_examples(engine, annotator)
    if not examples:
        raise InputError([Problem(f"{annotator} has annotated no documents to learn from")])
    model, record = trained_model(args.db or default_database(), examples, kind, annotator)
    if not record.offered(args.threshold):
        raise AnnotatorError(f"{record.state(args.threshold)}; nothing applied (see --threshold)")
    summary = apply_model(engine, model, args.layer, documents)
    print(record.state(args.threshold))
    print(summary.line(args.layer))
    return 0


def cmd_train_spacy(args: argparse.Namespace) -> int:
    from annotator.suggest.spacy_training import train_spacy

    if args.gold == bool(args.annotator):
        raise InputError([Problem("train spacy: give --annotator NAME or --gold (one of them)")])
    report = train_spacy(_engine(args), Path(args.output), args.annotator, epochs=args.epochs)
    print("\n".join(report.lines()))
    return 0


def _add_suggest_commands(commands, common: argparse.ArgumentParser) -> None:
    """``suggest evaluate``, ``suggest apply`` and ``train spacy``."""
    from annotator.suggest.registry import DEFAULT_SUGGESTER, SUGGESTERS
    from annotator.suggest.training import DEFAULT_THRESHOLD

    suggest = commands.add_parser(
        "suggest",
        parents=[common],
        help="suggesters that learn from an annotator's spans: evaluate, pre-annotate",
    )
    actions = suggest.add_subparsers(dest="action", metavar="ACTION", required=True)
    which = argparse.ArgumentParser(add_help=False)
    which.add_argument(
        "--suggester",
        choices=list(SUGGESTERS),
        default=DEFAULT_SUGGESTER,
        help=f"default: {DEFAULT_SUGGESTER} ("
        + "; ".join(f"{k.name}: {k.description}" for k in SUGGESTERS.values())
        + ")",
    )
    attribution = commands.add_parser(
        "attribution", parents=[common], help="quote attribution: how good the speaker proposal is"
    )
    attribution_actions = attribution.add_subparsers(dest="action", metavar="ACTION", required=True)
    proposal = attribution_actions.add_parser(
        "evaluate",
        parents=[common],
        help="score the speaker proposal against a layer's links",
        description="Propose a speaker for every quote of the layer (the nearest actor or agency "
        "in the quote's sentence, else before it, else after) and compare with the layer's "
        "speaker links: precision, recall and the share of quotes whose first proposal is right. "
        "--annotator NAME scores against NAME's links (default: the gold layer).",
    )
    proposal.add_argument("--json", action="store_true", help="print JSON for scripts")
    proposal.set_defaults(handler=cmd_attribution_evaluate)
    evaluate = actions.add_parser(
        "evaluate",
        parents=[common, which],
        help="learning curve on the annotator's held-out documents",
        description="Hold out the last 20%% of the documents the annotator annotated (by the "
        "same text-hash split as exports), train on 10, 25, 50 and 100%% of the rest and score "
        "each on the held-out part: exact span match, per label and overall.",
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON for scripts")
    evaluate.set_defaults(handler=cmd_suggest_evaluate)
    apply = actions.add_parser(
        "apply",
        parents=[common, which],
        help="pre-annotate documents into another layer with origin 'suggested'",
        description="Train on the annotator's documents and write the suggestions into the "
        "layer named by --as, all or nothing. Spans the layer holds already are kept once.",
    )
    apply.add_argument("--as", dest="layer", required=True, metavar="LAYER", help="e.g. model")
    apply.add_argument(
        "--documents", nargs="+", metavar="ID", help="only these document ids (default: all)"
    )
    apply.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"least held-out F1 to apply (default: {DEFAULT_THRESHOLD})",
    )
    apply.set_defaults(handler=cmd_suggest_apply)

    train = commands.add_parser(
        "train", parents=[common], help="train a model from the annotations (needs the train extra)"
    )
    kinds = train.add_subparsers(dest="action", metavar="KIND", required=True)
    spacy = kinds.add_parser(
        "spacy",
        parents=[common],
        help="a spaCy span categoriser trained on the export's train part, scored on dev",
        description="Train spacy.blank('en') with a spancat component on the train part of the "
        "80/10/10 export split and print per-label precision, recall and F1 on the dev part. "
        "The pipeline in DIR loads with spacy.load(DIR).",
    )
    spacy.add_argument("--output", "-o", required=True, metavar="DIR", help="folder to write")
    spacy.add_argument("--gold", action="store_true", help="learn from the reviewed gold layer")
    spacy.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    spacy.set_defaults(handler=cmd_train_spacy)


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


class SearchTooSlow(AnnotatorError):
    """The search ran past ``--timeout``."""


@contextmanager
def _time_limit(seconds: float) -> Generator[None, None, None]:
    """Raise ``SearchTooSlow`` in the block after ``seconds`` (0: no limit). A timer signal
    does it: ``re`` checks for signals while it backtracks, so even a pattern that would
    run for ever stops on time."""
    if seconds <= 0:
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise SearchTooSlow(
            f"search stopped after {seconds:g} s: the pattern is too slow "
            "(simplify it or raise --timeout)"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cmd_search(args: argparse.Namespace) -> int:
    from annotator.store.search import SearchFilter, count_hits, search_page

    engine = _engine(args)
    labels = tuple(_names([args.label]) or ()) if args.label else ()
    filters = SearchFilter(labels=labels, annotator=args.annotator)
    query = _text_query(args)
    with _time_limit(args.timeout):
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
        covering = f"  [{', '.join(hit.labels)}]" if hit.labels else ""
        where = f"{hit.document_id}:{hit.start}-{hit.end}"
        print(f"{where:>16}  {left:>40} «{_one_line(hit.text)}» {right:40}{covering}")
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
        if case.total > len(case.places):
            print(f"  and {case.total - len(case.places)} more places")
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
    search.add_argument(
        "--timeout",
        type=float,
        default=SEARCH_TIMEOUT,
        metavar="S",
        help=f"stop a search that takes longer than S seconds, 0 for no limit ({SEARCH_TIMEOUT:g})",
    )
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


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="database file or URL, e.g. postgresql://user@host/dbname (default: $ANNOTATOR_DB, "
        "else annotator.db in your data folder)",
    )
    common.add_argument(
        "--annotator",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="whose spans to show or store",
    )
    return common


def _gui_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when ``argv`` starts the app (no command, or ``gui``), else None. Read
    without ``build_parser``, whose format choices import the formats and the store."""
    parser = argparse.ArgumentParser(prog="annotator", parents=[_common_options()], add_help=False)
    args, rest = parser.parse_known_args(argv)
    return args if rest in ([], ["gui"]) else None


def build_parser() -> argparse.ArgumentParser:
    from annotator.cli_team import add_team_commands
    from annotator.formats.registry import readable_formats, writable_formats

    common = _common_options()
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
        help="import .txt articles, folders of them, JSONL files or Label Studio exports",
        description="Import documents (and their spans) all or nothing: on any error the "
        "database is left as it was. Texts already stored are not copied again. --annotator "
        "names whose spans these are; without it, annotators named in the files (doccano users, "
        "Label Studio's completed_by) are kept apart.",
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
    imp.add_argument(
        "--skip-unsupported",
        action="store_true",
        help="count annotations the store cannot hold (brat relations, events, attributes, "
        "discontinuous spans) as not read instead of refusing the file",
    )
    imp.add_argument(
        "--map",
        dest="label_map",
        action="append",
        type=_label_map,
        metavar="SRC=DST,...",
        help="rename labels as they are read, e.g. PER=actor,ORG=agency; SRC= leaves a label "
        "out (counted); doccano label ids are named this way too: 1=actor,2=location",
    )
    imp.add_argument(
        "--offsets",
        choices=["codepoints", "utf16"],
        default="codepoints",
        help="how the files count offsets: codepoints (Python, spaCy; the default) or utf16 "
        "(JavaScript: some doccano versions, Label Studio with emoji)",
    )
    imp.add_argument(
        "--text-field",
        metavar="NAME",
        help="the field of a Label Studio task's data that holds the text, when there are several",
    )
    imp.add_argument(
        "--predictions",
        action="store_true",
        help="also import Label Studio predictions (as suggested spans of their model)",
    )
    imp.set_defaults(handler=cmd_import)

    writable = [fmt.name for fmt in writable_formats()]
    exp = commands.add_parser(
        "export",
        parents=[common],
        help="export JSONL training data or a lossless backup",
        description="Export documents and spans as JSON Lines. Layers are never merged: with "
        "several annotators, choose --annotator NAME (the documents they worked on, with "
        "their spans; one who worked is taken by default), --gold or --each. The file is "
        "written under a temporary name and renamed when complete.",
    )
    exp.add_argument("--format", choices=writable, default="spans", help="default: spans")
    exp.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="file to write (default: FORMAT-TIME.jsonl in ./exports/ if that folder exists, "
        "else in exports/ in your data folder)",
    )
    exp.add_argument(
        "--status",
        nargs="+",
        metavar="STATUS",
        help="only documents with this status (new, in_progress, done, skipped, flagged)",
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
    exp.add_argument(
        "--each",
        action="store_true",
        help='one record per document and annotator who worked on it, with an "annotator" '
        "field (all annotators, or those --annotator names)",
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
        description="Copy the database with SQLite's online backup API, or write a PostgreSQL "
        "database as a native export read in one repeatable-read transaction: one consistent "
        "snapshot, even while the app or an import is writing. PATH is the copy's file, or a "
        "folder to put a copy named with the date and time in.",
    )
    backup.add_argument("path", metavar="PATH", help="file or folder for the copy")
    backup.set_defaults(handler=cmd_backup)
    migrate = commands.add_parser(
        "migrate",
        help="copy a whole corpus between SQLite and PostgreSQL",
        description="Copy everything a database holds (documents, labels, relation types, "
        "annotators, spans, statuses, notes, gold spans with their provenance, links) into "
        "another, empty one, with the same ids, in one transaction. Either may be a SQLite "
        "file or a postgresql://user@host/dbname URL.",
    )
    migrate.add_argument(
        "--from", dest="source", required=True, metavar="PATH_OR_URL", help="the database to copy"
    )
    migrate.add_argument(
        "--to", dest="target", required=True, metavar="PATH_OR_URL", help="an empty database"
    )
    migrate.set_defaults(handler=cmd_migrate)
    _add_suggest_commands(commands, common)

    _add_search_commands(commands, common)
    add_team_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _gui_arguments(argv)
    if args is None:
        args = build_parser().parse_args(argv)
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
