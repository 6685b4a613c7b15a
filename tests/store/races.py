"""Two real connections racing on a real PostgreSQL server, made deterministic: one
transaction is held open at a chosen statement (``Hold``) while another acts in a thread
of its own (``Worker``), and the test waits on what it started (the held statement
reached, the other connection seen waiting on the server's lock table, each thread's
end), never on a clock. Also the small project such races are run on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project
from tests.pg import PostgresServer
from tests.store.test_dedup_service import TITLE, article

WAIT = 120  # seconds: a bound on each wait, so that a broken build fails instead of hanging


class Hold:
    """Hold one thread's transaction open just before it runs its first statement that
    contains ``marker``: ``reached`` is set there, and it goes on once ``go`` is set."""

    def __init__(self, engine: Engine, thread: str, marker: str) -> None:
        self.engine, self.thread, self.marker = engine, thread, marker
        self.reached, self.go = threading.Event(), threading.Event()
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if (threading.current_thread().name == self.thread and self.marker in statement
                and not self.reached.is_set()):
            self.reached.set()
            assert self.go.wait(WAIT), "the test never let the held transaction go on"

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)


class Worker(threading.Thread):
    """Runs ``job`` in a thread of its own, keeping its result or its exception."""

    def __init__(self, name: str, job: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.job = job
        self.result: object = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.job()
        except BaseException as e:  # noqa: BLE001 - handed to the test, which asserts on it
            self.error = e
        finally:
            self.done.set()

    def outcome(self) -> Any:
        self.join(WAIT)
        assert not self.is_alive(), f"{self.name} never finished"
        if self.error is not None:
            raise self.error
        return self.result


# Connections to this project's database that wait for a lock: the lock on merges (an
# advisory lock), or any lock at all (a row's, for one).
MERGE_LOCK_WAITS = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
LOCK_WAITS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
              "AND wait_event_type = 'Lock'")


def waits_for_lock(url: str, other: Worker, query: str = LOCK_WAITS) -> bool:
    """Until a connection to this project waits for a lock (True), or ``other`` finished
    without waiting (False)."""
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + WAIT
    try:
        with watcher.connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(text(query)).scalar_one():
                    return True
                if other.done.wait(0.02):  # between looks at the lock table: returns as it ends
                    return False
    finally:
        watcher.dispose()
    raise AssertionError(f"{other.name} neither waited for the lock nor finished")


def waits_for_merge_lock(url: str, other: Worker) -> bool:
    """Until a connection to this project waits for the lock on merges (True), or
    ``other`` finished without waiting (False)."""
    return waits_for_lock(url, other, MERGE_LOCK_WAITS)


def race(engine: Engine, first: Worker, marker: str, second: Worker, watch: str | None,
         query: str = LOCK_WAITS) -> bool | None:
    """Start ``first`` and hold it at its first statement on ``engine`` that contains
    ``marker``; start ``second``; once a connection to the project at ``watch`` waits for a
    lock (``query``), or ``second`` finished, let ``first`` go on; wait for both to end.
    Returns whether ``second`` waited (None without ``watch``: a project file).

    Without ``watch`` (SQLite) this is not a real race: nothing shows that ``second`` has
    reached SQLite's write lock, so ``first`` is let go as soon as ``second`` is started,
    and ``second`` usually writes after ``first`` committed (SQLite runs one write
    transaction at a time anyway). Such a run checks that the two, one after the other in
    this order, leave the project right; only the server runs check a contended wait."""
    hold = Hold(engine, first.name, marker)
    try:
        first.start()
        assert hold.reached.wait(WAIT), f"{first.name} never ran {marker!r}"
        second.start()
        waited = None if watch is None else waits_for_lock(watch, second, query)
        hold.go.set()
        first.join(WAIT)
        second.join(WAIT)
    finally:
        hold.go.set()
        hold.remove()
    return waited


def pair_project(postgres: PostgresServer | None, tmp_path: Path) -> str:
    """A project (a new PostgreSQL database, or without a server a file in ``tmp_path``)
    with one batch: records 1 and 2 are the same article, certain duplicates, and 3 is
    another. Returns where it is."""
    target = postgres.new_database() if postgres is not None else str(tmp_path / "p.screener")
    project = new_project(target, per_record=1)
    add_batch(project, [article(1, doi="10.1/original"),
                        article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"],
                                pages="1002-10"),
                        make_record(3)], tmp=tmp_path)
    project.close()
    return target


# What ``pair_project``'s records are after a merge of 2 with 1 and a decision on 2 that
# followed each other: each record's link, its title/abstract status, the decisions
# (record, decision). The merge first: the decision was refused. The decision first (an
# exclusion): 2 is kept, 1 merged into it.
MERGED_FIRST = ({1: None, 2: 1, 3: None}, {1: "undecided", 2: "duplicate", 3: "undecided"}, [])
DECIDED_FIRST = ({1: 2, 2: None, 3: None}, {1: "duplicate", 2: "excluded", 3: "undecided"}, [(2, "exclude")])


def pair_state(p: Project) -> tuple[dict[int, int | None], dict[int, str], list[tuple[int, str]]]:
    """Each record's link, its title/abstract status, and the decisions (record, decision)."""
    with p.store.engine.connect() as conn:
        links = dict(conn.execute(text("SELECT id, duplicate_of FROM record ORDER BY id")).all())
        status = dict(conn.execute(text("SELECT record_id, status FROM stage_status "
                                        "WHERE stage = 'title_abstract' ORDER BY record_id")).all())
        decisions = [(r, d) for r, d in conn.execute(text("SELECT record_id, decision FROM decision ORDER BY id"))]
    return links, status, decisions  # type: ignore[return-value]


def refused_while_merging(merger: Project, reviewer: Project, name: str, watch: str,
                          merge: Callable[[], object]) -> object:
    """``merge`` (on ``merger``: a dedup run, or a reviewer's "duplicate" verdict) is held as
    it is about to link 2 to 1, having read that nobody decided on either, when reviewer
    ``name`` includes 2 on ``reviewer``: the decision waits for the merge to commit (seen at
    ``watch``), then is refused plainly, and nothing is decided. Returns what ``merge`` did."""
    merging = Worker("merge", merge)
    decision = Worker("reviewer", lambda: reviewer.screening.decide(2, name, "include"))
    waited = race(merger.store.write_engine, merging, "UPDATE record SET duplicate_of", decision, watch)
    result = merging.outcome()
    with pytest.raises(ScreenerError, match="record 2 is a duplicate of record 1; decide on that one"):
        decision.outcome()
    assert waited  # the decision waited for the merge to commit
    assert pair_state(merger) == MERGED_FIRST  # nothing decided on a merged record
    return result
