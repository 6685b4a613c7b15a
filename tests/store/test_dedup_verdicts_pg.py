"""On a PostgreSQL server, a dedup run and a reviewer's verdict or unmerge made at the
same moment follow each other instead of interleaving (``dedup_run.lock_merges``): the
verdict commits before the run's writing transaction re-reads it, or waits until the
run has committed and then acts on what the run wrote. Never is the verdict overwritten
or a write lost.

Two real connections in two threads on a real server: one transaction is held open at
a chosen statement (``Hold``) while the other acts; the test waits on what it started
(the held statement reached, the other connection seen waiting on the server's lock
table, each thread's end), never on a clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from screener.core.project import Project
from screener.types import run_work
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


def waits_for_merge_lock(url: str, other: Worker) -> bool:
    """Until a connection to this project waits for a lock on merges (True), or ``other``
    finished without waiting (False)."""
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")
    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                 "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    deadline = time.monotonic() + WAIT
    try:
        with watcher.connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(query).scalar_one():
                    return True
                if other.done.wait(0.02):  # between looks at the lock table: returns as it ends
                    return False
    finally:
        watcher.dispose()
    raise AssertionError(f"{other.name} neither waited for the lock nor finished")


def _links(p: Project) -> dict[int, int | None]:
    with p.store.engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, duplicate_of FROM record ORDER BY id")).all())  # type: ignore[arg-type]


def _pairs(p: Project) -> dict[tuple[int, int], str]:
    with p.store.engine.connect() as conn:
        return {(a, b): st for a, b, st in conn.execute(
            text("SELECT record_a, record_b, status FROM duplicate_pair"))}


def _events(p: Project) -> list[tuple[str, int]]:
    with p.store.engine.connect() as conn:
        return [(k, r) for k, r in conn.execute(text("SELECT kind, record_id FROM event "
                                                      "WHERE kind IN ('merge', 'unmerge', 'not_duplicate') "
                                                      "ORDER BY id"))]


def _project(postgres: PostgresServer, tmp_path: Path) -> str:
    url = postgres.new_database()
    project = new_project(url, per_record=1)
    add_batch(project, [article(1, doi="10.1/original"),
                        article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"],
                                pages="1002-10"),
                        make_record(3)], tmp=tmp_path)
    project.close()
    return url


def test_an_unmerge_during_a_runs_writing_transaction_waits_for_it_and_then_holds(
        postgres: PostgresServer, tmp_path: Path) -> None:
    url = _project(postgres, tmp_path)
    with Project.open(url) as p:
        run_work(p.dedup.run())
        assert _links(p)[2] == 1
        # a second search brings 4, the same article, which a reviewer screens at once:
        # the next run keeps 4 (decided on) and moves 1 and 2 into it
        add_batch(p, [article(4, doi="10.1/original")], source="Embase", file_name="second.ris", tmp=tmp_path)
        p.screening.decide(4, "ana", "include")
    with Project.open(url) as runner, Project.open(url) as reviewer:
        hold = Hold(runner.store.write_engine, "dedup", "UPDATE record SET duplicate_of")
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        dedup.start()
        assert hold.reached.wait(WAIT)  # the run is writing its merges, its transaction open
        unmerge = Worker("reviewer", lambda: reviewer.dedup.unmerge(2, reviewer="ana"))
        unmerge.start()
        waited = waits_for_merge_lock(url, unmerge)
        hold.go.set()
        summary = dedup.outcome()
        separated = unmerge.outcome()
        hold.remove()
        links, pairs, events = _links(runner), _pairs(runner), _events(runner)
    assert separated == [2]
    assert links[2] is None  # the reviewer's unmerge holds: the run did not link 2 again after it
    assert links[1] == 4  # and the run's merge is kept
    assert pairs[(2, 4)] == "not_duplicate"  # 2 left the group it was in when the unmerge acted
    assert summary.merged == 1  # 1 newly merged; 2 moved with it
    # the audit trail holds all of it, in the order it happened: the first run, this run,
    # then the unmerge
    assert events == [("merge", 2), ("merge", 1), ("merge", 1), ("merge", 2), ("merge", 4),
                      ("unmerge", 2), ("unmerge", 4)]
    assert waited  # the unmerge waited for the run to commit


def test_a_verdict_whose_transaction_is_open_when_a_run_writes_is_waited_for_and_wins(
        postgres: PostgresServer, tmp_path: Path) -> None:
    url = _project(postgres, tmp_path)
    with Project.open(url) as runner, Project.open(url) as reviewer:
        hold = Hold(reviewer.store.write_engine, "reviewer", "INSERT INTO duplicate_pair")
        verdict = Worker("reviewer", lambda: reviewer.dedup.mark(1, 2, False, reviewer="ana"))
        verdict.start()
        assert hold.reached.wait(WAIT)  # the verdict is being written, its transaction open
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        dedup.start()
        waited = waits_for_merge_lock(url, dedup)
        hold.go.set()
        verdict.outcome()
        summary = dedup.outcome()
        hold.remove()
        links, pairs, events = _links(runner), _pairs(runner), _events(runner)
    assert links == {1: None, 2: None, 3: None}  # the verdict wins over what the run found
    assert pairs == {(1, 2): "not_duplicate"}
    assert summary.merged == 0 and summary.candidates == []
    assert events == [("not_duplicate", 1), ("not_duplicate", 2)]
    assert waited  # the run's writing transaction waited for the verdict to commit
