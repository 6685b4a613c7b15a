"""On a strict project, a reviewer role's decision and a merge of its record follow each
other too: the decision's trigger (``screener_check_write``) takes the record's status row
locks (trigger ``screener_check_lock``, which fires first) before it checks that the record is not merged, and
the dedup run, as the owner, takes the same locks (``merging.lock_for_merge``) before it
reads the decisions. A reviewer role may not lock the rows itself, so before this the run
skipped them and the trigger checked without waiting: a decision committed while a run
was writing left its record decided and merged away.

A project made before (schema 0009) gets the lock when its owner opens it (migration 0010,
then ``security.after_migrate``). Two real connections on a real server, held and watched
as ``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from screener.store import security
from screener.types import ScreenerError, run_work
from tests.factories import add_batch, make_record
from tests.pg import PostgresServer
from tests.store.races import (
    DECIDED_FIRST,
    WAIT,
    Worker,
    pair_state,
    refused_while_merging,
    waits_for_lock,
)
from tests.store.test_dedup_service import TITLE, article
from tests.team import Team, strict_team


def _pair_team(postgres: PostgresServer, tmp_path: Path) -> Team:
    """A strict project in which 1 and 2 are the same article (certain duplicates), 3 another,
    and one reviewer decides each record."""
    team = strict_team(postgres, tmp_path, records=0, per_record=1)
    with team.open() as owner:
        add_batch(owner, [article(1, doi="10.1/original"),
                          article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"],
                                  pages="1002-10"),
                          make_record(3)], tmp=tmp_path)
    return team


def _watch(team: Team) -> str:
    """A superuser's URL: it sees every role's lock waits (the owner sees only its own)."""
    return f"postgresql+psycopg://{team.server.user}@127.0.0.1:{team.server.port}/{team.database}"



def _decide_while_the_run_writes(team: Team) -> None:
    """The run (the owner) has read that nobody decided on 1 or 2 and is about to merge 2
    into 1 when ana includes 2: her decision waits for the run, then is refused."""
    with team.open() as runner, team.open("ana") as ana:
        summary = refused_while_merging(runner, ana, team["ana"], _watch(team), lambda: run_work(runner.dedup.run()))
    assert summary.merged == 1  # type: ignore[attr-defined]


def test_a_reviewer_roles_decision_made_while_a_run_writes_waits_and_is_refused(
        postgres: PostgresServer, tmp_path: Path) -> None:
    _decide_while_the_run_writes(_pair_team(postgres, tmp_path))


def test_a_reviewer_roles_decision_being_written_is_waited_for_by_the_run_and_keeps_its_record(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """Ana excludes 2 with plain SQL, her transaction still open (her trigger holds 2's
    statuses), when the run starts writing: the run waits for her commit, then sees 2
    decided and keeps it, merging 1 into it."""
    team = _pair_team(postgres, tmp_path)
    with team.open() as runner, team.sql("ana") as ana:
        ana.execute("INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
                    "SELECT 2, id, 'title_abstract', 'exclude', '', '', now() FROM reviewer WHERE login = current_user")
        ana.execute("INSERT INTO event (at, kind, record_id, reviewer, stage, detail) VALUES (now(), 'decision', 2, "
                    "%s, 'title_abstract', '{\"decision\": \"exclude\", \"reason\": \"\", \"note\": \"\"}')",
                    (team["ana"],))
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        dedup.start()
        try:
            waited = waits_for_lock(_watch(team), dedup)
        finally:
            ana.commit()
        merged = dedup.outcome().merged
        # the run's writing transaction waited for her commit, and kept the decided record
        assert (waited, merged, pair_state(runner)) == (True, 1, DECIDED_FIRST)


def test_a_strict_project_made_before_the_lock_gets_it_when_its_owner_opens_it(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """The project as schema 0009 left it: the trigger checks without the lock, and there is
    no lock function. Opened by the owner, it is upgraded, and the race is closed."""
    team = _pair_team(postgres, tmp_path)
    with team.sql(autocommit=True) as conn:
        s = '"' + conn.execute("SELECT current_schema()").fetchone()[0] + '"'  # type: ignore[index]
        for table in ("decision", "resolution"):
            conn.execute(f"DROP TRIGGER screener_check_lock ON {s}.{table}")
        conn.execute(f"DROP FUNCTION {s}.screener_lock_for_write()")
        conn.execute("UPDATE alembic_version SET version_num = '0009'")
    with pytest.raises(ScreenerError, match="the project on the server is at schema 0009"):
        team.open("ana")  # a reviewer role cannot upgrade it
    team.open().close()  # the owner upgrades it
    _decide_while_the_run_writes(team)  # the lock is there, and ana may take it


def test_a_reviewer_role_cannot_take_the_status_locks_at_will(postgres: PostgresServer, tmp_path: Path) -> None:
    """The locks are taken by a trigger as a decision is written, never by a function a
    reviewer can call: else plain SQL could lock every record's statuses in an open
    transaction and hold up everyone's decisions and dedup runs, writing nothing."""
    team = _pair_team(postgres, tmp_path)
    with team.sql("ana") as ana:
        with pytest.raises(psycopg.Error, match="permission denied|trigger functions can only be called"):
            ana.execute("SELECT screener_lock_for_write()")
        ana.rollback()
        with pytest.raises(psycopg.errors.UndefinedFunction):  # the callable one is gone
            ana.execute("SELECT screener_lock_status(1)")
        ana.rollback()
    with team.sql() as owner:  # not even the owner can call the trigger's function
        with pytest.raises(psycopg.Error, match="trigger functions can only be called"):
            owner.execute("SELECT screener_lock_for_write()")
        owner.rollback()
    with team.sql(autocommit=True) as conn:  # a development build's callable lock, granted to ana
        conn.execute("CREATE FUNCTION screener_lock_status(p integer) RETURNS void LANGUAGE sql "
                     "SECURITY DEFINER AS 'SELECT NULL::void'")
        conn.execute(f'GRANT EXECUTE ON FUNCTION screener_lock_status(integer) TO "{team["ana"]}"')
        for _ in range(2):  # installing (as after every migration) removes it, and again does no harm
            with team.open() as p, p.store.write_engine.begin() as c:
                security.install(c)
            assert conn.execute("SELECT to_regprocedure('screener_lock_status(integer)')").fetchone() == (None,)
    _decide_while_the_run_writes(team)  # and ana's decisions still wait for a run, as before


def test_a_reviewer_roles_bulk_decision_and_a_run_do_not_deadlock(postgres: PostgresServer, tmp_path: Path) -> None:
    """Ana has decided on 1, not on 2, and excludes both at once: her rows lock their records'
    statuses one by one in the database (``screener_check_lock``), so they are written in
    record id order (1 changed, then 2 new), as the run locks 1 then 2. She is held before
    her second write, having locked 1, when the run starts: it waits for her, and both end
    well (before, she wrote 2 first, then waited for the run holding 1: a deadlock)."""
    team = _pair_team(postgres, tmp_path)
    with team.open() as runner, team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include")
        writes = {"n": 0}
        reached, go = threading.Event(), threading.Event()

        def before(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            if threading.current_thread().name == "bulk" and statement.startswith(("INSERT INTO decision",
                                                                                     "UPDATE decision")):
                writes["n"] += 1
                if writes["n"] == 2:
                    reached.set()
                    assert go.wait(WAIT), "the test never let the bulk decision go on"

        event.listen(ana.store.write_engine, "before_cursor_execute", before)
        bulk = Worker("bulk", lambda: ana.bulk.decide([1, 2], team["ana"], "exclude"))
        bulk.start()
        try:
            assert reached.wait(WAIT), "the bulk decision never wrote twice"
            dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
            dedup.start()
            waited = waits_for_lock(_watch(team), dedup)
        finally:
            go.set()
        done = bulk.outcome()
        event.remove(ana.store.write_engine, "before_cursor_execute", before)
        assert (done.changed, waited) == (2, True)  # type: ignore[attr-defined]
        dedup.outcome()  # not ended as a deadlock
    with team.sql() as owner:
        decided = owner.execute("SELECT record_id, decision FROM decision ORDER BY record_id").fetchall()
    assert decided == [(1, "exclude"), (2, "exclude")]
