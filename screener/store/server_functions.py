"""The functions every PostgreSQL project has, plain or strict: the status rules in SQL, and
a title/abstract decision as one statement (one round trip, its own transaction).

``screener_refresh_status`` computes records' statuses by the rules of
``core.screening_rules.stage_outcome``. On a strict project the triggers of
``store/security.py`` call it as the owner (SECURITY DEFINER, fixed ``search_path``), since
a reviewer role can neither read the others' decisions nor write ``stage_status``.

``screener_decide`` is the hot path of screening on a server (``core/services/
decide_server.py``). It runs as whoever calls it (SECURITY INVOKER): on a strict project
row-level security and the triggers check and complete everything it writes exactly as
they do for the ORM's statements, so it can do nothing that the caller's role could not do
with plain SQL (tests/store/test_decide_server.py writes as another reviewer through it).
It takes the common case only, as ``core/services/decide_fast.py`` does: a title/abstract
decision with no reason, on a record that exists, is not a duplicate, is not (yet)
included, and whose change of mind reopens no resolution. Anything else returns NULL
before writing a thing, and the general way does it. On a plain project it takes the
record's status row lock first (as ``core.services.status.lock_records``) and refreshes the
status itself; on a strict one the triggers do.

Installed by migration 0008 and again after every migration (``install_functions``), so a
change here reaches every project with the next migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError


def _path(s: str) -> str:
    return f"SET search_path = pg_catalog, {s}, pg_temp"


def status_function(s: str) -> str:
    """The status of records at a stage, by the rules of core.screening_rules.stage_outcome."""
    path = _path(s)
    return f"""
CREATE OR REPLACE FUNCTION {s}.screener_refresh_status(p_ids integer[], p_stage text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER {path} SET plan_cache_mode = auto AS $fn$
DECLARE
  req integer;
BEGIN
  -- For a few records (a decision: one) the plan made once is right, and planning the
  -- statement below again at every call took five times as long as running it; for many
  -- (a change of the project's settings) a plan for the records at hand is better.
  PERFORM pg_catalog.set_config('plan_cache_mode', CASE WHEN pg_catalog.cardinality(p_ids) <= 16
    THEN 'force_generic_plan' ELSE 'force_custom_plan' END, true);
  SELECT CASE WHEN p_stage = 'title_abstract' THEN reviewers_per_record_ta
              ELSE reviewers_per_record_ft END INTO req FROM {s}.project WHERE id = 1;
  req := greatest(1, coalesce(req, 1));
  -- Whoever decides on the same record waits here, then counts this decision too.
  PERFORM 1 FROM {s}.stage_status WHERE stage = p_stage AND record_id = ANY(p_ids)
    ORDER BY record_id FOR UPDATE;
  INSERT INTO {s}.stage_status AS ss (record_id, stage, status, reason, n_decisions)
  SELECT r.id, p_stage,
         CASE WHEN r.duplicate_of IS NOT NULL THEN 'duplicate'
              WHEN p_stage = 'full_text' AND rt.retrieved = false THEN 'not_retrieved'
              WHEN res.decision = 'include' THEN 'included'
              WHEN res.decision IS NOT NULL THEN 'excluded'
              WHEN coalesce(v.n, 0) < greatest(req, a.n) THEN 'undecided'
              WHEN v.n_include = v.n THEN 'included'
              WHEN v.n_exclude = v.n AND NOT (p_stage = 'full_text' AND v.n_reasons > 1)
                THEN 'excluded'
              ELSE 'conflict' END,
         CASE WHEN r.duplicate_of IS NOT NULL THEN ''
              WHEN p_stage = 'full_text' AND rt.retrieved = false THEN ''
              WHEN res.decision = 'include' THEN ''
              WHEN res.decision IS NOT NULL THEN res.reason
              WHEN coalesce(v.n, 0) < greatest(req, a.n) THEN ''
              WHEN v.n_exclude = v.n AND NOT (p_stage = 'full_text' AND v.n_reasons > 1)
                THEN v.first_reason
              ELSE '' END,
         coalesce(v.n, 0)
  FROM {s}.record r
  LEFT JOIN {s}.resolution res ON res.record_id = r.id AND res.stage = p_stage
  LEFT JOIN {s}.retrieval rt ON rt.record_id = r.id
  LEFT JOIN LATERAL (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE d.decision = 'include') AS n_include,
           count(*) FILTER (WHERE d.decision = 'exclude') AS n_exclude,
           count(DISTINCT d.reason) AS n_reasons,
           (array_agg(d.reason ORDER BY rv.name COLLATE "C"))[1] AS first_reason
    FROM {s}.decision d JOIN {s}.reviewer rv ON rv.id = d.reviewer_id
    WHERE d.record_id = r.id AND d.stage = p_stage
  ) v ON true
  -- a record assigned to more reviewers (the calibration overlap) waits for them all
  LEFT JOIN LATERAL (
    SELECT count(*) AS n FROM {s}.assignment a WHERE a.record_id = r.id AND a.stage = p_stage
  ) a ON true
  WHERE r.id = ANY(p_ids)
  ON CONFLICT (record_id, stage) DO UPDATE
    SET status = EXCLUDED.status, reason = EXCLUDED.reason, n_decisions = EXCLUDED.n_decisions
    WHERE (ss.status, ss.reason, ss.n_decisions)
          IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.reason, EXCLUDED.n_decisions);
END $fn$"""


def decide_function(s: str) -> str:
    path = _path(s)
    return f"""
CREATE OR REPLACE FUNCTION {s}.screener_decide(p_record integer, p_reviewer text, p_decision text,
                                              p_note text)
RETURNS timestamp without time zone LANGUAGE plpgsql SECURITY INVOKER {path} AS $fn$
DECLARE
  v_strict boolean;
  v_reason_required boolean;
  v_reviewer integer;
  v_found boolean;
  v_duplicate integer;
  v_status text;
  v_prev record;
  v_at timestamp without time zone := clock_timestamp() AT TIME ZONE 'utc';
BEGIN
  SELECT p.strict, p.ta_reason_required INTO v_strict, v_reason_required FROM {s}.project p WHERE p.id = 1;
  v_strict := coalesce(v_strict, false);
  IF NOT v_strict THEN  -- whoever decides on the same record waits here, then sees this decision
    PERFORM 1 FROM {s}.stage_status WHERE record_id = p_record AND stage = 'title_abstract' FOR UPDATE;
  END IF;
  SELECT r.id INTO v_reviewer FROM {s}.reviewer r WHERE r.name = p_reviewer;
  SELECT true, rc.duplicate_of INTO v_found, v_duplicate FROM {s}.record rc WHERE rc.id = p_record;
  SELECT ss.status INTO v_status FROM {s}.stage_status ss
    WHERE ss.record_id = p_record AND ss.stage = 'title_abstract';
  IF v_reviewer IS NULL OR v_found IS NULL OR v_duplicate IS NOT NULL OR v_status = 'included'
     OR (coalesce(v_reason_required, false) AND p_decision = 'exclude') THEN
    RETURN NULL;  -- not the common case: the general way decides, or says why it cannot
  END IF;
  SELECT d.id, d.decision, d.reason, d.note INTO v_prev FROM {s}.decision d
    WHERE d.record_id = p_record AND d.reviewer_id = v_reviewer AND d.stage = 'title_abstract';
  IF v_prev.id IS NOT NULL THEN
    IF (v_prev.decision, v_prev.reason) IS DISTINCT FROM (p_decision, '') AND EXISTS (
        SELECT 1 FROM {s}.resolution res WHERE res.record_id = p_record AND res.stage = 'title_abstract') THEN
      RETURN NULL;  -- a resolved conflict reopens: the general way logs it
    END IF;
    UPDATE {s}.decision SET decision = p_decision, reason = '', note = p_note, decided_at = v_at
      WHERE id = v_prev.id RETURNING decided_at INTO v_at;
    IF NOT FOUND THEN  -- row-level security showed the row but does not let the caller change it
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = 'no right to change the decision of ' || p_reviewer || ' on record ' || p_record;
    END IF;
  ELSE
    INSERT INTO {s}.decision (record_id, reviewer_id, stage, decision, reason, note, decided_at)
      VALUES (p_record, v_reviewer, 'title_abstract', p_decision, '', p_note, v_at)
      RETURNING decided_at INTO v_at;
  END IF;
  INSERT INTO {s}.event (at, kind, record_id, reviewer, stage, detail)
    VALUES (v_at, 'decision', p_record, p_reviewer, 'title_abstract', json_build_object(
      'decision', p_decision, 'reason', '', 'note', p_note, 'previous',
      CASE WHEN v_prev.id IS NULL THEN NULL
           ELSE json_build_object('decision', v_prev.decision, 'reason', v_prev.reason,
                                  'note', v_prev.note) END));
  IF NOT v_strict THEN
    PERFORM {s}.screener_refresh_status(ARRAY[p_record], 'title_abstract');
  END IF;
  RETURN v_at;
END $fn$"""


def install_functions(conn: Connection) -> None:
    """Create (or bring up to date) the functions above in the project's schema: PostgreSQL
    only, idempotent, in the caller's transaction."""
    if conn.dialect.name != "postgresql":
        return
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    s = conn.dialect.identifier_preparer.quote(schema)
    conn.exec_driver_sql(status_function(s))
    conn.exec_driver_sql(decide_function(s))


DECIDE = "SELECT screener_decide(%s, %s, %s, %s)"


def call_decide(engine: Engine, record_id: int, reviewer: str, decision: str, note: str) -> datetime | None:
    """``screener_decide`` in a transaction of its own: one round trip on a pooled connection
    (checked alive at checkout, store/liveness.py), straight through the driver: SQLAlchemy's
    statement machinery cost more of the client's CPU than the rest of a decision. Errors
    come out as SQLAlchemy's (``DBAPIError``), as from any other statement, and a
    connection that broke is not put back in the pool."""
    import psycopg

    try:
        raw = engine.raw_connection()  # connecting fails with the driver's own error
    except psycopg.Error as e:
        raise DBAPIError.instance(DECIDE, None, e, psycopg.Error, connection_invalidated=True) from e
    driver: Any = raw.driver_connection
    try:
        driver.autocommit = True
        try:
            row = driver.execute(DECIDE, (record_id, reviewer, decision, note), prepare=True).fetchone()
        finally:
            if not driver.broken:
                driver.autocommit = False
    except psycopg.Error as e:
        broken = bool(driver.broken)
        if broken:
            raw.invalidate(e)
        raise DBAPIError.instance(DECIDE, None, e, psycopg.Error, connection_invalidated=broken) from e
    finally:
        raw.close()
    return None if row is None else row[0]
