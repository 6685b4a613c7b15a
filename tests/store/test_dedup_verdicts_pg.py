"""On a PostgreSQL server, a dedup run and a reviewer's verdict or unmerge made at the
same moment follow each other instead of interleaving (``dedup_run.lock_merges``): the
verdict commits before the run's writing transaction re-reads it, or waits until the
run has committed and then acts on what the run wrote. Never is the verdict overwritten
or a write lost.

Two real connections in two threads on a real server, held and watched as
``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from screener.core.project import Project
from screener.types import run_work
from tests.factories import add_batch
from tests.pg import PostgresServer
from tests.store.races import WAIT, Hold, Worker, pair_project, waits_for_merge_lock
from tests.store.test_dedup_service import article


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


def test_an_unmerge_during_a_runs_writing_transaction_waits_for_it_and_then_holds(
        postgres: PostgresServer, tmp_path: Path) -> None:
    url = pair_project(postgres, tmp_path)
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
    url = pair_project(postgres, tmp_path)
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
