"""A file of decisions (``decide_many``) and a dedup run on a server at once: both take the
row locks of many records' statuses, and both in record id order, so neither waits for the
other in a circle (PostgreSQL would end one with a deadlock error). Real connections on a
real server, held and watched as ``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from screener.core.project import Project
from screener.types import run_work
from tests.pg import PostgresServer
from tests.store.races import WAIT, Worker, pair_project, waits_for_lock


def test_a_file_of_decisions_in_any_order_and_a_dedup_run_do_not_deadlock(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """The file decides on record 2, then on 1. It is held just before its second row lock
    statement (before the fix it held 2's statuses and would next lock 1's) while a dedup
    run, which locks 1 then 2, starts: the run waits for the file, and both end well."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as merger, Project.open(url) as reviewer:
        reached, go = threading.Event(), threading.Event()
        seen = {"locks": 0}

        def before(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            if threading.current_thread().name == "file" and "FOR UPDATE" in statement:
                seen["locks"] += 1
                if seen["locks"] == 2:
                    reached.set()
                    assert go.wait(WAIT), "the test never let the file go on"

        event.listen(reviewer.store.write_engine, "before_cursor_execute", before)
        try:
            rows = [{"record_id": "2", "reviewer": "ana", "decision": "exclude", "reason": "Wrong design", "line": "2"},
                    {"record_id": "1", "reviewer": "ana", "decision": "include", "line": "3"}]
            file = Worker("file", lambda: reviewer.screening.decide_many(rows, source="d.csv"))
            file.start()
            assert reached.wait(WAIT), "the file never locked twice"
            run = Worker("run", lambda: run_work(merger.dedup.run()))
            run.start()
            waited = waits_for_lock(url, run)
        finally:
            go.set()
        applied = file.outcome()
        event.remove(reviewer.store.write_engine, "before_cursor_execute", before)
        assert (applied, waited) == (2, True)  # every row applied; the run waited for the file
        run.outcome()  # and was not ended as a deadlock
        with merger.store.engine.connect() as conn:
            decided = conn.execute(text("SELECT record_id, decision FROM decision ORDER BY record_id")).all()
        assert [tuple(r) for r in decided] == [(1, "include"), (2, "exclude")]
