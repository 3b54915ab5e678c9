"""People and permissions: each person changes only their own layer, only reviewers the
gold layer; on PostgreSQL the server refuses the rest, on a SQLite team file the store does.
Every refusal is one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select

from annotator.core.documents import Document
from annotator.core.review import GOLD
from annotator.core.spans import Span
from annotator.store import open_store
from annotator.store.annotators import annotator_id
from annotator.store.assignments import assign
from annotator.store.decisions import decisions_of, record_decision
from annotator.store.documents import add_documents
from annotator.store.engine import reading, writing
from annotator.store.notes import add_note
from annotator.store.permissions import PermissionDenied, Role, act_as
from annotator.store.review import (
    accept_version,
    add_gold,
    gold_layer,
    mark_reviewed,
    reject_all,
)
from annotator.store.spans import add_span, delete_span, document_spans, update_span
from annotator.store.status import Status, set_status
from annotator.store.tables import SPAN
from annotator.store.users import add_user, list_users
from tests import team_pg

TEXT = "Zoë Ruiz (ICE) said 🙂 that «Los Ángeles» is calm."


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def _team(engine) -> int:
    doc = add_documents(engine, [Document(text=TEXT, title="Zoë")]).ids[0]
    add_user(engine, "ana")
    add_user(engine, "ben")
    add_user(engine, "rita", Role.REVIEWER)
    return doc


def test_a_file_without_people_is_one_persons_and_anything_goes(db_path) -> None:
    engine = open_store(db_path)
    doc = add_documents(engine, [Document(text=TEXT, title="Zoë")]).ids[0]
    act_as(engine, "ana")
    add_span(engine, doc, "ben", Span(0, 3, "actor"))  # e.g. a model's layer
    add_gold(engine, doc, Span(0, 3, "actor"))
    assert len(gold_layer(engine, doc)) == 1
    engine.dispose()


def test_on_a_sqlite_team_file_the_store_keeps_people_to_their_layer(db_path) -> None:
    engine = open_store(db_path)
    doc = _team(engine)
    assert [(p.name, p.role) for p in list_users(engine)] == [
        ("ana", Role.ANNOTATOR),
        ("ben", Role.ANNOTATOR),
        ("rita", Role.REVIEWER),
    ]
    act_as(engine, "ben")
    ben_span, _ = add_span(engine, doc, "ben", Span(0, 8, "actor"))
    act_as(engine, "ana")
    mine, _ = add_span(engine, doc, "ana", Span(0, 3, "actor"))
    set_status(engine, doc, "ana", Status.DONE)
    add_note(engine, doc, "ana", "Zoë: check «Ruiz»")
    with pytest.raises(PermissionDenied) as refused:
        add_span(engine, doc, "ben", Span(10, 13, "agency"))
    assert (
        _one_line(refused)
        == "ana may not change ben's annotations: each person changes only their own"
    )
    with pytest.raises(PermissionDenied):
        delete_span(engine, ben_span.id, "ben")
    with pytest.raises(PermissionDenied):
        set_status(engine, doc, "ben", Status.DONE)
    with pytest.raises(PermissionDenied) as refused:
        accept_version(engine, doc, 0, 8, "ana")
    assert _one_line(refused).startswith("ana may not change the gold layer: only a reviewer may")
    with pytest.raises(PermissionDenied):
        mark_reviewed(engine, doc)
    act_as(engine, "rita")
    accept_version(engine, doc, 0, 8, "ben")
    mark_reviewed(engine, doc)
    with pytest.raises(PermissionDenied):
        update_span(engine, mine.id, "ana", label="agency")
    act_as(engine, None)  # the file's owner (a script) writes anything
    add_span(engine, doc, "ben", Span(10, 13, "agency"))
    assert [s.label for s in document_spans(engine, doc, "ana")] == ["actor"]
    assert [(g.span.start, g.span.end) for g in gold_layer(engine, doc)] == [(0, 8)]
    engine.dispose()


def test_only_an_admin_adds_people_to_a_team_file(db_path) -> None:
    engine = open_store(db_path)
    _team(engine)
    act_as(engine, "rita")
    with pytest.raises(PermissionDenied, match="rita may not add people: only an admin may"):
        add_user(engine, "eve", Role.ADMIN)
    with pytest.raises(PermissionDenied, match="rita may not assign documents"):
        assign(engine, ["ana", "ben"], per_document=1)
    act_as(engine, None)
    add_user(engine, "olga", Role.ADMIN)
    act_as(engine, "olga")
    add_user(engine, "eve")
    assert "eve" in {p.name for p in list_users(engine)}
    engine.dispose()


# PostgreSQL: each person connects as their own role and the server enforces the rules.


@pytest.fixture
def pg_team() -> Iterator[tuple[str, dict[str, str], int]]:
    """A fresh database with a document and three people (unique role names): its owner's
    URL, each person's URL by their role, the document's id."""
    with team_pg.fresh_database() as owner_url:
        owner = open_store(owner_url)
        doc = add_documents(owner, [Document(text=TEXT, title="Zoë")]).ids[0]
        names = {
            "annotator": team_pg.unique("ana"),
            "other": team_pg.unique("ben"),
            "reviewer": team_pg.unique("rita"),
        }
        for kind, name in names.items():
            add_user(owner, name, Role.REVIEWER if kind == "reviewer" else Role.ANNOTATOR)
        owner.dispose()
        database = owner_url.rsplit("/", 1)[1]
        yield owner_url, {k: team_pg.url(database, n) for k, n in names.items()}, doc


def _name(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0]


def test_postgres_roles_write_only_their_layer_and_reviewers_gold(pg_team) -> None:
    _owner_url, urls, doc = pg_team
    ana, ben, rita = (open_store(urls[k]) for k in ("annotator", "other", "reviewer"))
    ana_name, ben_name = _name(urls["annotator"]), _name(urls["other"])
    try:
        ben_span, _ = add_span(ben, doc, ben_name, Span(0, 8, "actor"))
        mine, _ = add_span(ana, doc, ana_name, Span(0, 3, "actor"))
        set_status(ana, doc, ana_name, Status.DONE)
        with pytest.raises(PermissionDenied) as refused:
            add_span(ana, doc, ben_name, Span(10, 13, "agency"))
        assert _one_line(refused) == (
            f"{ana_name} may not change {ben_name}'s annotations: each person changes only "
            "their own"
        )
        with pytest.raises(PermissionDenied):
            accept_version(ana, doc, 0, 8, ben_name)
        edit = accept_version(rita, doc, 0, 8, ben_name)
        assert [g.sources for g in edit.added] == [(ben_name,)]
        mark_reviewed(rita, doc)
        with pytest.raises(PermissionDenied):
            delete_span(rita, mine.id, ana_name)

        # Past the store's checks, the server itself refuses: row-level security.
        with pytest.raises(PermissionDenied) as refused, writing(ana) as connection:
            who = annotator_id(connection, ben_name, create=False)
            connection.execute(
                insert(SPAN).values(document_id=doc, annotator_id=who, label_id=1, start=20, end=22)
            )
        assert "row-level security" in _one_line(refused)
        with writing(ana) as connection:  # another's rows are out of reach: nothing deleted
            gone = connection.execute(SPAN.delete().where(SPAN.c.id == ben_span.id)).rowcount
            gold = annotator_id(connection, GOLD, create=False)
            untouched = connection.execute(
                SPAN.update().where(SPAN.c.annotator_id == gold).values(start=1)
            ).rowcount
        assert (gone, untouched) == (0, 0)
        with writing(rita) as connection:
            left = connection.execute(select(SPAN.c.id).where(SPAN.c.id == ben_span.id)).all()
        assert left
    finally:
        for engine in (ana, ben, rita):
            engine.dispose()


def test_postgres_cli_refusal_is_one_line(pg_team) -> None:
    from tests.test_cli import run

    _owner_url, urls, _doc = pg_team
    result = run(
        "tag-all",
        "Zoë",
        "--label",
        "actor",
        "--annotator",
        _name(urls["other"]),
        db=urls["annotator"].replace("+psycopg", ""),
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"annotator: {_name(urls['annotator'])} may not change {_name(urls['other'])}'s "
        "annotations: each person changes only their own"
    )


def test_a_postgres_admin_adds_people_an_annotator_may_not(pg_team) -> None:
    owner_url, urls, doc = pg_team
    database = owner_url.rsplit("/", 1)[1]
    olga, eve = team_pg.unique("olga"), team_pg.unique("eve")
    owner = open_store(owner_url)
    add_user(owner, olga, Role.ADMIN)
    owner.dispose()
    admin = open_store(team_pg.url(database, olga))
    ana = open_store(urls["annotator"])
    try:
        assert add_user(admin, eve) is True
        with pytest.raises(PermissionDenied, match="may not add people: only an admin may"):
            add_user(ana, team_pg.unique("mallory"))
        newcomer = open_store(team_pg.url(database, eve))
        add_span(newcomer, doc, eve, Span(0, 3, "actor"))
        add_span(admin, doc, eve, Span(4, 8, "actor"))  # an admin writes anyone's layer
        assert len(document_spans(newcomer, doc, eve)) == 2
        newcomer.dispose()
    finally:
        admin.dispose()
        ana.dispose()


def test_postgres_review_decisions_are_the_gold_layers_after_a_v8_team_migrates(pg_team) -> None:
    owner_url, urls, doc = pg_team
    owner = open_store(owner_url)
    with writing(owner) as connection:  # the team's database as version 8 left it
        connection.exec_driver_sql("DROP TABLE review_decision")
        connection.exec_driver_sql("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    owner.dispose()
    open_store(owner_url).dispose()  # the owner opens it: migrated, grants renewed
    ana, rita = open_store(urls["annotator"]), open_store(urls["reviewer"])
    try:
        add_span(ana, doc, _name(urls["annotator"]), Span(0, 3, "actor"))
        reject_all(rita, doc, 0, 3, record=(0, 3))
        with pytest.raises(PermissionDenied) as refused, writing(ana) as connection:
            record_decision(connection, doc, (20, 22))  # past the store: the server refuses
        assert "row-level security" in _one_line(refused)
        with reading(ana) as connection:
            assert decisions_of(connection, doc).groups == {(0, 3)}
    finally:
        ana.dispose()
        rita.dispose()
