"""A team on PostgreSQL: each person is a login role named as their annotator, and the
server itself keeps people to their own layer with row-level security.

- spans, statuses, notes and links (``span``, ``document_status``, ``note``, ``relation``):
  everyone reads everything; a row may be written by the person whose layer it is, by a
  reviewer when it is the gold layer's, and by an admin;
- gold provenance (``span_source``) follows its gold span; the reviewer's decisions
  (``review_decision``) are the gold layer's rows;
- assignments: admins make and remove them; a claim takes an open place or one's own;
- people (``annotator``): admins add and change them (a person may add only their own row);
- documents, labels and relation types are written by admins only (table privileges).

The database's owner (who created it) is above the rules, as PostgreSQL makes table owners.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

LAYER_TABLES = (
    "span",
    "document_status",
    "note",
    "relation",
    "rejected_suggestion",
    "review_decision",
)
EVERYONE_WRITES = (*LAYER_TABLES, "span_source", "relation_source", "assignment", "meta")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION annotator_me() RETURNS integer LANGUAGE sql STABLE AS
  $$ SELECT id FROM annotator WHERE name = current_user $$;
CREATE OR REPLACE FUNCTION annotator_my_role() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce((SELECT role FROM annotator WHERE name = current_user), 'annotator') $$;
CREATE OR REPLACE FUNCTION annotator_may_write(owner integer) RETURNS boolean
  LANGUAGE sql STABLE AS $$
    SELECT owner = annotator_me()
        OR annotator_my_role() = 'admin'
        OR (annotator_my_role() = 'reviewer'
            AND owner = (SELECT id FROM annotator WHERE name = 'gold'))
  $$;
"""


def _policies() -> list[tuple[str, str, str]]:
    """(table, policy, the rest of its CREATE POLICY statement)."""
    admin = "(annotator_my_role() = 'admin')"
    rules = []
    for table in LAYER_TABLES:
        may = "annotator_may_write(annotator_id)"
        rules += [
            (table, "team_insert", f"FOR INSERT WITH CHECK ({may})"),
            (table, "team_update", f"FOR UPDATE USING ({may}) WITH CHECK ({may})"),
            (table, "team_delete", f"FOR DELETE USING ({may})"),
        ]
    gold = "annotator_may_write((SELECT s.annotator_id FROM span s WHERE s.id = span_id))"
    link = "annotator_may_write((SELECT r.annotator_id FROM relation r WHERE r.id = relation_id))"
    rules += [
        ("span_source", "team_write", f"FOR ALL USING ({gold}) WITH CHECK ({gold})"),
        ("relation_source", "team_write", f"FOR ALL USING ({link}) WITH CHECK ({link})"),
        ("assignment", "team_insert", f"FOR INSERT WITH CHECK {admin}"),
        ("assignment", "team_delete", f"FOR DELETE USING {admin}"),
        (
            "assignment",
            "team_claim",
            "FOR UPDATE USING (true) WITH CHECK (annotator_id IS NULL OR "
            f"annotator_id = annotator_me() OR state = 'queued' OR {admin})",
        ),
        ("annotator", "team_insert", f"FOR INSERT WITH CHECK (name = current_user OR {admin})"),
        ("annotator", "team_update", f"FOR UPDATE USING {admin}"),
        ("annotator", "team_delete", f"FOR DELETE USING {admin}"),
    ]
    return rules


def install_policies(connection: Connection) -> None:
    """Create (or renew) the functions and row-level security policies; idempotent. Needs
    the tables' owner."""
    connection.exec_driver_sql(_FUNCTIONS)
    tables = {table for table, _, _ in _policies()}
    for table in sorted(tables):
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        connection.exec_driver_sql(f"DROP POLICY IF EXISTS team_read ON {table}")
        connection.exec_driver_sql(f"CREATE POLICY team_read ON {table} FOR SELECT USING (true)")
    for table, name, rest in _policies():
        connection.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
        connection.exec_driver_sql(f"CREATE POLICY {name} ON {table} {rest}")


def policies_installed(connection: Connection) -> bool:
    found = connection.execute(
        text("SELECT count(*) FROM pg_policies WHERE schemaname = current_schema()")
    ).scalar_one()
    return bool(found)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_login(connection: Connection, name: str, admin: bool) -> bool:
    """Make ``name`` a login role (if it is not one already) with the privileges a team
    member needs on this database; True if the role was created."""
    role = quoted(name)
    created = not connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
    ).first()
    if created:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN" + (" CREATEROLE" if admin else ""))
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {quoted(database)} TO {role}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
    connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    writes = ", ".join(EVERYONE_WRITES)
    connection.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {writes} TO {role}")
    connection.exec_driver_sql(f"GRANT INSERT ON annotator TO {role}")
    if admin:
        option = " WITH GRANT OPTION"
        connection.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}{option}")
        connection.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}{option}")
    return created


def renew_logins(connection: Connection) -> None:
    """Give every team member's login what ``create_login`` gives now (after a migration
    added a table, say): grants cover only the tables there were when they were made."""
    logins = connection.execute(
        text(
            "SELECT a.name, a.role FROM annotator a JOIN pg_roles r ON r.rolname = a.name "
            "WHERE r.rolcanlogin"
        )
    ).all()
    for name, role in logins:
        create_login(connection, name, role == "admin")


def drop_login(connection: Connection, name: str) -> None:
    """Take away what ``create_login`` gave and drop the role (tests; leaving a team)."""
    role = quoted(name)
    connection.exec_driver_sql(f"DROP OWNED BY {role}")
    connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")


CHANNEL = "annotator_changes"
NOTIFYING_TABLES = LAYER_TABLES
_NOTIFY = f"""
CREATE OR REPLACE FUNCTION annotator_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  document integer;
BEGIN
  IF TG_OP = 'DELETE' THEN document := OLD.document_id; ELSE document := NEW.document_id; END IF;
  PERFORM pg_notify('{CHANNEL}', document::text);
  RETURN NULL;
END $$;
"""


def install_notify(connection: Connection) -> None:
    """Triggers that announce, on commit, each document whose spans, statuses, notes or
    links changed (``NOTIFY annotator_changes, 'ID'``; one per document and transaction, as
    PostgreSQL folds identical notifications). Idempotent; PostgreSQL only."""
    connection.exec_driver_sql(_NOTIFY)
    for table in NOTIFYING_TABLES:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        connection.exec_driver_sql(
            f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION annotator_notify()"
        )
