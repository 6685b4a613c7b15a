"""Strict mode on PostgreSQL: blinding, identity and an append-only history enforced by the
database itself, so that they hold against a reviewer who uses plain SQL with their login.

Who is who:
- The **owner** is the role that created the project (it owns every table). It bypasses
  row-level security, manages reviewers, criteria and batches, and alone may change or
  delete history.
- A **reviewer role** is a login role bound to one reviewer (``reviewer.login``). It reads
  only its own decisions, decision notes and private notes until every reviewer the record
  needs has decided at that stage (``stage_status`` says included, excluded or conflict);
  it can write only rows in its own name; the history is append-only for it, stamped
  with the server's clock, and every change it makes to a decision or resolution must be
  in the history; it resolves only as the project's "who may resolve" setting allows.

``stage_status`` cannot be computed by a reviewer (it cannot read the others' decisions),
so on a strict project triggers keep it, running as the owner (SECURITY DEFINER, with a
fixed ``search_path``) with the same rules as ``core.screening_rules.stage_outcome``
(``screener_refresh_status``, in store/server_functions.py with the one-statement decision).
Every statement here is idempotent: ``install`` runs when a project becomes strict and
again after every migration, so that new tables and functions are covered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from screener.store import policies as stopping  # the rules of the stopping tables
from screener.store.identity import REFUSED  # a refusal in the services' own words
from screener.store.models import Base
from screener.store.server_functions import install_functions  # status SQL, screener_decide

# Others' events that every role may read: none carries a decision or a note.
PUBLIC_EVENT_KINDS = (
    "import", "merge", "unmerge", "not_duplicate", "pair_reopened", "project_created",
    "settings_changed", "reviewer_added", "reviewer_login", "prisma_manual", "tags", "retrieval",
    "resolution", "reopened", "left_full_text", "package_created", "package_merged", "batch_deleted",
    "label_added", "label_removed", "assign", "unassign", *stopping.STOPPING_EVENT_KINDS,
)
# What a reviewer role may write in the history (in its own name): nothing of the owner's.
REVIEWER_EVENT_KINDS = (
    "decision", "undo", "note", "tags", "retrieval", "resolution", "reopened", "left_full_text",
    "package_created", "package_merged", "label", "unlabel", "labels", "bulk", "bulk_undo",
    *stopping.STOPPING_EVENT_KINDS,
)
REVEALED = "('included', 'excluded', 'conflict')"  # every reviewer the record needs has decided

# What a reviewer role may do beyond reading, table by table. Tables with row-level
# security get their policies below; a table not named here is read-only for reviewers,
# and one that has a column naming a reviewer is not readable at all until it is named
# here (tests/store/test_strict_mode.py checks that every such table is).
WRITES = {
    "decision": "INSERT, UPDATE (decision, reason, note, decided_at), DELETE",
    "record_note": "INSERT, UPDATE (text), DELETE",
    "event": "INSERT",
    "resolution": "INSERT, DELETE",
    "package_token": "INSERT, UPDATE (merged_at, merged_as)",
    "record_tag": "INSERT, DELETE",  # tags are shared labels, not anyone's decision
    "retrieval": "INSERT, UPDATE",  # whether a report was obtained is shared too
    "stored_pdf": "INSERT, UPDATE, DELETE",  # and so are the reports' PDFs
    "record_label": "INSERT, DELETE",  # a reviewer's own labels (a strict project is blind)
    **stopping.STOPPING_WRITES,  # store/policies.py
}
RLS_TABLES = ("decision", "record_note", "event", "resolution", "package_token", "record_label",
              "assignment", *stopping.STOPPING_RLS)
SEQUENCES = ("decision", "event", "resolution", "package_token", *stopping.STOPPING_SEQUENCES)  # serial ids
OWNER_ONLY_COLUMNS = ("reviewer_id", "reviewer", "login", "secret_sha256")


def private_tables() -> list[str]:
    """Tables holding something of a particular reviewer's, which need a rule of their own."""
    return sorted(
        t.name for t in Base.metadata.sorted_tables
        if any(c.name in OWNER_ONLY_COLUMNS for c in t.columns) and t.name != "reviewer"
    )


def readable_tables() -> list[str]:
    return ["alembic_version"] + sorted(
        t.name for t in Base.metadata.sorted_tables
        if t.name not in private_tables() or t.name in RLS_TABLES
    )


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _functions(s: str) -> list[str]:
    path = f"SET search_path = pg_catalog, {s}, pg_temp"
    # The owner is looked up when the trigger runs, so a restored dump (new role ids, maybe
    # another owner) keeps working.
    not_owner = (f"NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c "
                 f"WHERE c.oid = '{s}.project'::regclass), 'MEMBER')")
    return [
        # After a decision changes: reopen a resolved conflict whose decision or reason
        # changed (as core.services.screening does), then refresh the status.
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_decision() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
DECLARE
  gone text;
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.decision, OLD.reason) IS DISTINCT FROM (NEW.decision, NEW.reason) THEN
    DELETE FROM {s}.resolution WHERE record_id = NEW.record_id AND stage = NEW.stage
      RETURNING decision INTO gone;
    IF gone IS NOT NULL THEN
      INSERT INTO {s}.event (at, kind, record_id, reviewer, stage, detail)
      SELECT clock_timestamp() AT TIME ZONE 'utc', 'reopened', NEW.record_id, rv.name, NEW.stage,
             json_build_object('why', 'a reviewer changed a decision after the conflict was resolved',
                               'resolution', gone)
      FROM {s}.reviewer rv WHERE rv.id = NEW.reviewer_id;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[OLD.record_id], OLD.stage);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.record_id, OLD.stage) IS DISTINCT FROM (NEW.record_id, NEW.stage)) THEN
    PERFORM {s}.screener_refresh_status(ARRAY[NEW.record_id], NEW.stage);
  END IF;
  RETURN NULL;
END $fn$""",
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_resolution() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[OLD.record_id], OLD.stage);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[NEW.record_id], NEW.stage);
  END IF;
  RETURN NULL;
END $fn$""",
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_record() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN
  PERFORM {s}.screener_refresh_status(ARRAY[NEW.id], 'title_abstract');
  PERFORM {s}.screener_refresh_status(ARRAY[NEW.id], 'full_text');
  RETURN NULL;
END $fn$""",
        # Assigning a record to more reviewers than the project asks for makes it wait for them.
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_assignment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[OLD.record_id], OLD.stage);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[NEW.record_id], NEW.stage);
  END IF;
  RETURN NULL;
END $fn$""",
        # A report marked not retrieved is not assessed at full text (core.services.status).
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_retrieval() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[OLD.record_id], 'full_text');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM {s}.screener_refresh_status(ARRAY[NEW.record_id], 'full_text');
  END IF;
  RETURN NULL;
END $fn$""",
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_on_project() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN
  IF OLD.reviewers_per_record_ta IS DISTINCT FROM NEW.reviewers_per_record_ta THEN
    PERFORM {s}.screener_refresh_status(ARRAY(SELECT id FROM {s}.record), 'title_abstract');
  END IF;
  IF OLD.reviewers_per_record_ft IS DISTINCT FROM NEW.reviewers_per_record_ft THEN
    PERFORM {s}.screener_refresh_status(ARRAY(SELECT id FROM {s}.record), 'full_text');
  END IF;
  RETURN NULL;
END $fn$""",
        # Before a reviewer role writes a decision or resolution: the row locks of the
        # record's statuses, as core.services.status.lock_records takes them, so that a dedup
        # run merging the record waits for the decision, or the decision for the run. A
        # trigger function (PostgreSQL refuses to call one directly), so that a reviewer
        # cannot take these locks at will and hold up everyone's work.
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_lock_for_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $fn$
BEGIN  -- for every role: here current_user is the owner (and the owner's services hold them already)
  PERFORM 1 FROM {s}.stage_status WHERE record_id = NEW.record_id ORDER BY stage FOR UPDATE;
  RETURN NEW;
END $fn$""",
        # Before a reviewer role writes: the server's clock, not the client's; and the
        # rules the services check, for a decision or resolution written with plain SQL.
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_check_write() RETURNS trigger
LANGUAGE plpgsql {path} AS $fn$
DECLARE
  merged_into integer;
BEGIN
  IF {not_owner} THEN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], clock_timestamp() AT TIME ZONE 'utc'));
    IF TG_TABLE_NAME IN ('decision', 'resolution') THEN
      -- screener_lock_for_write has waited for a dedup run merging this record: see the merge.
      SELECT duplicate_of INTO merged_into FROM {s}.record WHERE id = NEW.record_id;
      IF merged_into IS NOT NULL THEN  -- the services' own words (core.services.base.REFUSED)
        RAISE EXCEPTION USING ERRCODE = '{REFUSED}', MESSAGE = 'record ' || NEW.record_id
          || ' is a duplicate of record ' || merged_into || '; decide on that one';
      END IF;
      IF TG_OP = 'INSERT' AND NEW.stage = 'full_text' AND NOT EXISTS (
          SELECT 1 FROM {s}.stage_status WHERE record_id = NEW.record_id
          AND stage = 'title_abstract' AND status = 'included') THEN
        RAISE EXCEPTION USING MESSAGE = 'record ' || NEW.record_id || ' is not included at title/abstract, so it is not at full text';
      END IF;
      IF NEW.stage = 'full_text' AND NEW.decision = 'exclude'
         AND NOT EXISTS (SELECT 1 FROM {s}.exclusion_reason WHERE text = NEW.reason) THEN
        RAISE EXCEPTION 'a full-text exclusion needs a reason from the project''s list';
      END IF;
      IF NEW.stage = 'full_text' AND NEW.decision <> 'exclude' AND NEW.reason <> '' THEN
        RAISE EXCEPTION 'only a full-text exclusion has a reason';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END $fn$""",
        # At commit: every change a reviewer role made to a decision or a resolution is in
        # the history, in that reviewer's name (so plain SQL cannot change one unseen).
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_check_logged() RETURNS trigger
LANGUAGE plpgsql {path} AS $fn$
DECLARE
  row_ record;
  kinds text[];
BEGIN
  IF NOT {not_owner} THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN row_ := OLD; ELSE row_ := NEW; END IF;
  kinds := CASE WHEN TG_TABLE_NAME = 'decision' THEN ARRAY['decision', 'undo']
                WHEN TG_OP = 'DELETE' THEN ARRAY['reopened'] ELSE ARRAY['resolution'] END;
  IF NOT EXISTS (
      SELECT 1 FROM {s}.event e JOIN {s}.reviewer rv ON rv.name = e.reviewer
      WHERE e.record_id = row_.record_id AND e.stage = row_.stage AND e.kind = ANY(kinds)
        AND rv.login = current_user AND e.at >= (now() AT TIME ZONE 'utc')) THEN
    RAISE EXCEPTION USING MESSAGE = 'a change to a ' || TG_TABLE_NAME || ' must be recorded in the history';
  END IF;
  RETURN NULL;
END $fn$""",
        # At commit: a reviewer role's history entry saying it decided or resolved is true.
        f"""
CREATE OR REPLACE FUNCTION {s}.screener_check_claim() RETURNS trigger
LANGUAGE plpgsql {path} AS $fn$
BEGIN
  IF NOT {not_owner} THEN
    RETURN NULL;
  END IF;
  IF NEW.kind = 'decision' AND NOT EXISTS (
      SELECT 1 FROM {s}.decision d JOIN {s}.reviewer rv ON rv.id = d.reviewer_id
      WHERE d.record_id = NEW.record_id AND d.stage = NEW.stage AND rv.name = NEW.reviewer) THEN
    RAISE EXCEPTION USING MESSAGE = 'the history says ' || NEW.reviewer || ' decided on record '
      || coalesce(NEW.record_id::text, '?') || ', but there is no such decision';
  END IF;
  IF NEW.kind = 'resolution' AND NOT EXISTS (
      SELECT 1 FROM {s}.resolution r JOIN {s}.reviewer rv ON rv.id = r.reviewer_id
      WHERE r.record_id = NEW.record_id AND r.stage = NEW.stage AND rv.name = NEW.reviewer) THEN
    RAISE EXCEPTION USING MESSAGE = 'the history says ' || NEW.reviewer || ' resolved record '
      || coalesce(NEW.record_id::text, '?') || ', but there is no such resolution';
  END IF;
  RETURN NULL;
END $fn$""",
    ]


def _triggers(s: str) -> list[str]:
    out = []
    for table, column, when in (("decision", "decided_at", "INSERT OR UPDATE"),
                                ("resolution", "resolved_at", "INSERT"), ("event", "at", "INSERT"),
                                ("package_token", "created_at", "INSERT"),
                                *((t, c, "INSERT") for t, c in stopping.STOPPING_STAMPED)):
        out += [
            f"DROP TRIGGER IF EXISTS screener_check_write ON {s}.{table}",
            f"CREATE TRIGGER screener_check_write BEFORE {when} ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.screener_check_write('{column}')",
        ]
    for table, when in (("decision", "INSERT OR UPDATE"), ("resolution", "INSERT")):
        out += [  # before screener_check_write: BEFORE triggers fire in the order of their names
            f"DROP TRIGGER IF EXISTS screener_check_lock ON {s}.{table}",
            f"CREATE TRIGGER screener_check_lock BEFORE {when} ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.screener_lock_for_write()",
        ]
    for table in ("decision", "resolution"):
        out += [
            f"DROP TRIGGER IF EXISTS screener_status ON {s}.{table}",
            f"CREATE TRIGGER screener_status AFTER INSERT OR UPDATE OR DELETE ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.screener_on_{table}()",
            f"DROP TRIGGER IF EXISTS screener_logged ON {s}.{table}",
            f"CREATE CONSTRAINT TRIGGER screener_logged AFTER INSERT OR UPDATE OR DELETE ON {s}.{table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {s}.screener_check_logged()",
        ]
    out += [
        f"DROP TRIGGER IF EXISTS screener_claim ON {s}.event",
        f"CREATE CONSTRAINT TRIGGER screener_claim AFTER INSERT ON {s}.event DEFERRABLE INITIALLY "
        f"DEFERRED FOR EACH ROW WHEN (NEW.kind IN ('decision', 'resolution')) "
        f"EXECUTE FUNCTION {s}.screener_check_claim()",
        f"DROP TRIGGER IF EXISTS screener_status ON {s}.record",
        f"CREATE TRIGGER screener_status AFTER UPDATE OF duplicate_of ON {s}.record FOR EACH ROW "
        f"WHEN (OLD.duplicate_of IS DISTINCT FROM NEW.duplicate_of) "
        f"EXECUTE FUNCTION {s}.screener_on_record()",
        f"DROP TRIGGER IF EXISTS screener_status ON {s}.retrieval",
        f"CREATE TRIGGER screener_status AFTER INSERT OR UPDATE OF retrieved, record_id OR DELETE "
        f"ON {s}.retrieval FOR EACH ROW EXECUTE FUNCTION {s}.screener_on_retrieval()",
        f"DROP TRIGGER IF EXISTS screener_status ON {s}.assignment",
        f"CREATE TRIGGER screener_status AFTER INSERT OR UPDATE OR DELETE ON {s}.assignment "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.screener_on_assignment()",
        f"DROP TRIGGER IF EXISTS screener_status ON {s}.project",
        f"CREATE TRIGGER screener_status AFTER UPDATE OF reviewers_per_record_ta, "
        f"reviewers_per_record_ft ON {s}.project FOR EACH ROW EXECUTE FUNCTION {s}.screener_on_project()",
    ]
    return out


def _policies(s: str) -> dict[str, list[str]]:
    me = f"(SELECT r.id FROM {s}.reviewer r WHERE r.login = current_user)"
    my_name = f"(SELECT r.name FROM {s}.reviewer r WHERE r.login = current_user)"

    def revealed(table: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {s}.stage_status ss WHERE ss.record_id = {table}.record_id "
                f"AND ss.stage = {table}.stage AND ss.status IN {REVEALED})")

    may_resolve = f"""(CASE (SELECT p.resolve_policy FROM {s}.project p WHERE p.id = 1)
        WHEN 'consensus' THEN {me} IS NOT NULL
        WHEN 'resolver' THEN EXISTS (SELECT 1 FROM {s}.reviewer r
                                     WHERE r.login = current_user AND r.role = 'resolver')
        WHEN 'third-party' THEN {me} IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM {s}.decision d WHERE d.reviewer_id = {me}
            AND d.record_id = resolution.record_id AND d.stage = resolution.stage)
        ELSE false END)"""
    public = ", ".join(_literal(k) for k in PUBLIC_EVENT_KINDS)
    writable = ", ".join(_literal(k) for k in REVIEWER_EVENT_KINDS)
    return {
        "decision": [
            f"FOR SELECT USING (reviewer_id = {me} OR {revealed('decision')})",
            f"FOR INSERT WITH CHECK (reviewer_id = {me})",
            f"FOR UPDATE USING (reviewer_id = {me}) WITH CHECK (reviewer_id = {me})",
            f"FOR DELETE USING (reviewer_id = {me})",
        ],
        "record_note": [f"FOR ALL USING (reviewer_id = {me}) WITH CHECK (reviewer_id = {me})"],
        "event": [
            f"FOR SELECT USING (reviewer = {my_name} OR (kind <> 'note' AND (reviewer = '' "
            f"OR kind IN ({public}) OR (kind IN ('decision', 'undo') AND {revealed('event')}))))",
            f"FOR INSERT WITH CHECK (reviewer = {my_name} AND kind IN ({writable}))",
        ],
        "resolution": [
            "FOR SELECT USING (true)",
            f"FOR INSERT WITH CHECK (reviewer_id = {me} AND {may_resolve} AND EXISTS ("
            f"SELECT 1 FROM {s}.stage_status ss WHERE ss.record_id = resolution.record_id "
            f"AND ss.stage = resolution.stage AND ss.status = 'conflict'))",
            f"FOR DELETE USING ({may_resolve})",
        ],
        "package_token": [f"FOR ALL USING (reviewer_id = {me}) WITH CHECK (reviewer_id = {me})"],
        "record_label": [f"FOR ALL USING (reviewer_id = {me}) WITH CHECK (reviewer_id = {me})"],
        # who is given which records is the team's plan, not anyone's judgement
        "assignment": ["FOR SELECT USING (true)"],
        **stopping.stopping_policies(s),
    }


def _schema(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())


def install(conn: Connection) -> list[str]:
    """Make the project on ``conn`` strict (or bring its security up to date): functions,
    triggers, row-level security and the grants of every reviewer's login role. Runs in the
    caller's transaction, as the project's owner. Returns warnings for the admin."""
    schema = _schema(conn)
    s = _q(conn, schema)
    run = conn.exec_driver_sql
    install_functions(conn)
    # a development build's lock callable by reviewers (now screener_lock_for_write, a trigger's)
    run(f"DROP FUNCTION IF EXISTS {s}.screener_lock_status(integer)")
    for statement in _functions(s) + _triggers(s):
        run(statement)
    for name in ("refresh_status", "on_decision", "on_resolution", "on_record", "on_retrieval",
                 "on_project", "on_assignment", "check_write", "check_logged", "check_claim",
                 "lock_for_write"):
        args = {"refresh_status": "integer[], text"}.get(name, "")
        run(f"REVOKE ALL ON FUNCTION {s}.screener_{name}({args}) FROM PUBLIC")
    for table, policies in _policies(s).items():
        run(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        existing = run("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                       "AND tablename = %(t)s", {"t": table}).scalars().all()
        for name in existing:
            run(f"DROP POLICY {_q(conn, name)} ON {s}.{table}")
        for i, policy in enumerate(policies):
            run(f"CREATE POLICY screener_{table}_{i} ON {s}.{table} {policy}")
    warnings = []
    schema_owned, db_owned = run(
        "SELECT pg_has_role(current_user, n.nspowner, 'MEMBER'), pg_has_role(current_user, d.datdba, "
        "'MEMBER') FROM pg_namespace n, pg_database d WHERE n.nspname = current_schema() "
        "AND d.datname = current_database()").one()
    if schema_owned:
        run(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
    else:
        warnings.append(f"ask the server's admin to run: REVOKE CREATE ON SCHEMA {schema} FROM "
                        "PUBLIC (so that no other role can create objects beside the project's)")
    if db_owned:
        run(f"REVOKE ALL ON DATABASE {_q(conn, database(conn))} FROM PUBLIC")
    else:
        warnings.append("other roles on this server may still connect to the database (they can "
                        "read nothing in it): only the database's owner can stop that")
    for login in conn.exec_driver_sql(
        "SELECT login FROM reviewer WHERE login IS NOT NULL AND login <> current_user"
    ).scalars():
        warnings += grant_reviewer(conn, str(login))
    return warnings


def after_migrate(conn: Connection) -> None:
    """After migrations on a server project: bring its functions up to date and, on a strict
    one, its security, so that tables and columns the migrations added are covered (and
    nothing else is opened)."""
    if conn.dialect.name != "postgresql":
        return
    install_functions(conn)  # every server project's (store/server_functions.py)
    if conn.exec_driver_sql("SELECT to_regclass('project') IS NOT NULL").scalar() and \
            conn.exec_driver_sql("SELECT strict FROM project WHERE id = 1").scalar():
        install(conn)


def database(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_database()").scalar_one())


def role_exists(conn: Connection, role: str) -> bool:
    return bool(conn.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": role}).first())


def grant_reviewer(conn: Connection, login: str) -> list[str]:
    """Give a reviewer's login role what a reviewer may do in this project, and no more."""
    if not role_exists(conn, login):
        return [f"reviewer role {login!r} does not exist on this server: add it again with "
                "'screener reviewer add PROJECT NAME --login --password-file FILE'"]
    s, role, run = _q(conn, _schema(conn)), _q(conn, login), conn.exec_driver_sql
    run(f"GRANT CONNECT ON DATABASE {_q(conn, database(conn))} TO {role}")
    run(f"GRANT USAGE ON SCHEMA {s} TO {role}")
    present = set(conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").scalars())
    for table in readable_tables():
        if table in present:
            run(f"GRANT SELECT ON {s}.{_q(conn, table)} TO {role}")
    for table, privileges in WRITES.items():
        run(f"GRANT {privileges} ON {s}.{table} TO {role}")
    for table in SEQUENCES:
        sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": f"{s}.{table}"}).scalar()
        if sequence:
            run(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")
    return []


def create_login(conn: Connection, login: str, password: str) -> None:
    """A new login role for a reviewer. The password is hashed (SCRAM-SHA-256) here, so it
    never reaches the server, or its logs, in the clear."""
    raw: Any = conn.connection.driver_connection
    verifier = raw.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    conn.exec_driver_sql(
        f"CREATE ROLE {_q(conn, login)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
        f"NOREPLICATION NOBYPASSRLS PASSWORD {_literal(verifier.decode())}"
    )
