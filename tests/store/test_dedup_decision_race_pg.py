"""On a PostgreSQL server, a reviewer's decision and a dedup run's writing transaction
follow each other: the run locks the statuses of the records it merges (as a decision
does, ``status.lock_records``) before it reads which of them reviewers decided on.

Without that, a decision committed after the run read the decisions but before it wrote
could leave the decided record merged away into an undecided one, its decision silently
out of the queue and of PRISMA's counts; a serial order keeps the decided record as the
group's canonical record instead.

Two real connections in two threads on a real server, held and watched as
``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from screener.core.project import Project
from screener.types import ScreenerError, run_work
from tests.pg import PostgresServer
from tests.store.races import Worker, pair_project, race


def _state(p: Project) -> tuple[dict[int, int | None], dict[int, str], list[tuple[int, str]]]:
    """Each record's link, its title/abstract status, and the decisions (record, decision)."""
    with p.store.engine.connect() as conn:
        links = dict(conn.execute(text("SELECT id, duplicate_of FROM record ORDER BY id")).all())
        status = dict(conn.execute(text("SELECT record_id, status FROM stage_status "
                                        "WHERE stage = 'title_abstract' ORDER BY record_id")).all())
        decisions = [(r, d) for r, d in conn.execute(text("SELECT record_id, decision FROM decision ORDER BY id"))]
    return links, status, decisions  # type: ignore[return-value]


def test_a_decision_made_while_a_run_writes_its_merges_waits_and_is_refused_plainly(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """The run has read that nobody decided on 1 or 2 and is merging 2 into 1 (the older)
    when a reviewer includes 2: the decision waits for the run, then is refused, naming
    the record to decide on, instead of landing on a record just merged away."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as runner, Project.open(url) as reviewer:
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        decision = Worker("reviewer", lambda: reviewer.screening.decide(2, "ana", "include"))
        # held once it has read the decisions, as it is about to link 2 to 1
        waited = race(runner.store.write_engine, dedup, "UPDATE record SET duplicate_of", decision, url)
        summary = dedup.outcome()
        with pytest.raises(ScreenerError, match="record 2 is a duplicate of record 1; decide on that one"):
            decision.outcome()
        links, status, decisions = _state(runner)
    assert waited  # the decision waited for the run to commit
    assert summary.merged == 1
    assert links == {1: None, 2: 1, 3: None}
    assert status == {1: "undecided", 2: "duplicate", 3: "undecided"}
    assert decisions == []  # nothing decided on a merged record


def test_a_decision_being_written_when_a_run_writes_is_waited_for_and_keeps_its_record(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """A reviewer's exclusion of 2 (with a reason: a unit of work of several statements) is
    being written when the run starts writing: the run waits for it, then sees 2 decided
    and keeps 2, merging 1 into it."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as runner, Project.open(url) as reviewer:
        decision = Worker("reviewer", lambda: reviewer.screening.decide(2, "ana", "exclude", reason="Wrong design"))
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        # held once it holds 2's status and is writing the decision
        waited = race(reviewer.store.write_engine, decision, "INSERT INTO decision", dedup, url)
        decision.outcome()
        summary = dedup.outcome()
        links, status, decisions = _state(runner)
    assert waited  # the run's writing transaction waited for the decision to commit
    assert summary.merged == 1
    assert links == {1: 2, 2: None, 3: None}  # the decided record is the one kept
    assert status == {1: "duplicate", 2: "excluded", 3: "undecided"}
    assert decisions == [(2, "exclude")]
