"""Team commands of the command line: assign, claim, progress and users."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from annotator.core.errors import InputError, Problem


def _engine(args: argparse.Namespace):
    from annotator.cli import _engine

    return _engine(args)


def _listed(values: list[str] | None) -> list[str] | None:
    from annotator.cli import _names

    return _names(values)


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator.cli import _document_ids
    from annotator.core.assignment import parse_share
    from annotator.store.assignments import assign

    result = assign(
        _engine(args),
        _listed(args.annotators),
        args.per_document,
        documents=_document_ids(args.documents),
        seed=args.seed,
        overlap=parse_share(args.overlap) if args.overlap else None,
        expire_after=timedelta(minutes=args.expire_after) if args.expire_after else None,
    )
    who = "open to whoever claims them" if not args.annotators else "assigned"
    print(f"{result.places} places on {result.documents} documents, {who}")
    if result.already:
        print(f"left as they were: {result.already} documents that had places already")
    for name, places in sorted(result.load.items()):
        print(f"  {name:20} {places:>6}")
    return 0


def cmd_claim(args: argparse.Namespace) -> int:
    from annotator.store.assignments import claim

    if not args.annotator:
        raise InputError([Problem("claim needs --annotator NAME: whose queue to claim from")])
    got = claim(_engine(args), args.annotator)
    if args.json:
        payload: dict[str, object] = {"document": None}
        if got is not None:
            payload = {"document": got.document_id, "title": got.title, "pooled": got.pooled}
        print(json.dumps(payload, ensure_ascii=False))
    elif got is None:
        print(f"nothing left to claim for {args.annotator}")
    else:
        print(f"{got.document_id}  {got.title}")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from annotator.store.assignments import progress

    figures = progress(_engine(args))
    if args.json:
        print(json.dumps(figures.as_dict(), ensure_ascii=False))
        return 0
    print(f"{'annotator':20} {'assigned':>9} {'claimed':>9} {'done':>9}")
    for person in figures.people:
        print(f"{person.name:20} {person.assigned:>9} {person.claimed:>9} {person.done:>9}")
    print(f"open places: {figures.open_places}; ready for review: {figures.ready_for_review}")
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    from annotator.store.users import add_user

    created = add_user(_engine(args), args.name, args.role)
    login = " and a login role of that name" if created else ""
    print(f"{args.name}: {args.role}{login}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from annotator.store.users import list_users

    people = list_users(_engine(args))
    if args.json:
        print(json.dumps([{"name": p.name, "role": p.role.value} for p in people]))
        return 0
    for person in people:
        print(f"{person.name:20} {person.role}")
    return 0


def _add_user_commands(commands, common: argparse.ArgumentParser) -> None:
    from annotator.store.permissions import Role

    users = commands.add_parser("users", parents=[common], help="the people of a team: add, list")
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common],
        help="add a person (on PostgreSQL also their login role)",
        description="Add NAME as an annotator, reviewer or admin. Annotators change only their "
        "own spans, statuses, notes and links; reviewers also the gold layer; admins "
        "everything. On PostgreSQL this creates the login role NAME and the server enforces "
        "the rules (row-level security); on SQLite the store does, once a person was added.",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.ANNOTATOR.value)
    add.set_defaults(handler=cmd_users_add)
    listing = actions.add_parser("list", parents=[common], help="everyone, with their role")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=cmd_users_list)


def add_team_commands(commands, common: argparse.ArgumentParser) -> None:
    _add_user_commands(commands, common)
    assign = commands.add_parser(
        "assign",
        parents=[common],
        help="give documents their annotators (balanced), or open places anyone may claim",
        description="Give every chosen document exactly --per-document annotators, balanced "
        "across the people --annotators names (counting what they hold already); without "
        "--annotators the places are open to whoever claims them first. With --overlap 20%% "
        "that share of the documents gets --per-document annotators and the rest one. "
        "Documents that have places already are left as they are.",
    )
    assign.add_argument("--annotators", nargs="+", metavar="NAME", help="e.g. ana,ben,cem")
    assign.add_argument("--per-document", type=int, default=1, metavar="N", help="default 1")
    assign.add_argument("--documents", nargs="+", metavar="ID", help="default: all unassigned")
    assign.add_argument("--seed", type=int, default=13, help="seed for the plan (default 13)")
    assign.add_argument("--overlap", metavar="SHARE", help="e.g. 20%%: that share is shared")
    assign.add_argument(
        "--expire-after",
        type=int,
        metavar="MINUTES",
        help="a claim not finished after this long goes back (default 120)",
    )
    assign.set_defaults(handler=cmd_assign)

    claim = commands.add_parser(
        "claim",
        parents=[common],
        help="claim the next document from --annotator's queue",
        description="Claim one more document for --annotator: their next assigned document, "
        "else an open place on a document they hold no place on. Never one they hold or "
        'finished. Prints {"document": null} (with --json) and exits 0 when none is left.',
    )
    claim.add_argument("--json", action="store_true", help="print JSON for scripts")
    claim.set_defaults(handler=cmd_claim)

    progress = commands.add_parser(
        "progress", parents=[common], help="each person's assigned, claimed and done documents"
    )
    progress.add_argument("--json", action="store_true", help="print JSON for scripts")
    progress.set_defaults(handler=cmd_progress)
