"""On a PostgreSQL server, a reviewer's decision and a merge follow each other: a dedup
run's writing transaction, or a reviewer's "duplicate" verdict on a pair
(``DedupService.mark``), locks the statuses of the records it merges (as a decision does,
``status.lock_records``; ``merging.lock_for_merge``) before it reads which of them
reviewers decided on, to pick the record it keeps.

Without that, a decision committed after the run read the decisions but before it wrote
could leave the decided record merged away into an undecided one, its decision silently
out of the queue and of PRISMA's counts; a serial order keeps the decided record as the
group's canonical record instead.

Two real connections in two threads on a real server, held and watched as
``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import run_work
from tests.pg import PostgresServer
from tests.store.races import (
    DECIDED_FIRST,
    Worker,
    pair_project,
    pair_state,
    race,
    refused_while_merging,
)

# The two ways records are merged, on the project that merges: what each returns.
MERGES: dict[str, Callable[[Project], object]] = {
    "run": lambda p: run_work(p.dedup.run()),
    "mark": lambda p: p.dedup.mark(1, 2, True, reviewer="bob"),
}


@pytest.mark.parametrize("merge", sorted(MERGES))
def test_a_decision_made_while_a_merge_is_written_waits_and_is_refused_plainly(
        merge: str, postgres: PostgresServer, tmp_path: Path) -> None:
    """The run, or bob's verdict that 2 is a duplicate of 1, has read that nobody decided on
    1 or 2 and is merging 2 into 1 (the older) when a reviewer includes 2: the decision
    waits for the merge, then is refused, naming the record to decide on, instead of
    landing on a record just merged away."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as merger, Project.open(url) as reviewer:
        done = refused_while_merging(merger, reviewer, "ana", url, lambda: MERGES[merge](merger))
    assert merge == "mark" or done.merged == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("merge", sorted(MERGES))
def test_a_decision_being_written_when_a_merge_starts_is_waited_for_and_keeps_its_record(
        merge: str, postgres: PostgresServer, tmp_path: Path) -> None:
    """A reviewer's exclusion of 2 (with a reason: a unit of work of several statements) is
    being written when the run, or bob's verdict, starts writing: the merge waits for it,
    then sees 2 decided and keeps 2, merging 1 into it."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as merger, Project.open(url) as reviewer:
        decision = Worker("reviewer", lambda: reviewer.screening.decide(2, "ana", "exclude", reason="Wrong design"))
        merging = Worker("merge", lambda: MERGES[merge](merger))
        # held once it holds 2's status and is writing the decision
        waited = race(reviewer.store.write_engine, decision, "INSERT INTO decision", merging, url)
        decision.outcome()
        done = merging.outcome()
        state = pair_state(merger)
    assert waited  # the merge's writing transaction waited for the decision to commit
    assert merge == "mark" or done.merged == 1
    assert state == DECIDED_FIRST  # the decided record is the one kept
